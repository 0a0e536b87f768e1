import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CacheEngineVersion, CacheNodeType, LgpdDataPipeline } from '../src';
import { only, synth } from './util';

const KEY_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineKey'), 'Arn'] };

describe('cache, cluster mode off (default)', () => {
  const { template, pipeline, stack } = synth({ environmentSuffix: 'dev' });
  const rg = only(template, 'AWS::ElastiCache::ReplicationGroup');

  test('two nodes with automatic failover and Multi-AZ, named with the suffix', () => {
    expect(rg.Properties).toMatchObject({
      ReplicationGroupId: 'lgpd-cache-dev',
      NumCacheClusters: 2,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      Engine: 'redis',
      EngineVersion: '7.1',
      CacheNodeType: 'cache.t4g.small',
      Port: 6380,
    });
    expect(rg.Properties.NumNodeGroups).toBeUndefined();
  });

  test('encrypted at rest with the pipeline key and in transit, with AUTH from Secrets Manager', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AtRestEncryptionEnabled: true,
      KmsKeyId: KEY_ARN,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
    });
    expect(JSON.stringify(rg.Properties.AuthToken)).toContain('{{resolve:secretsmanager:');
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'lgpd-pipeline/dev/cache-auth-token',
      KmsKeyId: KEY_ARN,
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
    });
  });

  test('nodes live in the isolated subnets of both AZs', () => {
    const subnets = only(template, 'AWS::ElastiCache::SubnetGroup').Properties.SubnetIds.map((s: any) => s.Ref);
    expect(subnets).toHaveLength(2);
    for (const id of subnets) expect(id).toMatch(/DataSubnet/);
  });

  test('slow and engine logs go to encrypted log groups of the stack, under /aws/vendedlogs/ and named with the suffix', () => {
    const configs = rg.Properties.LogDeliveryConfigurations;
    expect(configs.map((c: any) => c.LogType)).toEqual(['slow-log', 'engine-log']);
    const groups = template.findResources('AWS::Logs::LogGroup');
    for (const config of configs) {
      // ElastiCache delivers to the log group a Ref names (a Ref to a log group is its name): one this stack creates, encrypted.
      const group = groups[config.DestinationDetails.CloudWatchLogsDetails.LogGroup.Ref];
      expect(group?.Properties.LogGroupName).toBe(`/aws/vendedlogs/lgpd-pipeline/dev/cache/${config.LogType}`);
      expect(group?.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PipelineKey/), 'Arn'] });
    }
  });

  test('the endpoint is the primary endpoint, and a reader endpoint exists (attributes a replication group has)', () => {
    expect(stack.resolve(pipeline.cacheEndpointAddress)['Fn::GetAtt'][1]).toBe('PrimaryEndPoint.Address');
    expect(stack.resolve(pipeline.cacheEndpointPort)['Fn::GetAtt'][1]).toBe('PrimaryEndPoint.Port');
    expect(stack.resolve(pipeline.cacheReaderEndpointAddress)['Fn::GetAtt'][1]).toBe('ReaderEndPoint.Address');
  });
});

describe('cache, cluster mode on', () => {
  const { template, pipeline, stack } = synth({ environmentSuffix: 'prod', cacheNodeGroups: 2, cacheNodesPerGroup: 3, azCount: 3 });
  const rg = only(template, 'AWS::ElastiCache::ReplicationGroup');

  test('node groups with replicas and a cluster-enabled parameter group', () => {
    expect(rg.Properties).toMatchObject({
      NumNodeGroups: 2,
      ReplicasPerNodeGroup: 2,
      CacheParameterGroupName: 'default.redis7.cluster.on',
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
    });
    expect(rg.Properties.NumCacheClusters).toBeUndefined();
  });

  test('the endpoint is the configuration endpoint and there is no reader endpoint', () => {
    expect(stack.resolve(pipeline.cacheEndpointAddress)['Fn::GetAtt'][1]).toBe('ConfigurationEndPoint.Address');
    expect(stack.resolve(pipeline.cacheEndpointPort)['Fn::GetAtt'][1]).toBe('ConfigurationEndPoint.Port');
    expect(pipeline.cacheReaderEndpointAddress).toBeUndefined();
  });

  test('an output of the endpoint resolves to an attribute the resource type has', () => {
    const app = new App();
    const s = new Stack(app, 'Out', { env: { region: 'sa-east-1' } });
    for (const [id, groups] of [['Off', undefined], ['On', 2]] as const) {
      const p = new LgpdDataPipeline(s, id, { environmentSuffix: id.toLowerCase(), cacheNodeGroups: groups });
      new CfnOutput(s, `${id}Endpoint`, { value: p.cacheEndpointAddress });
    }
    const outputs = Template.fromStack(s).toJSON().Outputs;
    expect(outputs.OffEndpoint.Value['Fn::GetAtt'][1]).toBe('PrimaryEndPoint.Address');
    expect(outputs.OnEndpoint.Value['Fn::GetAtt'][1]).toBe('ConfigurationEndPoint.Address');
  });
});

describe('cache types', () => {
  test('node type constants and of()', () => {
    expect(CacheNodeType.MEMORY7_GRAVITON_LARGE.name).toBe('cache.r7g.large');
    expect(CacheNodeType.of('cache.m6g.xlarge').toString()).toBe('cache.m6g.xlarge');
  });

  test('engine versions carry their parameter group family', () => {
    expect(CacheEngineVersion.REDIS_7_1.parameterGroupFamily).toBe('redis7');
    expect(CacheEngineVersion.VALKEY_8_0).toMatchObject({ engine: 'valkey', version: '8.0', parameterGroupFamily: 'valkey8' });
  });

  test('valkey in cluster mode uses the valkey cluster parameter group', () => {
    synth({ environmentSuffix: 'dev', cacheEngineVersion: CacheEngineVersion.VALKEY_8_0, cacheNodeGroups: 1, cacheNodeType: CacheNodeType.MEMORY7_GRAVITON_LARGE }).template
      .hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        Engine: 'valkey', EngineVersion: '8.0', CacheParameterGroupName: 'default.valkey8.cluster.on', CacheNodeType: 'cache.r7g.large',
      });
  });
});

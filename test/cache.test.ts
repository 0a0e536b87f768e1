import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CacheAccess, CacheEngineVersion, CacheNodeType, CacheUser, LgpdDataPipeline } from '../src';
import { build, only, synth } from './util';
import { DEFAULT_USER, PROCESSOR_USER } from '../src/private/cache-access';

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

  test('keeps automatic snapshots for 15 days', () => {
    expect(rg.Properties.SnapshotRetentionLimit).toBe(15);
  });

  test('encrypted at rest with the pipeline key and in transit, and admits the users of its user group, not an AUTH token', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AtRestEncryptionEnabled: true,
      KmsKeyId: KEY_ARN,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
    });
    const [groupId] = Object.keys(template.findResources('AWS::ElastiCache::UserGroup'));
    expect(rg.Properties.UserGroupIds).toEqual([{ Ref: groupId }]);
    expect(rg.Properties.AuthToken).toBeUndefined();
    expect(pipeline.cacheAuthSecret).toBeUndefined();
    // The one secret is the pipeline's subject key (src/subject-key.ts), not a cache token.
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'lgpd-pipeline/dev/subject-key' });
  });

  test('the user group holds only its default user until a job asks for a login, and the default user is off and may run nothing', () => {
    const group = only(template, 'AWS::ElastiCache::UserGroup');
    expect(group.Properties).toMatchObject({ UserGroupId: 'lgpd-cache-dev-users', Engine: 'redis' });
    const [user] = Object.entries<any>(template.findResources('AWS::ElastiCache::User'));
    expect(group.Properties.UserIds).toEqual([{ Ref: user[0] }]);
    expect(user[1].Properties).toEqual({
      UserId: 'lgpd-cache-dev-default',
      UserName: 'default',
      Engine: 'redis',
      AccessString: DEFAULT_USER.accessString,
      AuthenticationMode: { Type: 'no-password-required' },
      Tags: expect.any(Array),
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

describe('cache users', () => {
  test('every construct of the pipeline has at most one default child (newer aws-cdk-lib fails synth when one has both "Resource" and "Default")', () => {
    const { pipeline } = build({ environmentSuffix: 'dev' });
    pipeline.addProcessor('Processor');
    pipeline.addDataSubjectRights('Rights');
    const ambiguous = pipeline.node.findAll()
      .filter(c => c.node.tryFindChild('Resource') !== undefined && c.node.tryFindChild('Default') !== undefined)
      .map(c => c.node.path);
    expect(ambiguous).toEqual([]);
  });

  test('a job\'s login adds its own user, with the access string of src/private/cache-access.ts and a generated password in a secret', () => {
    const { stack, pipeline } = build({ environmentSuffix: 'dev' });
    const login = pipeline.cacheLogin(CacheUser.PROCESSOR);
    expect(pipeline.cacheLogin(CacheUser.PROCESSOR)).toBe(login);
    const template = Template.fromStack(stack);
    const users = template.findResources('AWS::ElastiCache::User', { Properties: { UserName: 'lgpd-processor' } });
    const [[userId, user]] = Object.entries<any>(users);
    const [secretId] = Object.keys(template.findResources('AWS::SecretsManager::Secret', { Properties: { Name: 'lgpd-pipeline/dev/cache-user/processor' } }));
    expect(user.Properties).toMatchObject({
      UserId: 'lgpd-cache-dev-processor',
      Engine: 'redis',
      AccessString: PROCESSOR_USER.accessString,
      AuthenticationMode: { Type: 'password', Passwords: [{ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] }] },
    });
    expect(only(template, 'AWS::ElastiCache::UserGroup').Properties.UserIds).toContainEqual({ Ref: userId });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'lgpd-pipeline/dev/cache-user/processor', KmsKeyId: KEY_ARN, GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
    });
    expect(login.userName).toBe('lgpd-processor');
    expect(stack.resolve(login.secret.secretArn)).toEqual({ Ref: secretId });
  });

  test('the processor\'s access string names its commands one by one: no category but -@all, so no FLUSHALL through +@write', () => {
    expect(PROCESSOR_USER.accessString.split(' ').filter(rule => rule.startsWith('+@') || rule === 'allcommands' || rule === '~*' || rule === 'allkeys')).toEqual([]);
    expect(PROCESSOR_USER.accessString).toMatch(/^on ~customer:\* ~erased:\* ~lgpd:cache:\* -@all \+/);
  });

  test('with CacheAccess.AUTH_TOKEN: the AUTH token from Secrets Manager, no user group, and every login is the token', () => {
    const { template, pipeline, stack } = synth({ environmentSuffix: 'dev', cacheAccess: CacheAccess.AUTH_TOKEN });
    const rg = only(template, 'AWS::ElastiCache::ReplicationGroup');
    expect(JSON.stringify(rg.Properties.AuthToken)).toContain('{{resolve:secretsmanager:');
    expect(rg.Properties.UserGroupIds).toBeUndefined();
    template.resourceCountIs('AWS::ElastiCache::UserGroup', 0);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'lgpd-pipeline/dev/cache-auth-token',
      KmsKeyId: KEY_ARN,
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
    });
    const login = pipeline.cacheLogin(CacheUser.PROCESSOR);
    expect(login.userName).toBeUndefined();
    expect(stack.resolve(login.secret.secretArn)).toEqual(stack.resolve(pipeline.cacheAuthSecret!.secretArn));
  });
});

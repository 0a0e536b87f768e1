import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CacheAccess, LgpdDataPipeline } from '../src';

const { DATA_CLASSIFICATION_TAG, ENVIRONMENT_SUFFIX_TAG } = LgpdDataPipeline;
import { build, resourcesOf, synth } from './util';

/** Physical-name properties of the resources the pipeline names. */
const NAME_PROPS: Record<string, string> = {
  'AWS::Kinesis::Stream': 'Name',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::RDS::DBSubnetGroup': 'DBSubnetGroupName',
  'AWS::RDS::DBParameterGroup': 'DBParameterGroupName',
  'AWS::ElastiCache::ReplicationGroup': 'ReplicationGroupId',
  'AWS::ElastiCache::SubnetGroup': 'CacheSubnetGroupName',
  'AWS::EC2::SecurityGroup': 'GroupName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::KMS::Alias': 'AliasName',
};

function physicalNames(template: Template): string[] {
  const names: string[] = [];
  for (const [type, prop] of Object.entries(NAME_PROPS)) {
    for (const [, r] of resourcesOf(template, type)) {
      if (typeof r.Properties?.[prop] === 'string') names.push(`${type} ${r.Properties[prop]}`);
    }
  }
  return names;
}

describe('names and tags', () => {
  const { template } = synth({ environmentSuffix: 'qa-42' });

  test('every physical name carries the suffix', () => {
    const names = physicalNames(template);
    expect(names.length).toBeGreaterThanOrEqual(12);
    for (const name of names) expect(name).toMatch(/ \S*qa-42/);
  });

  test('every taggable resource carries the suffix tag', () => {
    const taggable = Object.entries<any>(template.toJSON().Resources)
      .filter(([, r]) => r.Properties && 'Tags' in r.Properties);
    expect(taggable.length).toBeGreaterThan(15);
    for (const [, r] of taggable) {
      expect(r.Properties.Tags).toEqual(expect.arrayContaining([{ Key: ENVIRONMENT_SUFFIX_TAG, Value: 'qa-42' }]));
    }
  });

  test('each store that holds personal data carries the data-classification tag (and the AUTH token, with CacheAccess.AUTH_TOKEN)', () => {
    for (const type of ['AWS::Kinesis::Stream', 'AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup']) {
      template.hasResourceProperties(type, { Tags: Match.arrayWith([{ Key: DATA_CLASSIFICATION_TAG, Value: 'personal-data' }]) });
    }
    synth({ environmentSuffix: 'qa-42', cacheAccess: CacheAccess.AUTH_TOKEN }).template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'lgpd-pipeline/qa-42/cache-auth-token', Tags: Match.arrayWith([{ Key: DATA_CLASSIFICATION_TAG, Value: 'personal-data' }]),
    });
  });

  test('two pipelines with different suffixes in one app share no physical name', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: { region: 'sa-east-1' } });
    const b = new Stack(app, 'B', { env: { region: 'sa-east-1' } });
    new LgpdDataPipeline(a, 'Pipeline', { environmentSuffix: 'team-a' });
    new LgpdDataPipeline(b, 'Pipeline', { environmentSuffix: 'team-b' });
    const namesA = physicalNames(Template.fromStack(a));
    const namesB = physicalNames(Template.fromStack(b));
    expect(namesA.filter(n => namesB.includes(n))).toEqual([]);
    expect(new Set([...namesA, ...namesB]).size).toBe(namesA.length + namesB.length);
  });

  test('a suffix at the length limit (29 characters) fits every physical name', () => {
    const suffix = 'a'.repeat(29);
    const names = physicalNames(synth({ environmentSuffix: suffix }).template);
    expect(names.length).toBeGreaterThanOrEqual(12);
    for (const name of names) expect(name).toContain(suffix);
    expect(names.find(n => n.startsWith('AWS::ElastiCache::ReplicationGroup'))).toBe(`AWS::ElastiCache::ReplicationGroup lgpd-cache-${suffix}`);
  });

  test('two pipelines with different suffixes in one stack share no physical name', () => {
    const app = new App();
    const s = new Stack(app, 'S', { env: { region: 'sa-east-1' } });
    new LgpdDataPipeline(s, 'Blue', { environmentSuffix: 'blue' });
    new LgpdDataPipeline(s, 'Green', { environmentSuffix: 'green' });
    const names = physicalNames(Template.fromStack(s));
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('removal policies', () => {
  test('by default the data is kept: stream, key, secret and logs retained except on a failed create; database and cache snapshot', () => {
    const { template } = synth({ environmentSuffix: 'dev' });
    for (const type of ['AWS::Kinesis::Stream', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup']) {
      for (const [id, r] of resourcesOf(template, type)) {
        expect([id, r.DeletionPolicy]).toEqual([id, 'RetainExceptOnCreate']);
      }
    }
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', Properties: Match.objectLike({ DeletionProtection: true }) });
    template.hasResource('AWS::ElastiCache::ReplicationGroup', { DeletionPolicy: 'Snapshot' });
  });

  test('RETAIN keeps the database and cache too, except when the create that made them rolls back', () => {
    const { template } = synth({ environmentSuffix: 'dev', removalPolicy: RemovalPolicy.RETAIN });
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::ElastiCache::ReplicationGroup', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  });

  test('DESTROY leaves nothing retained and no deletion protection', () => {
    const { template } = synth({ environmentSuffix: 'test', removalPolicy: RemovalPolicy.DESTROY });
    for (const [id, r] of Object.entries<any>(template.toJSON().Resources)) {
      expect([id, r.DeletionPolicy ?? 'Delete']).toEqual([id, 'Delete']);
      expect([id, r.UpdateReplacePolicy ?? 'Delete']).toEqual([id, 'Delete']);
    }
    template.hasResourceProperties('AWS::RDS::DBInstance', { DeletionProtection: false, DeleteAutomatedBackups: true });
    template.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 7 });
  });
});

describe('bring your own', () => {
  test('an existing VPC and key are used, and none is created', () => {
    const app = new App();
    const stack = new Stack(app, 'Byo', { env: { region: 'sa-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Shared', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'Ingress', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });
    const key = new kms.Key(stack, 'SharedKey', { enableKeyRotation: true });
    const pipeline = new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'byo', vpc, encryptionKey: key });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::KMS::Alias', 0);
    expect(pipeline.vpc).toBe(vpc);
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('SharedKey'), 'Arn'] };
    template.hasResourceProperties('AWS::Kinesis::Stream', { StreamEncryption: { EncryptionType: 'KMS', KeyId: keyArn } });
    template.hasResourceProperties('AWS::RDS::DBInstance', { KmsKeyId: keyArn });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { KmsKeyId: keyArn });
    const subnets = resourcesOf(template, 'AWS::RDS::DBSubnetGroup')[0][1].Properties.SubnetIds.map((s: any) => s.Ref);
    for (const id of subnets) expect(id).toMatch(/AppSubnet/);
  });

  test('an imported VPC and key: the cache subnet group uses the imported isolated subnets', () => {
    const app = new App();
    const stack = new Stack(app, 'Imported', { env: { region: 'sa-east-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1234',
      availabilityZones: ['sa-east-1a', 'sa-east-1b'],
      isolatedSubnetIds: ['subnet-a', 'subnet-b'],
    });
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:sa-east-1:111111111111:key/abcd');
    new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'imp', vpc, encryptionKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: ['subnet-a', 'subnet-b'] });
  });
});

describe('connections and grants', () => {
  test('allowFrom opens only the database and cache ports and the endpoints\' 443, only to the client', () => {
    const { stack, pipeline } = build({ environmentSuffix: 'dev' });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc: pipeline.vpc });
    pipeline.allowFrom(client);
    const template = Template.fromStack(stack);
    const ingress = resourcesOf(template, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(ingress.map(r => r.FromPort).sort()).toEqual([443, 5433, 6380]);
    for (const rule of ingress) {
      expect(rule.ToPort).toBe(rule.FromPort);
      expect(rule.SourceSecurityGroupId['Fn::GetAtt'][0]).toMatch(/^Client/);
      expect(rule.CidrIp).toBeUndefined();
    }
  });

  test('database.connections (the RDS L2\'s) opens the instance\'s endpoint port, and only that', () => {
    const { stack, pipeline } = build({ environmentSuffix: 'dev' });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc: pipeline.vpc });
    pipeline.database.connections.allowDefaultPortFrom(client);
    const port = { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineDatabase'), 'Endpoint.Port'] };
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: port, ToPort: port });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
  });

  test('no rule anywhere is open to the world', () => {
    const { template } = synth({ environmentSuffix: 'dev' });
    const json = template.toJSON();
    for (const r of Object.values<any>(json.Resources)) {
      const rules = [...(r.Properties?.SecurityGroupIngress ?? []), ...(r.Type === 'AWS::EC2::SecurityGroupIngress' ? [r.Properties] : [])];
      for (const rule of rules) {
        expect(rule.CidrIp).not.toBe('0.0.0.0/0');
        expect(rule.CidrIpv6).not.toBe('::/0');
      }
    }
  });

  test('grantSecretsRead covers the master secret, the AUTH token (with CacheAccess.AUTH_TOKEN) and decrypting them', () => {
    const { stack, pipeline } = build({ environmentSuffix: 'dev', cacheAccess: CacheAccess.AUTH_TOKEN });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    pipeline.grantSecretsRead(role);
    const [policy] = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    const statements = policy.Properties.PolicyDocument.Statement;
    const json = JSON.stringify(statements);
    expect(json).toContain('secretsmanager:GetSecretValue');
    expect(json).toMatch(/PipelineCacheAuthToken/);
    expect(json).toContain('kms:Decrypt');
    // The master secret by RDS's tag for this instance, not by its ARN (which waits for the database).
    expect(json).not.toContain('MasterUserSecret');
    expect(statements).toContainEqual(expect.objectContaining({
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:sa-east-1:', { Ref: 'AWS::AccountId' }, ':secret:rds!db-*']] },
      Condition: {
        StringEquals: {
          'aws:ResourceTag/aws:rds:primaryDBInstanceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:sa-east-1:', { Ref: 'AWS::AccountId' }, ':db:lgpd-db-dev']] },
        },
      },
    }));
    // Nothing in the policy refers to the database resources, so it does not wait for them.
    expect(json).not.toMatch(/PipelineDatabase/);
  });

  test('grantDatabaseConnect grants rds-db:connect for one user', () => {
    const { stack, pipeline } = build({ environmentSuffix: 'dev' });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    pipeline.grantDatabaseConnect(role, 'reader');
    const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('rds-db:connect');
    expect(policy).toContain('/reader');
  });
});

describe('data residency (LGPD Art. 33)', () => {
  test('sa-east-1 is allowed by default', () => {
    expect(() => synth({ environmentSuffix: 'dev' })).not.toThrow();
  });

  test('another region is allowed when listed', () => {
    expect(() => synth({ environmentSuffix: 'dev', allowedRegions: ['sa-east-1', 'us-east-1'] }, { env: { region: 'us-east-1' } })).not.toThrow();
  });

  test('an env-agnostic stack gets a warning, not an error', () => {
    const { stack } = synth({ environmentSuffix: 'dev' }, {});
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('data-residency guard cannot check'));
  });
});

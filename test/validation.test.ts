import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { CacheEngineVersion, CacheNodeType, LgpdDataPipeline, LgpdDataPipelineProps } from '../src';

function build(props: Partial<LgpdDataPipelineProps>, region = 'sa-east-1') {
  const app = new App();
  const stack = new Stack(app, 'V', { env: { region } });
  new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev', ...props });
  return Template.fromStack(stack);
}

describe('validation', () => {
  test('fails when environmentSuffix has uppercase letters', () => {
    expect(() => build({ environmentSuffix: 'Dev' })).toThrow(/environmentSuffix: got "Dev"; must be 1-29 characters of lowercase letters/);
  });
  test('fails when environmentSuffix has a space', () => {
    expect(() => build({ environmentSuffix: 'my env' })).toThrow(/environmentSuffix: got "my env"/);
  });
  test('fails when environmentSuffix is too long for the replication group id', () => {
    expect(() => build({ environmentSuffix: 'a'.repeat(30) })).toThrow(/environmentSuffix.*limited to 40 characters/);
  });
  test('fails when environmentSuffix is empty or has a double hyphen', () => {
    expect(() => build({ environmentSuffix: '' })).toThrow(/environmentSuffix: got ""/);
    expect(() => build({ environmentSuffix: 'a--b' })).toThrow(/environmentSuffix: got "a--b"/);
  });
  test('a suffix at the length limit fits every name', () => {
    expect(() => build({ environmentSuffix: 'a'.repeat(29) })).not.toThrow();
  });
  test('fails when azCount is 1, 7 or 2.5', () => {
    expect(() => build({ azCount: 1 })).toThrow(/invalid azCount: got 1; must be an integer from 2 to 6/);
    expect(() => build({ azCount: 7 })).toThrow(/invalid azCount: got 7/);
    expect(() => build({ azCount: 2.5 })).toThrow(/invalid azCount: got 2.5/);
  });
  test('fails when azCount exceeds the AZs of a concrete environment', () => {
    const app = new App({ context: { 'availability-zones:account=111111111111:region=sa-east-1': ['sa-east-1a', 'sa-east-1b', 'sa-east-1c'] } });
    const stack = new Stack(app, 'V', { env: { account: '111111111111', region: 'sa-east-1' } });
    expect(() => new LgpdDataPipeline(stack, 'P', { environmentSuffix: 'dev', azCount: 4 })).toThrow(/invalid azCount: got 4; stack V in sa-east-1 has only 3 availability zones/);
  });
  test('fails when shardCount is 0, negative or above the default quota', () => {
    expect(() => build({ shardCount: 0 })).toThrow(/invalid shardCount: got 0; must be an integer from 1 to 200/);
    expect(() => build({ shardCount: -3 })).toThrow(/invalid shardCount: got -3/);
    expect(() => build({ shardCount: 201 })).toThrow(/invalid shardCount: got 201/);
  });
  test('fails when on-demand mode is given a shard count', () => {
    expect(() => build({ streamMode: kinesis.StreamMode.ON_DEMAND, shardCount: 2 })).toThrow(/invalid shardCount: got 2; must be left unset when streamMode is ON_DEMAND/);
  });
  test('fails when streamRetention is outside 24 h to 365 days', () => {
    expect(() => build({ streamRetention: Duration.hours(23) })).toThrow(/invalid streamRetention: got Duration.hours\(23\); must be a whole number of hours from 24 to 8760/);
    expect(() => build({ streamRetention: Duration.days(366) })).toThrow(/invalid streamRetention/);
  });
  test('fails when the cache node type is unknown', () => {
    expect(() => CacheNodeType.of('cache.banana')).toThrow(/invalid cacheNodeType: got "cache.banana"; must look like cache.<family>.<size>/);
    expect(() => CacheNodeType.of('r7g.large')).toThrow(/cacheNodeType/);
    expect(() => CacheNodeType.of('cache.t1.micro')).toThrow(/current-generation/);
  });
  test('fails when the cache node count cannot span two AZs', () => {
    expect(() => build({ cacheNodesPerGroup: 1 })).toThrow(/invalid cacheNodesPerGroup: got 1; must be an integer from 2 to 6 \(automatic failover/);
    expect(() => build({ cacheNodesPerGroup: 7 })).toThrow(/invalid cacheNodesPerGroup: got 7/);
  });
  test('fails when cacheNodeGroups is 0', () => {
    expect(() => build({ cacheNodeGroups: 0 })).toThrow(/invalid cacheNodeGroups: got 0/);
  });
  test('fails when the cache engine version is too old or malformed', () => {
    expect(() => CacheEngineVersion.redis('5.0')).toThrow(/invalid cacheEngineVersion: got "redis 5.0"/);
    expect(() => CacheEngineVersion.redis('7')).toThrow(/cacheEngineVersion/);
    expect(() => CacheEngineVersion.valkey('6.2')).toThrow(/cacheEngineVersion/);
  });
  test('fails when the region is outside the allowed list', () => {
    expect(() => build({}, 'us-east-1')).toThrow(/invalid region: got "us-east-1"; personal data may only live in allowedRegions \(sa-east-1\)/);
    expect(() => build({ allowedRegions: [] })).toThrow(/invalid allowedRegions/);
  });
  test('fails when database storage options conflict or are out of range', () => {
    expect(() => build({ database: { allocatedStorage: 10 } })).toThrow(/invalid database.allocatedStorage: got 10; must be an integer from 20 to 65535/);
    expect(() => build({ database: { allocatedStorage: 200, maxAllocatedStorage: 100 } })).toThrow(/invalid database.maxAllocatedStorage: got 100; must be greater than database.allocatedStorage \(200\)/);
    expect(() => build({ database: { backupRetention: Duration.days(0) } })).toThrow(/invalid database.backupRetention/);
    expect(() => build({ database: { backupRetention: Duration.days(36) } })).toThrow(/invalid database.backupRetention: got Duration.days\(36\)/);
  });
  test('fails when the master user name is reserved', () => {
    expect(() => build({ database: { masterUsername: 'postgres' } })).toThrow(/invalid database.masterUsername: got "postgres"/);
  });
  test('fails when a brought VPC is paired with azCount', () => {
    const app = new App();
    const stack = new Stack(app, 'V', { env: { region: 'sa-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new LgpdDataPipeline(stack, 'P', { environmentSuffix: 'dev', vpc, azCount: 3 })).toThrow(/invalid azCount: got 3; must be left unset when you bring your own vpc/);
  });
  test('fails when the data tier would live in public subnets', () => {
    const app = new App();
    const stack = new Stack(app, 'V', { env: { region: 'sa-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Pub', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new LgpdDataPipeline(stack, 'P', { environmentSuffix: 'dev', vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow(/invalid vpcSubnets: got "public subnets"/);
  });
  test('fails when a brought VPC has data subnets in only one AZ', () => {
    const app = new App();
    const stack = new Stack(app, 'V', { env: { region: 'sa-east-1' } });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['sa-east-1a'], isolatedSubnetIds: ['subnet-1'] });
    expect(() => new LgpdDataPipeline(stack, 'P', { environmentSuffix: 'dev', vpc })).toThrow(/at least two availability zones/);
  });

  test('tokens are accepted and left to CloudFormation', () => {
    const app = new App();
    const stack = new Stack(app, 'V', { env: { region: 'sa-east-1' } });
    const shards = new CfnParameter(stack, 'Shards', { type: 'Number', default: 2 });
    new LgpdDataPipeline(stack, 'P', { environmentSuffix: 'dev', shardCount: shards.valueAsNumber });
    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: { Ref: 'Shards' } });
  });
});

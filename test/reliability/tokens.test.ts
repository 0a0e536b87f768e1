/**
 * Values that are CDK tokens (CloudFormation parameters, context) are accepted and passed through to
 * CloudFormation, which checks them at deploy time; they are never rejected by accident. The one
 * exception, azCount, shapes the VPC at synth and is refused with a clear error (see
 * invalid-configurations.test.ts).
 */
import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { only, synthWith } from '../util';

function param(stack: Stack, id: string, type = 'Number'): CfnParameter {
  return new CfnParameter(stack, id, { type, minValue: type === 'Number' ? 1 : undefined });
}

describe('tokens are accepted and left to CloudFormation', () => {
  // One synthesis for every numeric prop that can be a parameter with cluster mode off.
  const { template } = synthWith(stack => ({
    shardCount: param(stack, 'Shards').valueAsNumber,
    streamRetention: Duration.hours(param(stack, 'RetentionHours').valueAsNumber),
    cacheNodesPerGroup: param(stack, 'CacheNodes').valueAsNumber,
    cachePort: param(stack, 'CachePort').valueAsNumber,
    database: {
      allocatedStorage: param(stack, 'Storage').valueAsNumber,
      backupRetention: Duration.days(param(stack, 'BackupDays').valueAsNumber),
      port: param(stack, 'DbPort').valueAsNumber,
    },
  }));

  test('stream shard count and retention', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: { Ref: 'Shards' }, RetentionPeriodHours: { Ref: 'RetentionHours' } });
  });
  test('cache node count and port', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumCacheClusters: { Ref: 'CacheNodes' }, Port: { Ref: 'CachePort' } });
  });
  test('database storage, backup retention and port', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      AllocatedStorage: { Ref: 'Storage' },
      BackupRetentionPeriod: { Ref: 'BackupDays' },
      Port: { Ref: 'DbPort' },
    });
  });
  test('no token is rendered as a raw number', () => {
    const t = template.toJSON();
    expect(JSON.stringify(t)).not.toMatch(/-1\.8\d+e\+289/); // no token rendered as a raw number
  });

  test('cache node groups (cluster mode) as a parameter', () => {
    const t = synthWith(stack => ({ cacheNodeGroups: param(stack, 'Shards').valueAsNumber })).template;
    expect(only(t, 'AWS::ElastiCache::ReplicationGroup').Properties).toMatchObject({ NumNodeGroups: { Ref: 'Shards' }, ReplicasPerNodeGroup: 1 });
  });

  test('values from context are plain values and validated as such', () => {
    const fromContext = (stack: Stack) => ({ shardCount: Number(stack.node.tryGetContext('shards')), streamMode: kinesis.StreamMode.PROVISIONED });
    synthWith(fromContext, { shards: '3' }).template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 3 });
    expect(() => synthWith(fromContext, { shards: '300' })).toThrow(/invalid shardCount: got 300/);
  });

  // ---- Former gaps: a token rejected or mis-rendered by accident. Each test started failing and pins its fix.
  test('database.maxAllocatedStorage as a parameter (database.ts compares it to allocatedStorage)', () => {
    synthWith(stack => ({ database: { maxAllocatedStorage: param(stack, 'MaxStorage').valueAsNumber } })).template
      .hasResourceProperties('AWS::RDS::DBInstance', { MaxAllocatedStorage: { Ref: 'MaxStorage' } });
  });
  test('database.masterUsername and databaseName as parameters (database.ts matches them against a pattern)', () => {
    synthWith(stack => ({ database: { masterUsername: param(stack, 'User', 'String').valueAsString, databaseName: param(stack, 'Db', 'String').valueAsString } })).template
      .hasResourceProperties('AWS::RDS::DBInstance', { DBName: { Ref: 'Db' }, MasterUsername: { Ref: 'User' } });
  });
  test('allowedRegions holding a parameter synthesizes, with a warning that the region cannot be checked (src/private/residency.ts compares the region with it)', () => {
    const result = synthWith(s => ({ allowedRegions: [param(s, 'Region', 'String').valueAsString] }));
    result.template.resourceCountIs('AWS::Kinesis::Stream', 1);
    Annotations.fromStack(result.stack).hasWarning('/Test/Pipeline', Match.stringLikeRegexp('allowedRegions holds a token, so the data-residency guard cannot check the region sa-east-1'));
  });
  test('cacheNodesPerGroup as a parameter in cluster mode is refused clearly, not rendered as ReplicasPerNodeGroup = nodes (cache.ts subtracts 1 from the token)', () => {
    expect(() => synthWith(stack => ({ cacheNodeGroups: 2, cacheNodesPerGroup: param(stack, 'Nodes').valueAsNumber })))
      .toThrow(/invalid cacheNodesPerGroup: got a token .*must be a literal integer .* in cluster mode/);
  });
});

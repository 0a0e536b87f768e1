/**
 * The construct ids of the resources that hold data are pinned: a refactor that renames or moves one
 * changes its logical id, and CloudFormation would then create a new resource and delete (or orphan)
 * the old one. If one of these tests fails, the refactor is a breaking change for every deployed
 * pipeline: keep the old id (for example with `overrideLogicalId`) instead of updating the list.
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { CacheAccess, CacheNodeType, LgpdDataPipeline } from '../../src';

/** [logical id, type, construct path under the stack] of every resource that keeps data by default. */
const PINNED: Array<[string, string, string]> = [
  ['PipelineKey5335B18C', 'AWS::KMS::Key', 'Pipeline/Key/Resource/Resource'],
  ['PipelineStream7C05F50C', 'AWS::Kinesis::Stream', 'Pipeline/Stream/Resource/Resource'],
  ['PipelineDatabase0EE08539', 'AWS::RDS::DBInstance', 'Pipeline/Database/Resource/Resource'],
  ['PipelineCacheD3E320C9', 'AWS::ElastiCache::ReplicationGroup', 'Pipeline/Cache/Resource'],
  // Replacing it would make a new key: every stored keyed hash, tombstones included, would stop matching.
  ['PipelineSubjectKey3505E948', 'AWS::SecretsManager::Secret', 'Pipeline/SubjectKey/Resource/Resource'],
  ['PipelineNetworkFlowLogsEEDF4116', 'AWS::Logs::LogGroup', 'Pipeline/Network/FlowLogs/Resource'],
  ['PipelineDatabaseLogspostgresql524EFC51', 'AWS::Logs::LogGroup', 'Pipeline/Database/Logspostgresql/Resource'],
  ['PipelineDatabaseLogsupgradeD621F5E7', 'AWS::Logs::LogGroup', 'Pipeline/Database/Logsupgrade/Resource'],
  ['PipelineCacheLogsslowlogF0F98588', 'AWS::Logs::LogGroup', 'Pipeline/Cache/Logsslow-log/Resource'],
  ['PipelineCacheLogsenginelog5B710913', 'AWS::Logs::LogGroup', 'Pipeline/Cache/Logsengine-log/Resource'],
  ['PipelineNetworkDefaultSecurityGroupLogGroup3A5A4C78', 'AWS::Logs::LogGroup', 'Pipeline/Network/DefaultSecurityGroup/LogGroup/Resource'],
];

/**
 * With `CacheAccess.AUTH_TOKEN`, the token keeps the id it had before users existed: a pipeline deployed
 * then keeps its token (and its replication group) by choosing that option.
 */
const PINNED_AUTH_TOKEN: Array<[string, string, string]> = [
  ['PipelineCacheAuthToken10294514', 'AWS::SecretsManager::Secret', 'Pipeline/Cache/AuthToken/Resource'],
];

/** The four resources whose replacement loses the data itself. */
const STATEFUL = ['AWS::KMS::Key', 'AWS::Kinesis::Stream', 'AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup'];

describe('construct ids of stateful resources', () => {
  // The FastShop example's pipeline (construct id 'Pipeline'), as users deploy it.
  const app = new App();
  const stack = new Stack(app, 'FastShopPipeline', { env: { region: 'sa-east-1' } });
  new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev', azCount: 2, shardCount: 2, cacheNodeType: CacheNodeType.BURSTABLE4_GRAVITON_SMALL });
  const template = app.synth().getStackByName('FastShopPipeline').template;
  const byPath = new Map(stack.node.findAll()
    .filter(CfnResource.isCfnResource)
    .map(r => [r.node.path.slice(stack.node.path.length + 1), stack.getLogicalId(r)]));

  test.each(PINNED)('%s (%s) keeps its logical id and construct path', (logicalId, type, constructPath) => {
    expect(template.Resources[logicalId]?.Type).toBe(type);
    expect(byPath.get(constructPath)).toBe(logicalId);
  });

  test('the database, replication group, stream and key are all pinned', () => {
    for (const type of STATEFUL) {
      const found = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type).map(([id]) => id);
      expect(found).toEqual(PINNED.filter(([, t]) => t === type).map(([id]) => id));
    }
  });

  test('every resource that keeps data when the stack is deleted is pinned', () => {
    const keeping = Object.entries<any>(template.Resources)
      .filter(([, r]) => r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'Snapshot' || r.DeletionPolicy === 'RetainExceptOnCreate')
      .map(([id, r]) => `${id} ${r.Type}`)
      .sort();
    // A new retained resource fails here: add it to PINNED.
    expect(keeping).toEqual(PINNED.map(([id, type]) => `${id} ${type}`).sort());
  });

  test.each(PINNED_AUTH_TOKEN)('with CacheAccess.AUTH_TOKEN, %s (%s) keeps its logical id and construct path', (logicalId, type, constructPath) => {
    const tokenApp = new App();
    const tokenStack = new Stack(tokenApp, 'FastShopPipeline', { env: { region: 'sa-east-1' } });
    new LgpdDataPipeline(tokenStack, 'Pipeline', { environmentSuffix: 'dev', cacheAccess: CacheAccess.AUTH_TOKEN });
    const resource = tokenStack.node.findAll().filter(CfnResource.isCfnResource).find(r => r.node.path === `FastShopPipeline/${constructPath}`);
    expect(resource && tokenStack.getLogicalId(resource)).toBe(logicalId);
    expect(tokenApp.synth().getStackByName('FastShopPipeline').template.Resources[logicalId]?.Type).toBe(type);
  });
});

import { parse } from 'path';
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnGlobalTable, CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnReplicationGroup, CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import { CfnStream } from 'aws-cdk-lib/aws-kinesis';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf } from '../helpers';

/** The stores of personal data that have CloudWatch metrics of their own. */
const STORES = [CfnStream, CfnDBInstance, CfnDBCluster, CfnReplicationGroup, CfnServerlessCache, CfnTable, CfnGlobalTable];

/** The physical name a store's CloudWatch metrics use as their dimension value. */
function physicalName(node: CfnResource): unknown {
  if (node instanceof CfnStream) return node.name;
  if (node instanceof CfnDBInstance) return node.dbInstanceIdentifier;
  if (node instanceof CfnDBCluster) return node.dbClusterIdentifier;
  if (node instanceof CfnReplicationGroup) return node.replicationGroupId;
  if (node instanceof CfnServerlessCache) return node.serverlessCacheName;
  if (node instanceof CfnTable || node instanceof CfnGlobalTable) return node.tableName;
  return undefined;
}

/** The dimension values of an alarm: its own metric's and those of its metric-math inputs. */
function dimensionValues(alarm: CfnAlarm): unknown[] {
  const stack = Stack.of(alarm);
  const values = [stack.resolve(alarm.dimensions) ?? []].flat().map((d: any) => d?.value);
  for (const m of [stack.resolve(alarm.metrics) ?? []].flat() as any[]) {
    for (const d of m?.metricStat?.metric?.dimensions ?? []) values.push(d?.value);
  }
  return values;
}

/**
 * LGPD Art. 48 (communication of security incidents): every store of personal data (Kinesis stream,
 * RDS instance or cluster, ElastiCache replication group or serverless cache, DynamoDB table) has at
 * least one CloudWatch alarm on its metrics with an alarm action, so an incident is detected and
 * someone is told. The alarm names the store in a dimension, by reference or by physical name (for a
 * replication group, by one of its node ids `<group id>-NNN`).
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!STORES.some(type => node instanceof type)) return NagRuleCompliance.NOT_APPLICABLE;
    if (node instanceof CfnDBInstance && node.dbClusterIdentifier !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const name = physicalName(node);
    const stack = Stack.of(node);
    const ref = JSON.stringify({ Ref: stack.resolve(node.logicalId) });
    const literal = stack.resolve(name);
    const names = (v: unknown): boolean => {
      if (JSON.stringify(v ?? null).includes(ref)) return true;
      if (typeof literal !== 'string' || Token.isUnresolved(literal) || typeof v !== 'string') return false;
      return v === literal || (node instanceof CfnReplicationGroup && v.startsWith(`${literal}-`));
    };
    return complianceOf(stack.node.findAll().some(c => c instanceof CfnAlarm
      && [stack.resolve(c.alarmActions) ?? []].flat().length > 0
      && dimensionValues(c).some(names)));
  },
  'name',
  { value: parse(__filename).name },
);

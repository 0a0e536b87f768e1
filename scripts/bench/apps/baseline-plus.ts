/**
 * The hand-written stack plus what the other requirements add, written the plain aws-cdk-lib way: flow logs
 * of all traffic to a KMS-encrypted log group, the default security group closed
 * (`restrictDefaultSecurityGroup`), an encrypted SNS topic and the eleven alarms of the pipeline's
 * monitoring. It is what a user who skipped the construct would write to pass the same reviews (still
 * without the parameter group, log exports, AUTH token and the rest), so it shows what these features
 * cost in aws-cdk-lib itself, whoever writes them.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { buildBaseline } from './baseline-stack';
import { benchApp, synthAndReport } from './common';

const app = benchApp();
const stack = new Stack(app, 'BaselinePlus', { env: { region: 'sa-east-1' } });
const { key, vpc, stream, db, cache } = buildBaseline(stack, { restrictDefaultSecurityGroup: true });

const flowLogs = new logs.LogGroup(stack, 'FlowLogs', { encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR });
vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL });

const topic = new sns.Topic(stack, 'Alarms', { masterKey: key, enforceSSL: true });
const cacheNode = (metricName: string, node: string) => new cloudwatch.Metric({
  namespace: 'AWS/ElastiCache', metricName, dimensionsMap: { CacheClusterId: `${cache.ref}-${node}` }, period: Duration.minutes(5),
});
const alarms: Array<[string, cloudwatch.IMetric, number]> = [
  ['IteratorAge', stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum' }), 60_000],
  ['WriteThrottled', stream.metricPutRecordsThrottledRecords(), 1],
  ['ReadThrottled', stream.metricReadProvisionedThroughputExceeded(), 1],
  ['DbCpu', db.metricCPUUtilization(), 80],
  ['DbStorage', db.metricFreeStorageSpace(), 2 * 1024 ** 3],
  ['DbConnections', db.metricDatabaseConnections(), 100],
  ['CacheCpu', cacheNode('CPUUtilization', '001'), 80],
  ['CacheEngineCpu', cacheNode('EngineCPUUtilization', '001'), 80],
  ['CacheMemory', cacheNode('DatabaseMemoryUsagePercentage', '001'), 80],
  ['CacheEvictions', cacheNode('Evictions', '001'), 1],
  ['CacheReplicationLag', cacheNode('ReplicationLag', '002'), 30],
];
for (const [id, metric, threshold] of alarms) {
  new cloudwatch.Alarm(stack, id, { metric, threshold, evaluationPeriods: 3 }).addAlarmAction(new actions.SnsAction(topic));
}
synthAndReport(app);

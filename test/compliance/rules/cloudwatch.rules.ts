import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { findingsOf } from './util';

/** An alarm action without aws-cdk-lib/aws-cloudwatch-actions. */
const toTopic = (topic: sns.ITopic): cloudwatch.IAlarmAction => ({ bind: () => ({ alarmActionArn: topic.topicArn }) });

describe('PersonalDataStoreAlarmed (Art. 48)', () => {
  test('flags a stream with no alarm, and one whose alarm has no action; passes one with an alarm that notifies', () => {
    expect(findingsOf('PersonalDataStoreAlarmed', stack => {
      const key = new kms.Key(stack, 'Key');
      const topic = new sns.Topic(stack, 'Topic', { masterKey: key });
      new kinesis.Stream(stack, 'Unwatched', { encryptionKey: key });
      const silent = new kinesis.Stream(stack, 'Silent', { encryptionKey: key });
      silent.metricGetRecordsIteratorAgeMilliseconds().createAlarm(stack, 'SilentAlarm', { threshold: 60_000, evaluationPeriods: 1 });
      const watched = new kinesis.Stream(stack, 'Watched', { encryptionKey: key });
      watched.metricPutRecordsThrottledRecords().createAlarm(stack, 'WatchedAlarm', { threshold: 1, evaluationPeriods: 1 })
        .addAlarmAction(toTopic(topic));
    })).toEqual(['LGPD-PersonalDataStoreAlarmed Silent/Resource', 'LGPD-PersonalDataStoreAlarmed Unwatched/Resource']);
  });

  test('recognizes a replication group by the node ids of its alarms', () => {
    expect(findingsOf('PersonalDataStoreAlarmed', stack => {
      const topic = new sns.Topic(stack, 'Topic');
      new elasticache.CfnReplicationGroup(stack, 'Cache', {
        replicationGroupId: 'orders', replicationGroupDescription: 'test', engine: 'redis', cacheNodeType: 'cache.t4g.small', numCacheClusters: 2,
      });
      new cloudwatch.Metric({ namespace: 'AWS/ElastiCache', metricName: 'CPUUtilization', dimensionsMap: { CacheClusterId: 'orders-001' } })
        .createAlarm(stack, 'CacheCpu', { threshold: 90, evaluationPeriods: 1 }).addAlarmAction(toTopic(topic));
    })).toEqual([]);
  });
});

import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
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

describe('AlarmActionDeliverable (Art. 48)', () => {
  /** A stream with one alarm that notifies `topic`, the way every test below wires it. */
  const alarmTo = (stack: Stack, topic: sns.ITopic, id = 'Alarm') => new kinesis.Stream(stack, `${id}Stream`, { encryption: kinesis.StreamEncryption.MANAGED })
    .metricGetRecordsIteratorAgeMilliseconds().createAlarm(stack, id, { alarmName: `orders-${id.toLowerCase()}`, threshold: 60_000, evaluationPeriods: 1 })
    .addAlarmAction(toTopic(topic));
  const cloudWatchMayPublish = (topic: sns.Topic, alarmNames: string) => topic.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': Stack.of(topic).account },
      ArnLike: { 'aws:SourceArn': Stack.of(topic).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: alarmNames, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));

  test('flags an alarm whose topic policy only denies (enforceSSL), and passes one whose policy also admits CloudWatch', () => {
    expect(findingsOf('AlarmActionDeliverable', stack => {
      alarmTo(stack, new sns.Topic(stack, 'DenyOnly', { enforceSSL: true }), 'Silenced');
      const admitting = new sns.Topic(stack, 'Admitting', { enforceSSL: true });
      cloudWatchMayPublish(admitting, 'orders-*');
      alarmTo(stack, admitting, 'Heard');
    })).toEqual(['LGPD-AlarmActionDeliverable Silenced/Resource']);
  });

  test('passes an alarm whose topic has no topic policy: SNS\'s default policy admits the account\'s alarms', () => {
    expect(findingsOf('AlarmActionDeliverable', stack => {
      alarmTo(stack, new sns.Topic(stack, 'Plain'));
    })).toEqual([]);
  });

  test('flags an alarm outside the alarm names the topic policy admits (aws:SourceArn)', () => {
    expect(findingsOf('AlarmActionDeliverable', stack => {
      const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true });
      cloudWatchMayPublish(topic, 'orders-heard*');
      alarmTo(stack, topic, 'Heard');
      alarmTo(stack, topic, 'Other');
    })).toEqual(['LGPD-AlarmActionDeliverable Other/Resource']);
  });

  test('flags an alarm whose topic key does not admit CloudWatch, and passes one whose key does', () => {
    expect(findingsOf('AlarmActionDeliverable', stack => {
      alarmTo(stack, new sns.Topic(stack, 'Locked', { masterKey: new kms.Key(stack, 'LockedKey') }), 'Silenced');
      const key = new kms.Key(stack, 'OpenKey');
      key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }));
      alarmTo(stack, new sns.Topic(stack, 'Open', { masterKey: key }), 'Heard');
    })).toEqual(['LGPD-AlarmActionDeliverable Silenced/Resource']);
  });

  test('flags an alarm whose topic uses the AWS-managed key alias/aws/sns', () => {
    expect(findingsOf('AlarmActionDeliverable', stack => {
      alarmTo(stack, new sns.Topic(stack, 'Managed', { masterKey: kms.Alias.fromAliasName(stack, 'SnsKey', 'alias/aws/sns') }), 'Silenced');
    })).toEqual(['LGPD-AlarmActionDeliverable Silenced/Resource']);
  });

  test('does not judge a topic of another stack', () => {
    expect(findingsOf('AlarmActionDeliverable', stack => {
      alarmTo(stack, sns.Topic.fromTopicArn(stack, 'Elsewhere', 'arn:aws:sns:sa-east-1:111122223333:oncall'));
    })).toEqual([]);
  });
});

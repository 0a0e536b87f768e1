import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { LgpdDataPipeline, PipelineAlarm } from '../src';
import { build, resourcesOf, synth } from './util';

const TOPIC = { Ref: expect.stringMatching(/^PipelineMonitoringAlarmTopic/) };

/** The alarm whose name ends with `slug`, as its CloudFormation properties. */
function alarm(template: Template, name: string): any {
  const found = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(([, r]) => r.Properties.AlarmName === name);
  if (found.length !== 1) throw new Error(`expected one alarm named ${name}, found ${found.length}`);
  return found[0][1].Properties;
}

describe('default alarms, topic and dashboard', () => {
  // One synthesis for the whole describe block.
  const { stack, pipeline, template } = synth({ environmentSuffix: 'obs', monitoring: { dashboard: true } });

  test('eleven alarms, each named with the suffix, each notifying the topic on ALARM and OK', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(11);
    expect(pipeline.alarms).toHaveLength(11);
    for (const [, r] of alarms) {
      expect(r.Properties.AlarmName).toMatch(/^lgpd-pipeline-obs-/);
      expect(r.Properties.AlarmActions).toEqual([TOPIC]);
      expect(r.Properties.OKActions).toEqual([TOPIC]);
      expect(r.Properties.DatapointsToAlarm).toBe(r.Properties.EvaluationPeriods);
    }
  });

  test('the topic is encrypted with the pipeline key, named with the suffix and SSL-only', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'lgpd-pipeline-alarms-obs',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 'sns:Publish',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
    expect(pipeline.alarmTopic).toBeDefined();
  });

  test('stream iterator age: Maximum over 1 minute, above 60000 ms for 5 minutes', () => {
    expect(alarm(template, 'lgpd-pipeline-obs-stream-iterator-age')).toMatchObject({
      Namespace: 'AWS/Kinesis',
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Statistic: 'Maximum',
      Period: 60,
      Dimensions: [{ Name: 'StreamName', Value: 'lgpd-transactions-obs' }],
      Threshold: 60000,
      EvaluationPeriods: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('stream write and read throughput exceeded: Average share above 1% for 5 minutes', () => {
    for (const [name, metric] of [['write', 'WriteProvisionedThroughputExceeded'], ['read', 'ReadProvisionedThroughputExceeded']]) {
      expect(alarm(template, `lgpd-pipeline-obs-stream-${name}-throttled`)).toMatchObject({
        Namespace: 'AWS/Kinesis',
        MetricName: metric,
        Statistic: 'Average',
        Period: 60,
        Threshold: 0.01,
        EvaluationPeriods: 5,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  test('database CPU, free storage and connections: 5-minute periods, 3 of 3', () => {
    const dimensions = [{ Name: 'DBInstanceIdentifier', Value: 'lgpd-db-obs' }];
    expect(alarm(template, 'lgpd-pipeline-obs-db-cpu')).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'CPUUtilization',
      Statistic: 'Average',
      Period: 300,
      Dimensions: dimensions,
      Threshold: 80,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm(template, 'lgpd-pipeline-obs-db-free-storage')).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'FreeStorageSpace',
      Statistic: 'Minimum',
      Period: 300,
      Dimensions: dimensions,
      Threshold: 2 * 1024 ** 3,
      EvaluationPeriods: 3,
      ComparisonOperator: 'LessThanThreshold',
    });
    expect(alarm(template, 'lgpd-pipeline-obs-db-connections')).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'DatabaseConnections',
      Statistic: 'Maximum',
      Period: 300,
      Dimensions: dimensions,
      Threshold: 300,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test.each([
    ['cache-cpu', 'CPUUtilization', 'MAX', 'Average', 300, 90, 'cpu'],
    ['cache-engine-cpu', 'EngineCPUUtilization', 'MAX', 'Average', 300, 80, 'engine'],
    ['cache-memory', 'DatabaseMemoryUsagePercentage', 'MAX', 'Maximum', 300, 80, 'memory'],
    ['cache-evictions', 'Evictions', 'SUM', 'Sum', 300, 100, 'evictions'],
    ['cache-replication-lag', 'ReplicationLag', 'MAX', 'Maximum', 60, 30, 'lag'],
  ])('%s: %s of both nodes (%s), threshold %s', (slug, metricName, fn, stat, period, threshold, id) => {
    const props = alarm(template, `lgpd-pipeline-obs-${slug}`);
    expect(props).toMatchObject({ Threshold: threshold, EvaluationPeriods: 3, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(props.Metrics[0]).toMatchObject({ Expression: `${fn}([${id}0,${id}1])`, ReturnData: true });
    expect(props.Metrics.slice(1)).toEqual(['lgpd-cache-obs-001', 'lgpd-cache-obs-002'].map((clusterId, i) => ({
      Id: `${id}${i}`,
      ReturnData: false,
      MetricStat: {
        Metric: { Namespace: 'AWS/ElastiCache', MetricName: metricName, Dimensions: [{ Name: 'CacheClusterId', Value: clusterId }] },
        Period: period,
        Stat: stat,
      },
    })));
  });

  test('no alarm on database replica lag: the pipeline creates no read replica (Multi-AZ standby is synchronous)', () => {
    const names = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties.AlarmName as string);
    expect(names.filter(n => /db-replica/.test(n))).toEqual([]);
  });

  test('the dashboard is named with the suffix, graphs every watched metric and shows the status of every alarm', () => {
    const [[, dashboard]] = resourcesOf(template, 'AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties.DashboardName).toBe('lgpd-pipeline-obs');
    const body = JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));
    for (const metric of ['GetRecords.IteratorAgeMilliseconds', 'WriteProvisionedThroughputExceeded', 'ReadProvisionedThroughputExceeded',
      'CPUUtilization', 'FreeStorageSpace', 'DatabaseConnections', 'EngineCPUUtilization', 'DatabaseMemoryUsagePercentage', 'Evictions', 'ReplicationLag']) {
      expect(body).toContain(`\\"${metric}\\"`);
    }
    // The alarm status widget lists each alarm by its logical id (the body joins their ARNs).
    for (const [id] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) expect(body).toContain(`"${id}"`);
  });

  test('pipeline.metrics returns, under official CloudWatch names, exactly the metrics the alarms watch', () => {
    const { stream, database, cache } = pipeline.metrics;
    const watched = (slug: string) => JSON.stringify(stack.resolve(alarm(template, `lgpd-pipeline-obs-${slug}`)));
    // A plain metric: the alarm's namespace, name, dimensions, statistic and period are the method's.
    const plain = (m: ReturnType<typeof stream.metricGetRecordsIteratorAgeMilliseconds>) => ({
      Namespace: m.namespace,
      MetricName: m.metricName,
      Statistic: m.statistic,
      Period: m.period.toSeconds(),
      Dimensions: Object.entries(m.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
    });
    expect(alarm(template, 'lgpd-pipeline-obs-stream-iterator-age')).toMatchObject(plain(stream.metricGetRecordsIteratorAgeMilliseconds()));
    expect(alarm(template, 'lgpd-pipeline-obs-stream-write-throttled')).toMatchObject(plain(stream.metricWriteProvisionedThroughputExceeded()));
    expect(alarm(template, 'lgpd-pipeline-obs-stream-read-throttled')).toMatchObject(plain(stream.metricReadProvisionedThroughputExceeded()));
    expect(alarm(template, 'lgpd-pipeline-obs-db-cpu')).toMatchObject(plain(database.metricCPUUtilization()));
    expect(alarm(template, 'lgpd-pipeline-obs-db-free-storage')).toMatchObject(plain(database.metricFreeStorageSpace()));
    expect(alarm(template, 'lgpd-pipeline-obs-db-connections')).toMatchObject(plain(database.metricDatabaseConnections()));
    // A cache aggregate: the alarm's expression and every per-node input are the method's.
    const expression = (m: ReturnType<typeof cache.metricCPUUtilization>) => {
      const config = m.toMetricConfig().mathExpression!;
      return [config.expression, Object.entries(config.usingMetrics).map(([id, input]) => {
        const stat = input.toMetricConfig().metricStat!;
        return [id, stat.metricName, stat.statistic, stat.period.toSeconds(), stat.dimensions];
      })];
    };
    const cacheAlarm = (slug: string) => {
      const [math, ...inputs] = alarm(template, `lgpd-pipeline-obs-${slug}`).Metrics;
      return [math.Expression, inputs.map((i: any) => [i.Id, i.MetricStat.Metric.MetricName, i.MetricStat.Stat, i.MetricStat.Period,
        i.MetricStat.Metric.Dimensions.map((d: any) => ({ name: d.Name, value: d.Value }))])];
    };
    expect(cacheAlarm('cache-cpu')).toEqual(expression(cache.metricCPUUtilization()));
    expect(cacheAlarm('cache-engine-cpu')).toEqual(expression(cache.metricEngineCPUUtilization()));
    expect(cacheAlarm('cache-memory')).toEqual(expression(cache.metricDatabaseMemoryUsagePercentage()));
    expect(cacheAlarm('cache-evictions')).toEqual(expression(cache.metricEvictions()));
    expect(cacheAlarm('cache-replication-lag')).toEqual(expression(cache.metricReplicationLag()));
    expect(watched('db-cpu')).toContain('lgpd-db-obs');
    expect(pipeline.alarmsOf(PipelineAlarm.DATABASE_CPU)).toHaveLength(1);
  });

  test('a metric option (period) given to pipeline.metrics changes that metric, and every input of a cache aggregate', () => {
    const lag = pipeline.metrics.cache.metricReplicationLag({ period: Duration.minutes(5) }).toMetricConfig().mathExpression!;
    expect(Object.values(lag.usingMetrics).map(m => m.toMetricConfig().metricStat!.period.toSeconds())).toEqual([300, 300]);
    expect(pipeline.metrics.stream.metricGetRecordsIteratorAgeMilliseconds({ period: Duration.minutes(5) }).period.toSeconds()).toBe(300);
  });

  test('cdk-nag AwsSolutions and NIST 800-53 R5 find nothing in the monitoring resources', () => {
    const messages: string[] = [];
    let monitoringResources = 0;
    for (const pack of [new AwsSolutionsChecks(), new NIST80053R5Checks()]) {
      const report = pack.validateScope(stack);
      expect(Array.isArray(report.violations)).toBe(true);
      for (const v of report.violations) {
        for (const r of v.violatingResources) {
          if (r.constructPath?.includes('/Monitoring/')) messages.push(`${v.ruleName}: ${r.constructPath}`);
        }
      }
    }
    // The packs looked at something: the topic, its policy, 11 alarms and the dashboard are in the stack.
    monitoringResources = stack.node.findAll().filter(c => c.node.path.includes('/Monitoring/') && (c as any).cfnResourceType).length;
    expect(monitoringResources).toBe(14);
    expect(messages).toEqual([]);
  });
});

describe('deploy-time dependencies', () => {
  const { stack, pipeline } = build({ environmentSuffix: 'dep' });
  const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  pipeline.grantSecretsRead(role);
  const template = Template.fromStack(stack).toJSON();

  test('alarms name the stream and database instead of referring to them, so they do not wait for them', () => {
    for (const [id, r] of Object.entries<any>(template.Resources)) {
      if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
      const refs = JSON.stringify(r.Properties);
      expect({ id, refs: /PipelineStream|PipelineDatabase|PipelineCache[A-Z]/.test(refs) }).toEqual({ id, refs: false });
      expect(r.DependsOn).toBeUndefined();
    }
  });

  test('grantSecretsRead to a role of this account leaves the key policy alone (the key does not wait for the role)', () => {
    const [key] = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::KMS::Key');
    expect(JSON.stringify(key.Properties.KeyPolicy)).not.toMatch(/App[0-9A-F]{8}/);
    const policy = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('App'));
    expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow' }),
      expect.objectContaining({
        Action: 'kms:Decrypt',
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.sa-east-1.amazonaws.com' } },
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PipelineKey/), 'Arn'] },
      }),
    ]));
  });
});

describe('overrides', () => {
  const app = new App();
  const stack = new Stack(app, 'Overrides', { env: { region: 'sa-east-1' } });
  const topic = new sns.Topic(stack, 'OpsTopic');
  new LgpdDataPipeline(stack, 'Pipeline', {
    environmentSuffix: 'ovr',
    cacheNodesPerGroup: 3,
    monitoring: {
      alarmTopic: topic,
      disabledAlarms: [PipelineAlarm.CACHE_EVICTIONS, PipelineAlarm.STREAM_READ_THROTTLED],
      streamIteratorAgeThreshold: Duration.minutes(10),
      streamThrottledPercentThreshold: 5,
      databaseCpuPercentThreshold: 70,
      databaseFreeStorageThreshold: Size.gibibytes(10),
      databaseConnectionsThreshold: 1000,
      cacheCpuPercentThreshold: 50,
      cacheEngineCpuPercentThreshold: 60,
      cacheMemoryPercentThreshold: 75,
      cacheReplicationLagThreshold: Duration.seconds(5),
    },
  });
  const template = Template.fromStack(stack);

  test('a user topic receives the alarms and no topic is created', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    for (const [, r] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
      expect(r.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^OpsTopic/) }]);
    }
  });

  test('disabled alarms are not created', () => {
    const names = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties.AlarmName);
    expect(names).toHaveLength(9);
    expect(names).not.toContain('lgpd-pipeline-ovr-cache-evictions');
    expect(names).not.toContain('lgpd-pipeline-ovr-stream-read-throttled');
  });

  test('every threshold is overridable', () => {
    const thresholds = Object.fromEntries(resourcesOf(template, 'AWS::CloudWatch::Alarm')
      .map(([, r]) => [r.Properties.AlarmName.replace('lgpd-pipeline-ovr-', ''), r.Properties.Threshold]));
    expect(thresholds).toEqual({
      'stream-iterator-age': 600000,
      'stream-write-throttled': 0.05,
      'db-cpu': 70,
      'db-free-storage': 10 * 1024 ** 3,
      'db-connections': 1000,
      'cache-cpu': 50,
      'cache-engine-cpu': 60,
      'cache-memory': 75,
      'cache-replication-lag': 5,
    });
  });

  test('three cache nodes are all watched', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'lgpd-pipeline-ovr-cache-cpu',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([cpu0,cpu1,cpu2])' })]),
    });
  });
});

describe('switches and cluster mode', () => {
  test('enableAlarms false creates no alarm and no topic; createAlarmTopic false leaves alarms without actions', () => {
    const app = new App();
    const off = new Stack(app, 'Off', { env: { region: 'sa-east-1' } });
    const p = new LgpdDataPipeline(off, 'Pipeline', { environmentSuffix: 'off', monitoring: { enableAlarms: false } });
    const silent = new Stack(app, 'Silent', { env: { region: 'sa-east-1' } });
    new LgpdDataPipeline(silent, 'Pipeline', { environmentSuffix: 'silent', monitoring: { createAlarmTopic: false } });
    const a = Template.fromStack(off);
    a.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    a.resourceCountIs('AWS::SNS::Topic', 0);
    a.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(p.alarmTopic).toBeUndefined();
    const b = Template.fromStack(silent);
    b.resourceCountIs('AWS::SNS::Topic', 0);
    b.resourceCountIs('AWS::CloudWatch::Alarm', 11);
    for (const [, r] of resourcesOf(b, 'AWS::CloudWatch::Alarm')) expect(r.Properties.AlarmActions).toBeUndefined();
  });

  test('cluster mode: node ids carry the node group, and more than 10 nodes split an alarm in chunks of 10', () => {
    const { pipeline, stack } = build({ environmentSuffix: 'big', cacheNodeGroups: 4, cacheNodesPerGroup: 3 });
    const template = Template.fromStack(stack);
    const cpu = resourcesOf(template, 'AWS::CloudWatch::Alarm')
      .filter(([, r]) => /-cache-cpu(-\d)?$/.test(r.Properties.AlarmName)).map(([, r]) => r.Properties);
    expect(cpu.map(p => p.AlarmName)).toEqual(['lgpd-pipeline-big-cache-cpu-1', 'lgpd-pipeline-big-cache-cpu-2']);
    expect(cpu[0].Metrics).toHaveLength(11);
    expect(cpu[1].Metrics).toHaveLength(3);
    expect(cpu[0].Metrics[1].MetricStat.Metric.Dimensions).toEqual([{ Name: 'CacheClusterId', Value: 'lgpd-cache-big-0001-001' }]);
    expect(cpu[1].Metrics[2].MetricStat.Metric.Dimensions).toEqual([{ Name: 'CacheClusterId', Value: 'lgpd-cache-big-0004-003' }]);
    expect(pipeline.alarmsOf(PipelineAlarm.CACHE_CPU)).toHaveLength(2);
    expect(Object.keys(pipeline.metrics.cache.metricCPUUtilization().toMetricConfig().mathExpression!.usingMetrics)).toHaveLength(12);
  });
});

import { ArnFormat, Duration, Size, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { checkInt, fail } from './private/validation';

/**
 * The alarms the pipeline creates. Each can be switched off with `MonitoringOptions.disabledAlarms`.
 */
export enum PipelineAlarm {
  /** Kinesis: the oldest record not yet read by a consumer (GetRecords.IteratorAgeMilliseconds). */
  STREAM_ITERATOR_AGE = 'STREAM_ITERATOR_AGE',
  /** Kinesis: share of records rejected because the stream's write throughput was exceeded. */
  STREAM_WRITE_THROTTLED = 'STREAM_WRITE_THROTTLED',
  /** Kinesis: share of GetRecords calls throttled because the read throughput was exceeded. */
  STREAM_READ_THROTTLED = 'STREAM_READ_THROTTLED',
  /** RDS: CPU utilization of the instance. */
  DATABASE_CPU = 'DATABASE_CPU',
  /** RDS: free storage space. */
  DATABASE_FREE_STORAGE = 'DATABASE_FREE_STORAGE',
  /** RDS: client connections. */
  DATABASE_CONNECTIONS = 'DATABASE_CONNECTIONS',
  /** ElastiCache: host CPU utilization of the busiest node. */
  CACHE_CPU = 'CACHE_CPU',
  /** ElastiCache: CPU utilization of the Redis/Valkey engine thread on the busiest node. */
  CACHE_ENGINE_CPU = 'CACHE_ENGINE_CPU',
  /** ElastiCache: share of `maxmemory` in use on the fullest node (DatabaseMemoryUsagePercentage). */
  CACHE_MEMORY = 'CACHE_MEMORY',
  /** ElastiCache: keys evicted because memory was full, summed over the nodes. */
  CACHE_EVICTIONS = 'CACHE_EVICTIONS',
  /** ElastiCache: how far the furthest replica is behind its primary. */
  CACHE_REPLICATION_LAG = 'CACHE_REPLICATION_LAG',
}

/**
 * Alarms, their SNS topic and the dashboard of a pipeline. Every threshold has a documented default.
 */
export interface MonitoringOptions {
  /**
   * Create the alarms. `false` creates none (and no topic); the `metric*` methods still work.
   *
   * @default true
   */
  readonly enableAlarms?: boolean;

  /**
   * Alarms not to create.
   *
   * @default - none: every alarm is created
   */
  readonly disabledAlarms?: PipelineAlarm[];

  /**
   * An SNS topic of yours that receives every alarm and OK transition. If it is encrypted, its key
   * must let `cloudwatch.amazonaws.com` use it.
   *
   * @default - a new topic, see `createAlarmTopic`
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Create an SNS topic for the alarms, encrypted with the pipeline key, SSL-only, named
   * `lgpd-pipeline-alarms-<suffix>`. Subscribe to it with `pipeline.alarmTopic`. With `false` and no
   * `alarmTopic` the alarms have no actions.
   *
   * @default - true unless `alarmTopic` is given
   */
  readonly createAlarmTopic?: boolean;

  /**
   * Create a CloudWatch dashboard named `lgpd-pipeline-<suffix>` with every metric and alarm.
   *
   * @default false
   */
  readonly dashboard?: boolean;

  /**
   * Alarm when the oldest unread record is older than this, for 5 consecutive minutes.
   *
   * @default Duration.minutes(1)
   */
  readonly streamIteratorAgeThreshold?: Duration;

  /**
   * Alarm when more than this percentage of records (writes) or GetRecords calls (reads) is throttled,
   * for 5 consecutive minutes. Applies to both throughput-exceeded alarms.
   *
   * @default 1
   */
  readonly streamThrottledPercentThreshold?: number;

  /**
   * Alarm when the database CPU is at or above this percentage for 15 minutes (3 periods of 5).
   *
   * @default 80
   */
  readonly databaseCpuPercentThreshold?: number;

  /**
   * Alarm when the database has less free storage than this for 15 minutes. Storage autoscaling acts
   * at 10% free; this alarm says autoscaling did not (or reached `maxAllocatedStorage`).
   *
   * @default Size.gibibytes(2)
   */
  readonly databaseFreeStorageThreshold?: Size;

  /**
   * Alarm when the database has at least this many connections for 15 minutes. Set it to about 80%
   * of `max_connections` of your instance class (about 410 on db.t4g.medium).
   *
   * @default 300
   */
  readonly databaseConnectionsThreshold?: number;

  /**
   * Alarm when the host CPU of a cache node is at or above this percentage for 15 minutes.
   *
   * @default 90
   */
  readonly cacheCpuPercentThreshold?: number;

  /**
   * Alarm when the engine CPU of a cache node is at or above this percentage for 15 minutes.
   *
   * @default 80
   */
  readonly cacheEngineCpuPercentThreshold?: number;

  /**
   * Alarm when a cache node uses at least this percentage of its memory for 15 minutes.
   *
   * @default 80
   */
  readonly cacheMemoryPercentThreshold?: number;

  /**
   * Alarm when the cache evicts at least this many keys in each of 3 consecutive 5-minute periods.
   *
   * @default 100
   */
  readonly cacheEvictionsThreshold?: number;

  /**
   * Alarm when a cache replica lags its primary by at least this much for 3 consecutive minutes.
   *
   * @default Duration.seconds(30)
   */
  readonly cacheReplicationLagThreshold?: Duration;
}

/**
 * Properties of {@link PipelineMonitoring}.
 */
export interface PipelineMonitoringProps extends MonitoringOptions {
  /** The environment suffix, part of every alarm name, the topic name and the dashboard name. */
  readonly environmentSuffix: string;
  /** The pipeline key, which encrypts the topic the construct creates. */
  readonly encryptionKey: kms.IKey;
  /**
   * The stream name (a literal). Metrics use names rather than references, so the alarms do not wait
   * for the stream or the database to be created and stay off the deployment's critical path.
   */
  readonly streamName: string;
  /** The DB instance identifier (a literal, lowercase). */
  readonly databaseInstanceIdentifier: string;
  /** The replication group id (a literal, lowercase). */
  readonly cacheReplicationGroupId: string;
  /**
   * Node groups of the cache when cluster mode is on.
   *
   * @default - cluster mode off
   */
  readonly cacheNodeGroups?: number;
  /**
   * Nodes per node group.
   *
   * @default 2
   */
  readonly cacheNodesPerGroup?: number;
}

/** CloudWatch evaluates at most 10 metrics in one alarm. */
const MAX_METRICS_PER_ALARM = 10;

/** Short ids of the per-node cache metrics in expressions. */
const CACHE_METRIC_IDS: Record<string, string> = {
  CPUUtilization: 'cpu',
  EngineCPUUtilization: 'engine',
  DatabaseMemoryUsagePercentage: 'memory',
  Evictions: 'evictions',
  ReplicationLag: 'lag',
};

interface AlarmSpec {
  readonly which: PipelineAlarm;
  readonly slug: string;
  readonly metrics: cloudwatch.IMetric[];
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly missing: cloudwatch.TreatMissingData;
  readonly description: string;
}

/**
 * CloudWatch alarms on the stream, the database and the cache, an optional SNS topic that receives
 * them (encrypted with the pipeline key, SSL only), and an optional dashboard.
 *
 * Cache metrics are published per node (`<replication group>-00N`, or `-000G-00N` with cluster mode
 * on); each cache alarm watches the busiest node with a `MAX` (or `SUM` for evictions) expression.
 */
export class PipelineMonitoring extends Construct {
  /** Every alarm created, in a stable order. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The topic that receives the alarms, if any. */
  public readonly alarmTopic?: sns.ITopic;
  /** The dashboard, if one was asked for. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** The cache member cluster ids the cache metrics are read from. */
  public readonly cacheClusterIds: string[];

  private readonly props: PipelineMonitoringProps;
  private readonly byKind = new Map<PipelineAlarm, cloudwatch.Alarm[]>();

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    this.props = props;
    const suffix = props.environmentSuffix;
    checkPercent('monitoring.streamThrottledPercentThreshold', props.streamThrottledPercentThreshold);
    checkPercent('monitoring.databaseCpuPercentThreshold', props.databaseCpuPercentThreshold);
    checkPercent('monitoring.cacheCpuPercentThreshold', props.cacheCpuPercentThreshold);
    checkPercent('monitoring.cacheEngineCpuPercentThreshold', props.cacheEngineCpuPercentThreshold);
    checkPercent('monitoring.cacheMemoryPercentThreshold', props.cacheMemoryPercentThreshold);
    checkInt('monitoring.databaseConnectionsThreshold', props.databaseConnectionsThreshold, 1, 100_000);
    checkInt('monitoring.cacheEvictionsThreshold', props.cacheEvictionsThreshold, 1, Number.MAX_SAFE_INTEGER);
    if (props.alarmTopic && props.createAlarmTopic) {
      fail('monitoring.createAlarmTopic', true, 'must be left unset when you give monitoring.alarmTopic (the alarms go to your topic)');
    }

    this.cacheClusterIds = cacheClusterIds(props.cacheReplicationGroupId, props.cacheNodeGroups, props.cacheNodesPerGroup ?? 2);
    const enabled = props.enableAlarms ?? true;

    if (enabled) {
      if (props.alarmTopic) {
        this.alarmTopic = props.alarmTopic;
      } else if (props.createAlarmTopic ?? true) {
        const topic = new sns.Topic(this, 'AlarmTopic', {
          topicName: `lgpd-pipeline-alarms-${suffix}`,
          displayName: `LGPD pipeline ${suffix} alarms`,
          masterKey: props.encryptionKey,
          enforceSSL: true,
        });
        // A topic policy replaces SNS's default one, which is what lets CloudWatch publish to a topic
        // without a policy. enforceSSL writes one holding only its Deny, so CloudWatch needs its own Allow:
        // for this account's alarms of this pipeline only (docs/first-deploy.md, alarm delivery).
        const stack = Stack.of(this);
        topic.addToResourcePolicy(new iam.PolicyStatement({
          sid: 'AllowThisPipelinesAlarmsToPublish',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: {
              'aws:SourceArn': stack.formatArn({
                service: 'cloudwatch', resource: 'alarm', resourceName: `${alarmNamePrefix(suffix)}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            },
          },
        }));
        this.alarmTopic = topic;
      }
      const disabled = new Set(props.disabledAlarms ?? []);
      for (const spec of this.specs()) {
        if (disabled.has(spec.which)) continue;
        this.createAlarms(spec);
      }
    }

    if (props.dashboard) {
      this.dashboard = this.createDashboard(`lgpd-pipeline-${suffix}`);
    }
  }

  /** The alarms of one kind (several for a cache with more than 10 nodes; none when switched off). */
  public alarmsOf(which: PipelineAlarm): cloudwatch.Alarm[] {
    return [...(this.byKind.get(which) ?? [])];
  }

  /** Age of the oldest unread record in the stream, in milliseconds (Maximum over 1 minute). */
  public metricStreamIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.streamMetric('GetRecords.IteratorAgeMilliseconds', 'Maximum', props);
  }

  /** Share of records rejected by write throttling, 0 to 1 (Average over 1 minute). */
  public metricStreamWriteThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.streamMetric('WriteProvisionedThroughputExceeded', 'Average', props);
  }

  /** Share of GetRecords calls throttled, 0 to 1 (Average over 1 minute). */
  public metricStreamReadThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.streamMetric('ReadProvisionedThroughputExceeded', 'Average', props);
  }

  /** Database CPU utilization, percent (Average over 5 minutes). */
  public metricDatabaseCpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.databaseMetric('CPUUtilization', 'Average', props);
  }

  /** Database free storage, bytes (Minimum over 5 minutes). */
  public metricDatabaseFreeStorage(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.databaseMetric('FreeStorageSpace', 'Minimum', props);
  }

  /** Database connections (Maximum over 5 minutes). */
  public metricDatabaseConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.databaseMetric('DatabaseConnections', 'Maximum', props);
  }

  /** Host CPU of the busiest cache node, percent. */
  public metricCacheCpu(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.cacheExpressions('CPUUtilization', 'MAX', 'Average', Duration.minutes(5), props)[0];
  }

  /** Engine CPU of the busiest cache node, percent. */
  public metricCacheEngineCpu(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.cacheExpressions('EngineCPUUtilization', 'MAX', 'Average', Duration.minutes(5), props)[0];
  }

  /** Memory in use on the fullest cache node, percent of `maxmemory`. */
  public metricCacheMemory(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.cacheExpressions('DatabaseMemoryUsagePercentage', 'MAX', 'Maximum', Duration.minutes(5), props)[0];
  }

  /** Keys evicted, summed over the cache nodes. */
  public metricCacheEvictions(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.cacheExpressions('Evictions', 'SUM', 'Sum', Duration.minutes(5), props)[0];
  }

  /** Replication lag of the furthest cache replica, seconds. */
  public metricCacheReplicationLag(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.cacheExpressions('ReplicationLag', 'MAX', 'Maximum', Duration.minutes(1), props)[0];
  }

  private streamMetric(metricName: string, statistic: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Kinesis',
      metricName,
      dimensionsMap: { StreamName: this.props.streamName },
      statistic,
      period: Duration.minutes(1),
      ...props,
    });
  }

  private databaseMetric(metricName: string, statistic: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/RDS',
      metricName,
      dimensionsMap: { DBInstanceIdentifier: this.props.databaseInstanceIdentifier },
      statistic,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /**
   * One expression per chunk of `chunkSize` nodes: alarms use chunks of 10 (one chunk unless cluster
   * mode has more than 10 nodes), the metric methods one expression over every node.
   */
  private cacheExpressions(metricName: string, fn: 'MAX' | 'SUM', statistic: string, period: Duration,
    props?: cloudwatch.MetricOptions, chunkSize = Number.MAX_SAFE_INTEGER): cloudwatch.IMetric[] {
    const chunks: string[][] = [];
    for (let i = 0; i < this.cacheClusterIds.length; i += chunkSize) {
      chunks.push(this.cacheClusterIds.slice(i, i + chunkSize));
    }
    const p = { period, statistic, ...props };
    // Ids are unique per metric name, so one graph can show several of these expressions.
    const prefix = CACHE_METRIC_IDS[metricName];
    return chunks.map(ids => {
      const usingMetrics: Record<string, cloudwatch.IMetric> = {};
      ids.forEach((clusterId, i) => {
        usingMetrics[`${prefix}${i}`] = new cloudwatch.Metric({
          namespace: 'AWS/ElastiCache',
          metricName,
          dimensionsMap: { CacheClusterId: clusterId },
          statistic: p.statistic,
          period: p.period,
          unit: p.unit,
        });
      });
      return new cloudwatch.MathExpression({
        expression: `${fn}([${Object.keys(usingMetrics).join(',')}])`,
        usingMetrics,
        period: p.period,
        label: p.label ?? `${metricName} (${fn === 'MAX' ? 'busiest node' : 'all nodes'}, ${ids[0]}${ids.length > 1 ? ` .. ${ids[ids.length - 1]}` : ''})`,
        color: p.color,
      });
    });
  }

  private specs(): AlarmSpec[] {
    const p = this.props;
    const gte = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING;
    const missing = cloudwatch.TreatMissingData.MISSING;
    const iteratorAge = p.streamIteratorAgeThreshold ?? Duration.minutes(1);
    const throttled = p.streamThrottledPercentThreshold ?? 1;
    const freeStorage = p.databaseFreeStorageThreshold ?? Size.gibibytes(2);
    const lag = p.cacheReplicationLagThreshold ?? Duration.seconds(30);
    return [
      {
        which: PipelineAlarm.STREAM_ITERATOR_AGE,
        slug: 'stream-iterator-age',
        metrics: [this.metricStreamIteratorAge()],
        threshold: iteratorAge.toMilliseconds(),
        evaluationPeriods: 5,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        missing: notBreaching,
        description: `Consumers are more than ${iteratorAge.toHumanString()} behind the stream: transactions are processed late.`,
      },
      {
        which: PipelineAlarm.STREAM_WRITE_THROTTLED,
        slug: 'stream-write-throttled',
        metrics: [this.metricStreamWriteThrottled()],
        threshold: throttled / 100,
        evaluationPeriods: 5,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        missing: notBreaching,
        description: `More than ${throttled}% of records written to the stream are throttled: add shards or use on-demand mode.`,
      },
      {
        which: PipelineAlarm.STREAM_READ_THROTTLED,
        slug: 'stream-read-throttled',
        metrics: [this.metricStreamReadThrottled()],
        threshold: throttled / 100,
        evaluationPeriods: 5,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        missing: notBreaching,
        description: `More than ${throttled}% of reads from the stream are throttled: add shards or use enhanced fan-out.`,
      },
      {
        which: PipelineAlarm.DATABASE_CPU,
        slug: 'db-cpu',
        metrics: [this.metricDatabaseCpu()],
        threshold: p.databaseCpuPercentThreshold ?? 80,
        evaluationPeriods: 3,
        comparison: gte,
        missing,
        description: 'The database CPU has been high for 15 minutes.',
      },
      {
        which: PipelineAlarm.DATABASE_FREE_STORAGE,
        slug: 'db-free-storage',
        metrics: [this.metricDatabaseFreeStorage()],
        threshold: freeStorage.toBytes(),
        evaluationPeriods: 3,
        comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        missing,
        description: `The database has had less than ${freeStorage.toGibibytes()} GiB free for 15 minutes: storage autoscaling did not keep up or reached its maximum.`,
      },
      {
        which: PipelineAlarm.DATABASE_CONNECTIONS,
        slug: 'db-connections',
        metrics: [this.metricDatabaseConnections()],
        threshold: p.databaseConnectionsThreshold ?? 300,
        evaluationPeriods: 3,
        comparison: gte,
        missing,
        description: 'The database has had many connections for 15 minutes: it is near max_connections.',
      },
      {
        which: PipelineAlarm.CACHE_CPU,
        slug: 'cache-cpu',
        metrics: this.cacheExpressions('CPUUtilization', 'MAX', 'Average', Duration.minutes(5), undefined, MAX_METRICS_PER_ALARM),
        threshold: p.cacheCpuPercentThreshold ?? 90,
        evaluationPeriods: 3,
        comparison: gte,
        missing,
        description: 'A cache node\'s host CPU has been high for 15 minutes.',
      },
      {
        which: PipelineAlarm.CACHE_ENGINE_CPU,
        slug: 'cache-engine-cpu',
        metrics: this.cacheExpressions('EngineCPUUtilization', 'MAX', 'Average', Duration.minutes(5), undefined, MAX_METRICS_PER_ALARM),
        threshold: p.cacheEngineCpuPercentThreshold ?? 80,
        evaluationPeriods: 3,
        comparison: gte,
        missing,
        description: 'A cache node\'s engine thread has been busy for 15 minutes: requests queue up.',
      },
      {
        which: PipelineAlarm.CACHE_MEMORY,
        slug: 'cache-memory',
        metrics: this.cacheExpressions('DatabaseMemoryUsagePercentage', 'MAX', 'Maximum', Duration.minutes(5), undefined, MAX_METRICS_PER_ALARM),
        threshold: p.cacheMemoryPercentThreshold ?? 80,
        evaluationPeriods: 3,
        comparison: gte,
        missing,
        description: 'A cache node has used most of its memory for 15 minutes: evictions follow.',
      },
      {
        which: PipelineAlarm.CACHE_EVICTIONS,
        slug: 'cache-evictions',
        metrics: this.cacheExpressions('Evictions', 'SUM', 'Sum', Duration.minutes(5), undefined, MAX_METRICS_PER_ALARM),
        threshold: p.cacheEvictionsThreshold ?? 100,
        evaluationPeriods: 3,
        comparison: gte,
        missing: notBreaching,
        description: 'The cache has been evicting keys for 15 minutes: it is too small for its data.',
      },
      {
        which: PipelineAlarm.CACHE_REPLICATION_LAG,
        slug: 'cache-replication-lag',
        metrics: this.cacheExpressions('ReplicationLag', 'MAX', 'Maximum', Duration.minutes(1), undefined, MAX_METRICS_PER_ALARM),
        threshold: lag.toSeconds(),
        evaluationPeriods: 3,
        comparison: gte,
        missing: notBreaching,
        description: `A cache replica has lagged its primary by ${lag.toHumanString()} or more for 3 minutes: a failover would lose writes.`,
      },
    ];
  }

  private createAlarms(spec: AlarmSpec): void {
    const suffix = this.props.environmentSuffix;
    const alarms = spec.metrics.map((metric, i) => {
      const part = spec.metrics.length > 1 ? `-${i + 1}` : '';
      const alarm = new cloudwatch.Alarm(this, `${pascal(spec.slug)}${part}`, {
        alarmName: `${alarmNamePrefix(suffix)}${spec.slug}${part}`,
        alarmDescription: `${spec.description} (LGPD pipeline ${suffix})`,
        metric,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.evaluationPeriods,
        comparisonOperator: spec.comparison,
        treatMissingData: spec.missing,
      });
      if (this.alarmTopic) {
        const action = new TopicAction(this.alarmTopic);
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
      this.alarms.push(alarm);
      return alarm;
    });
    this.byKind.set(spec.which, alarms);
  }

  private createDashboard(dashboardName: string): cloudwatch.Dashboard {
    const graph = (title: string, metrics: cloudwatch.IMetric[], ...kinds: PipelineAlarm[]) => new cloudwatch.GraphWidget({
      title,
      left: metrics,
      width: 8,
      leftAnnotations: kinds.flatMap(k => this.alarmsOf(k).slice(0, 1).map(a => a.toAnnotation())),
    });
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName });
    dashboard.addWidgets(
      graph('Stream: iterator age (ms)', [this.metricStreamIteratorAge()], PipelineAlarm.STREAM_ITERATOR_AGE),
      graph('Stream: throttled (share)', [this.metricStreamWriteThrottled(), this.metricStreamReadThrottled()],
        PipelineAlarm.STREAM_WRITE_THROTTLED),
      graph('Database: CPU (%)', [this.metricDatabaseCpu()], PipelineAlarm.DATABASE_CPU),
    );
    dashboard.addWidgets(
      graph('Database: free storage (bytes)', [this.metricDatabaseFreeStorage()], PipelineAlarm.DATABASE_FREE_STORAGE),
      graph('Database: connections', [this.metricDatabaseConnections()], PipelineAlarm.DATABASE_CONNECTIONS),
      graph('Cache: CPU and engine CPU (%)', [this.metricCacheCpu(), this.metricCacheEngineCpu()], PipelineAlarm.CACHE_CPU),
    );
    dashboard.addWidgets(
      graph('Cache: memory (%)', [this.metricCacheMemory()], PipelineAlarm.CACHE_MEMORY),
      graph('Cache: evictions', [this.metricCacheEvictions()], PipelineAlarm.CACHE_EVICTIONS),
      graph('Cache: replication lag (s)', [this.metricCacheReplicationLag()], PipelineAlarm.CACHE_REPLICATION_LAG),
    );
    if (this.alarms.length > 0) {
      dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
    }
    return dashboard;
  }
}

/**
 * Sends alarm and OK notifications to a topic. (aws-cdk-lib's SnsAction does the same, but its module
 * loads every other kind of alarm action too, which costs synth time.)
 */
class TopicAction implements cloudwatch.IAlarmAction {
  constructor(private readonly topic: sns.ITopic) {}

  public bind(): cloudwatch.AlarmActionConfig {
    return { alarmActionArn: this.topic.topicArn };
  }
}

/**
 * The member cluster ids ElastiCache publishes node metrics under: `<id>-001`.. with cluster mode
 * off, `<id>-0001-001`.. with cluster mode on.
 */
function cacheClusterIds(replicationGroupId: string, nodeGroups: number | undefined, nodesPerGroup: number): string[] {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const ids: string[] = [];
  if (nodeGroups === undefined) {
    for (let n = 1; n <= nodesPerGroup; n++) ids.push(`${replicationGroupId}-${pad(n, 3)}`);
  } else {
    for (let g = 1; g <= nodeGroups; g++) {
      for (let n = 1; n <= nodesPerGroup; n++) ids.push(`${replicationGroupId}-${pad(g, 4)}-${pad(n, 3)}`);
    }
  }
  return ids;
}

/** Every alarm of a pipeline is named `lgpd-pipeline-<suffix>-<name>`; the topic policy admits exactly these. */
function alarmNamePrefix(suffix: string): string {
  return `lgpd-pipeline-${suffix}-`;
}

function checkPercent(prop: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!(value > 0 && value <= 100)) fail(prop, value, 'must be a percentage greater than 0 and at most 100');
}

function pascal(slug: string): string {
  return slug.split('-').map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

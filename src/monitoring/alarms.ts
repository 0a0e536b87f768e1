import { Duration, Size } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PipelineMetrics } from './metrics';
import { checkInt, fail } from '../private/validation';

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
  /** A transaction processor: its invocations fail (a store is down, or a bug). */
  PROCESSOR_ERRORS = 'PROCESSOR_ERRORS',
  /** A transaction processor: records it gave up on wait in its failed-records queue. */
  PROCESSOR_FAILED_RECORDS = 'PROCESSOR_FAILED_RECORDS',
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
 * One kind of alarm, as data: which metric it watches, its threshold (the option that overrides it and
 * its default, in one expression), how long, and what it tells the reader. The monitoring construct
 * turns each spec into one alarm (several for a cache of more than 10 nodes).
 */
export interface AlarmSpec<M = PipelineMetrics> {
  /** The kind, which `disabledAlarms` names. */
  readonly which: PipelineAlarm;
  /** Part of the alarm's name, `lgpd-pipeline-<suffix>-<slug>`, and of its construct id. */
  readonly slug: string;
  /** The metrics, one per alarm. */
  readonly metrics: (m: M) => cloudwatch.IMetric[];
  /** The threshold, from the options or the default. */
  readonly threshold: (o: MonitoringOptions) => number;
  /** Periods evaluated; every one of them must breach (datapoints to alarm = evaluation periods). */
  readonly evaluationPeriods: number;
  /** How the metric is compared with the threshold. */
  readonly comparison: cloudwatch.ComparisonOperator;
  /** What a period without data counts as. */
  readonly missing: cloudwatch.TreatMissingData;
  /** What the alarm means and what to do. */
  readonly description: (o: MonitoringOptions) => string;
}

const GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
const NOT_BREACHING = cloudwatch.TreatMissingData.NOT_BREACHING;
const MISSING = cloudwatch.TreatMissingData.MISSING;

/** Default thresholds, each the `@default` of its option in `MonitoringOptions`. */
const iteratorAge = (o: MonitoringOptions) => o.streamIteratorAgeThreshold ?? Duration.minutes(1);
const throttledPercent = (o: MonitoringOptions) => o.streamThrottledPercentThreshold ?? 1;
const freeStorage = (o: MonitoringOptions) => o.databaseFreeStorageThreshold ?? Size.gibibytes(2);
const replicationLag = (o: MonitoringOptions) => o.cacheReplicationLagThreshold ?? Duration.seconds(30);

/** Every alarm of the pipeline, in a stable order. */
export const ALARM_SPECS: readonly AlarmSpec[] = [
  {
    which: PipelineAlarm.STREAM_ITERATOR_AGE,
    slug: 'stream-iterator-age',
    metrics: m => [m.stream.metricGetRecordsIteratorAgeMilliseconds()],
    threshold: o => iteratorAge(o).toMilliseconds(),
    evaluationPeriods: 5,
    comparison: GT,
    missing: NOT_BREACHING,
    description: o => `Consumers are more than ${iteratorAge(o).toHumanString()} behind the stream: transactions are processed late.`,
  },
  {
    which: PipelineAlarm.STREAM_WRITE_THROTTLED,
    slug: 'stream-write-throttled',
    metrics: m => [m.stream.metricWriteProvisionedThroughputExceeded()],
    threshold: o => throttledPercent(o) / 100,
    evaluationPeriods: 5,
    comparison: GT,
    missing: NOT_BREACHING,
    description: o => `More than ${throttledPercent(o)}% of records written to the stream are throttled: add shards or use on-demand mode.`,
  },
  {
    which: PipelineAlarm.STREAM_READ_THROTTLED,
    slug: 'stream-read-throttled',
    metrics: m => [m.stream.metricReadProvisionedThroughputExceeded()],
    threshold: o => throttledPercent(o) / 100,
    evaluationPeriods: 5,
    comparison: GT,
    missing: NOT_BREACHING,
    description: o => `More than ${throttledPercent(o)}% of reads from the stream are throttled: add shards or use enhanced fan-out.`,
  },
  {
    which: PipelineAlarm.DATABASE_CPU,
    slug: 'db-cpu',
    metrics: m => [m.database.metricCPUUtilization()],
    threshold: o => o.databaseCpuPercentThreshold ?? 80,
    evaluationPeriods: 3,
    comparison: GTE,
    missing: MISSING,
    description: () => 'The database CPU has been high for 15 minutes.',
  },
  {
    which: PipelineAlarm.DATABASE_FREE_STORAGE,
    slug: 'db-free-storage',
    metrics: m => [m.database.metricFreeStorageSpace()],
    threshold: o => freeStorage(o).toBytes(),
    evaluationPeriods: 3,
    comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    missing: MISSING,
    description: o => `The database has had less than ${freeStorage(o).toGibibytes()} GiB free for 15 minutes: storage autoscaling did not keep up or reached its maximum.`,
  },
  {
    which: PipelineAlarm.DATABASE_CONNECTIONS,
    slug: 'db-connections',
    metrics: m => [m.database.metricDatabaseConnections()],
    threshold: o => o.databaseConnectionsThreshold ?? 300,
    evaluationPeriods: 3,
    comparison: GTE,
    missing: MISSING,
    description: () => 'The database has had many connections for 15 minutes: it is near max_connections.',
  },
  {
    which: PipelineAlarm.CACHE_CPU,
    slug: 'cache-cpu',
    metrics: m => m.cache._perAlarm('CPUUtilization'),
    threshold: o => o.cacheCpuPercentThreshold ?? 90,
    evaluationPeriods: 3,
    comparison: GTE,
    missing: MISSING,
    description: () => 'A cache node\'s host CPU has been high for 15 minutes.',
  },
  {
    which: PipelineAlarm.CACHE_ENGINE_CPU,
    slug: 'cache-engine-cpu',
    metrics: m => m.cache._perAlarm('EngineCPUUtilization'),
    threshold: o => o.cacheEngineCpuPercentThreshold ?? 80,
    evaluationPeriods: 3,
    comparison: GTE,
    missing: MISSING,
    description: () => 'A cache node\'s engine thread has been busy for 15 minutes: requests queue up.',
  },
  {
    which: PipelineAlarm.CACHE_MEMORY,
    slug: 'cache-memory',
    metrics: m => m.cache._perAlarm('DatabaseMemoryUsagePercentage'),
    threshold: o => o.cacheMemoryPercentThreshold ?? 80,
    evaluationPeriods: 3,
    comparison: GTE,
    missing: MISSING,
    description: () => 'A cache node has used most of its memory for 15 minutes: evictions follow.',
  },
  {
    which: PipelineAlarm.CACHE_EVICTIONS,
    slug: 'cache-evictions',
    metrics: m => m.cache._perAlarm('Evictions'),
    threshold: o => o.cacheEvictionsThreshold ?? 100,
    evaluationPeriods: 3,
    comparison: GTE,
    missing: NOT_BREACHING,
    description: () => 'The cache has been evicting keys for 15 minutes: it is too small for its data.',
  },
  {
    which: PipelineAlarm.CACHE_REPLICATION_LAG,
    slug: 'cache-replication-lag',
    metrics: m => m.cache._perAlarm('ReplicationLag'),
    threshold: o => replicationLag(o).toSeconds(),
    evaluationPeriods: 3,
    comparison: GTE,
    missing: NOT_BREACHING,
    description: o => `A cache replica has lagged its primary by ${replicationLag(o).toHumanString()} or more for 3 minutes: a failover would lose writes.`,
  },
];

/** What a processor's alarms watch. */
export interface ProcessorResources {
  readonly function: lambda.IFunction;
  readonly failedRecords: sqs.IQueue;
}

/** The alarms of each transaction processor (`pipeline.addProcessor`); the iterator age alarm of the stream covers its lag. */
export const PROCESSOR_ALARM_SPECS: readonly AlarmSpec<ProcessorResources>[] = [
  {
    which: PipelineAlarm.PROCESSOR_ERRORS,
    slug: 'errors',
    metrics: p => [p.function.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) })],
    threshold: () => 1,
    evaluationPeriods: 3,
    comparison: GTE,
    missing: NOT_BREACHING,
    description: () => 'The transaction processor has failed batches for 15 minutes: a store is unreachable or records cannot be stored; they are retried, then their positions go to the failed-records queue.',
  },
  {
    which: PipelineAlarm.PROCESSOR_FAILED_RECORDS,
    slug: 'failed-records',
    metrics: p => [p.failedRecords.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) })],
    threshold: () => 0,
    evaluationPeriods: 1,
    comparison: GT,
    missing: NOT_BREACHING,
    description: () => 'Records the transaction processor gave up on wait in its failed-records queue (shard and sequence numbers): read them from the stream before its retention ends, and process them again.',
  },
];

/** Fails on an option out of range, naming it with its `monitoring.` prefix. */
export function validateMonitoringOptions(o: MonitoringOptions): void {
  checkPercent('monitoring.streamThrottledPercentThreshold', o.streamThrottledPercentThreshold);
  checkPercent('monitoring.databaseCpuPercentThreshold', o.databaseCpuPercentThreshold);
  checkPercent('monitoring.cacheCpuPercentThreshold', o.cacheCpuPercentThreshold);
  checkPercent('monitoring.cacheEngineCpuPercentThreshold', o.cacheEngineCpuPercentThreshold);
  checkPercent('monitoring.cacheMemoryPercentThreshold', o.cacheMemoryPercentThreshold);
  checkInt('monitoring.databaseConnectionsThreshold', o.databaseConnectionsThreshold, 1, 100_000);
  checkInt('monitoring.cacheEvictionsThreshold', o.cacheEvictionsThreshold, 1, Number.MAX_SAFE_INTEGER);
  if (o.alarmTopic && o.createAlarmTopic) {
    fail('monitoring.createAlarmTopic', true, 'must be left unset when you give monitoring.alarmTopic (the alarms go to your topic)');
  }
}

function checkPercent(prop: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!(value > 0 && value <= 100)) fail(prop, value, 'must be a percentage greater than 0 and at most 100');
}

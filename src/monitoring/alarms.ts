import { Duration, Size } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { PipelineMetrics } from './metrics';
import { MonitoringOptions } from './options';
import { PipelineAlarm } from './pipeline-alarm';

/**
 * One kind of alarm, as data: which metric it watches, its threshold (the option that overrides it and
 * its default, in one expression), how long, and what it tells the reader. The monitoring construct
 * turns each spec into one alarm (several for a cache of more than 10 nodes).
 */
export interface AlarmSpec {
  /** The kind, which `disabledAlarms` names. */
  readonly which: PipelineAlarm;
  /** Part of the alarm's name, `lgpd-pipeline-<suffix>-<slug>`, and of its construct id. */
  readonly slug: string;
  /** The metrics, one per alarm. */
  readonly metrics: (m: PipelineMetrics) => cloudwatch.IMetric[];
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

/** The stream's alarms: every minute of 5 over the threshold; no data (no traffic) is fine. */
const FOR_5_MINUTES = { evaluationPeriods: 5, comparison: GT, missing: NOT_BREACHING } as const;
/** The stores' alarms: 3 periods of 5 minutes at or over the threshold; no data is reported as such. */
const FOR_15_MINUTES = { evaluationPeriods: 3, comparison: GTE, missing: MISSING } as const;

/** Default thresholds, each the `@default` of its option in `MonitoringOptions`. */
const iteratorAge = (o: MonitoringOptions) => o.streamIteratorAgeThreshold ?? Duration.minutes(1);
const throttledPercent = (o: MonitoringOptions) => o.streamThrottledPercentThreshold ?? 1;
const freeStorage = (o: MonitoringOptions) => o.databaseFreeStorageThreshold ?? Size.gibibytes(2);
const replicationLag = (o: MonitoringOptions) => o.cacheReplicationLagThreshold ?? Duration.seconds(30);

/** Every alarm of the pipeline, in a stable order. */
export const ALARM_SPECS: readonly AlarmSpec[] = [
  {
    ...FOR_5_MINUTES,
    which: PipelineAlarm.STREAM_ITERATOR_AGE,
    slug: 'stream-iterator-age',
    metrics: m => [m.stream.metricGetRecordsIteratorAgeMilliseconds()],
    threshold: o => iteratorAge(o).toMilliseconds(),
    description: o => `Consumers are more than ${iteratorAge(o).toHumanString()} behind the stream: transactions are processed late.`,
  },
  {
    ...FOR_5_MINUTES,
    which: PipelineAlarm.STREAM_WRITE_THROTTLED,
    slug: 'stream-write-throttled',
    metrics: m => [m.stream.metricWriteProvisionedThroughputExceeded()],
    threshold: o => throttledPercent(o) / 100,
    description: o => `More than ${throttledPercent(o)}% of records written to the stream are throttled: add shards or use on-demand mode.`,
  },
  {
    ...FOR_5_MINUTES,
    which: PipelineAlarm.STREAM_READ_THROTTLED,
    slug: 'stream-read-throttled',
    metrics: m => [m.stream.metricReadProvisionedThroughputExceeded()],
    threshold: o => throttledPercent(o) / 100,
    description: o => `More than ${throttledPercent(o)}% of reads from the stream are throttled: add shards or use enhanced fan-out.`,
  },
  {
    ...FOR_15_MINUTES,
    which: PipelineAlarm.DATABASE_CPU,
    slug: 'db-cpu',
    metrics: m => [m.database.metricCPUUtilization()],
    threshold: o => o.databaseCpuPercentThreshold ?? 80,
    description: () => 'The database CPU has been high for 15 minutes.',
  },
  {
    ...FOR_15_MINUTES,
    comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    which: PipelineAlarm.DATABASE_FREE_STORAGE,
    slug: 'db-free-storage',
    metrics: m => [m.database.metricFreeStorageSpace()],
    threshold: o => freeStorage(o).toBytes(),
    description: o => `The database has had less than ${freeStorage(o).toGibibytes()} GiB free for 15 minutes: storage autoscaling did not keep up or reached its maximum.`,
  },
  {
    ...FOR_15_MINUTES,
    which: PipelineAlarm.DATABASE_CONNECTIONS,
    slug: 'db-connections',
    metrics: m => [m.database.metricDatabaseConnections()],
    threshold: o => o.databaseConnectionsThreshold ?? 300,
    description: () => 'The database has had many connections for 15 minutes: it is near max_connections.',
  },
  {
    ...FOR_15_MINUTES,
    which: PipelineAlarm.CACHE_CPU,
    slug: 'cache-cpu',
    metrics: m => m.cache._perAlarm('CPUUtilization'),
    threshold: o => o.cacheCpuPercentThreshold ?? 90,
    description: () => 'A cache node\'s host CPU has been high for 15 minutes.',
  },
  {
    ...FOR_15_MINUTES,
    which: PipelineAlarm.CACHE_ENGINE_CPU,
    slug: 'cache-engine-cpu',
    metrics: m => m.cache._perAlarm('EngineCPUUtilization'),
    threshold: o => o.cacheEngineCpuPercentThreshold ?? 80,
    description: () => 'A cache node\'s engine thread has been busy for 15 minutes: requests queue up.',
  },
  {
    ...FOR_15_MINUTES,
    which: PipelineAlarm.CACHE_MEMORY,
    slug: 'cache-memory',
    metrics: m => m.cache._perAlarm('DatabaseMemoryUsagePercentage'),
    threshold: o => o.cacheMemoryPercentThreshold ?? 80,
    description: () => 'A cache node has used most of its memory for 15 minutes: evictions follow.',
  },
  {
    ...FOR_15_MINUTES,
    missing: NOT_BREACHING,
    which: PipelineAlarm.CACHE_EVICTIONS,
    slug: 'cache-evictions',
    metrics: m => m.cache._perAlarm('Evictions'),
    threshold: o => o.cacheEvictionsThreshold ?? 100,
    description: () => 'The cache has been evicting keys for 15 minutes: it is too small for its data.',
  },
  {
    ...FOR_15_MINUTES,
    missing: NOT_BREACHING,
    which: PipelineAlarm.CACHE_REPLICATION_LAG,
    slug: 'cache-replication-lag',
    metrics: m => m.cache._perAlarm('ReplicationLag'),
    threshold: o => replicationLag(o).toSeconds(),
    description: o => `A cache replica has lagged its primary by ${replicationLag(o).toHumanString()} or more for 3 minutes: a failover would lose writes.`,
  },
];

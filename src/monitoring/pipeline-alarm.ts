import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

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
  /**
   * A transaction processor: records reached its maximum record age (or retry limit) and their
   * positions wait in its failed-records queue, to be redriven.
   */
  PROCESSOR_FAILED_RECORDS = 'PROCESSOR_FAILED_RECORDS',
  /** A transaction processor: records that are not valid transactions wait in its quarantine queue. */
  PROCESSOR_QUARANTINED = 'PROCESSOR_QUARANTINED',
  /**
   * A transaction processor: the records it is handed are old (Lambda's IteratorAge): it is behind,
   * retrying through a store outage, well before they reach its maximum record age.
   */
  PROCESSOR_ITERATOR_AGE = 'PROCESSOR_ITERATOR_AGE',
  /** Data-subject rights: a request's workflow failed, timed out or was aborted. */
  RIGHTS_WORKFLOW_FAILED = 'RIGHTS_WORKFLOW_FAILED',
  /** Data-subject rights: a request is not answered and its due date is near or past. */
  RIGHTS_REQUESTS_NEAR_DUE = 'RIGHTS_REQUESTS_NEAR_DUE',
  /** Data-subject rights: the audit record's hash chain is broken. */
  RIGHTS_AUDIT_CHAIN_BROKEN = 'RIGHTS_AUDIT_CHAIN_BROKEN',
}

/** An alarm an add-on adds to the pipeline's monitoring: `ILgpdDataPipeline.addAlarm`. */
export interface PipelineAlarmOptions {
  /**
   * The alarm's name within the pipeline: the alarm is named `lgpd-pipeline-<suffix>-<name>`.
   */
  readonly name: string;

  /** What the alarm means and what to do, for the on-call reader. The pipeline's suffix is appended. */
  readonly description: string;

  /** The metric the alarm watches. */
  readonly metric: cloudwatch.IMetric;

  /** The value compared with the metric. */
  readonly threshold: number;

  /** How the metric is compared with the threshold. */
  readonly comparisonOperator: cloudwatch.ComparisonOperator;

  /**
   * Periods evaluated; every one of them must breach.
   *
   * @default 1
   */
  readonly evaluationPeriods?: number;

  /**
   * What a period without data counts as.
   *
   * @default cloudwatch.TreatMissingData.NOT_BREACHING
   */
  readonly treatMissingData?: cloudwatch.TreatMissingData;

  /**
   * The kind of alarm, which `monitoring.disabledAlarms` can switch off.
   *
   * @default - not switchable by kind: created whenever the pipeline's alarms are on
   */
  readonly kind?: PipelineAlarm;
}

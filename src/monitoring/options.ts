import { Duration, Size } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PipelineAlarm } from './pipeline-alarm';
import { checkInt, fail } from '../private/validation';

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

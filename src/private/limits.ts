import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Service limits and defaults that more than one file needs. Each is decided here only; validation
 * messages, TSDoc `@default` tags and tests read the same constant.
 */

/** The default Kinesis shard quota per account in most regions, sa-east-1 included. */
export const MAX_SHARDS = 200;

/**
 * The default ElastiCache quota of nodes per cluster (cluster mode on). The hard limit is 500, but past
 * the quota the per-node alarms also push a pipeline's template past CloudFormation's 1 MB.
 */
export const MAX_CACHE_NODES = 90;

/** CloudWatch evaluates at most 10 metrics in one alarm (metric math included). */
export const MAX_METRICS_PER_ALARM = 10;

/** Cache nodes per node group: one primary and one replica, the least automatic failover needs. */
export const DEFAULT_CACHE_NODES_PER_GROUP = 2;

/** Days of automatic cache snapshots kept (ElastiCache allows up to 35). */
export const CACHE_SNAPSHOT_RETENTION_DAYS = 15;

/** The database port. Not the engine default (5432), which scanners probe first. */
export const DEFAULT_DATABASE_PORT = 5433;

/** The cache port. Not the engine default (6379), which scanners probe first. */
export const DEFAULT_CACHE_PORT = 6380;

/** How long every log group of the pipeline keeps logs unless `logRetention` says otherwise. */
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

import { Token } from 'aws-cdk-lib';
import { fail } from './validation';

/**
 * Physical names of everything the pipeline creates. Each carries the environment suffix, and the
 * suffix limit is derived from the tightest service limit so every derived name fits.
 */
export const NAME_LIMITS = {
  /** ElastiCache replication group id: 1-40 characters, the tightest limit. */
  replicationGroupId: 40,
  /** RDS DB instance identifier: 1-63 characters. */
  dbInstanceIdentifier: 63,
  /** Kinesis stream name: 1-128 characters. */
  streamName: 128,
} as const;

const CACHE_PREFIX = 'lgpd-cache-';

/** The longest suffix such that every derived name fits its service's limit. */
export const MAX_SUFFIX_LENGTH = NAME_LIMITS.replicationGroupId - CACHE_PREFIX.length;

const SUFFIX_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function validateSuffix(suffix: string): void {
  if (Token.isUnresolved(suffix)) {
    fail('environmentSuffix', suffix, 'must be a literal string: it is part of physical names that are validated at synth time');
  }
  if (typeof suffix !== 'string' || suffix.length === 0 || suffix.length > MAX_SUFFIX_LENGTH || !SUFFIX_PATTERN.test(suffix)) {
    fail('environmentSuffix', suffix,
      `must be 1-${MAX_SUFFIX_LENGTH} characters of lowercase letters, digits and single hyphens, `
      + `not starting or ending with a hyphen (the ElastiCache replication group id "${CACHE_PREFIX}<suffix>" is limited to ${NAME_LIMITS.replicationGroupId} characters)`);
  }
}

/** Every physical name the pipeline uses, derived from one suffix. */
export class PipelineNames {
  constructor(public readonly suffix: string) {}
  get vpc() { return `lgpd-pipeline-${this.suffix}`; }
  get keyAlias() { return `alias/lgpd-pipeline-${this.suffix}`; }
  get flowLogGroup() { return `/lgpd-pipeline/${this.suffix}/vpc-flow-logs`; }
  get stream() { return `lgpd-transactions-${this.suffix}`; }
  get dbInstance() { return `lgpd-db-${this.suffix}`; }
  get dbSubnetGroup() { return `lgpd-db-subnets-${this.suffix}`; }
  get dbParameterGroup() { return `lgpd-db-params-${this.suffix}`; }
  get dbSecurityGroup() { return `lgpd-db-${this.suffix}`; }
  get replicationGroup() { return `${CACHE_PREFIX}${this.suffix}`; }
  get cacheSubnetGroup() { return `lgpd-cache-subnets-${this.suffix}`; }
  get cacheSecurityGroup() { return `lgpd-cache-${this.suffix}`; }
  get cacheAuthSecret() { return `lgpd-pipeline/${this.suffix}/cache-auth-token`; }
  /**
   * ElastiCache delivers its logs as vended logs, adding each destination log group to the account's one
   * CloudWatch Logs resource policy, which is capped at 5,120 characters; groups under `/aws/vendedlogs/`
   * share one entry, so any number of suffixes fit (docs/first-deploy.md, vended logs).
   */
  get cacheLogGroupPrefix() { return `/aws/vendedlogs/lgpd-pipeline/${this.suffix}/cache`; }
  cacheLogGroup(kind: string) { return `${this.cacheLogGroupPrefix}/${kind}`; }
  dbLogGroup(kind: string) { return `/aws/rds/instance/${this.dbInstance}/${kind}`; }
  get alarmTopic() { return `lgpd-pipeline-alarms-${this.suffix}`; }
  get dashboard() { return `lgpd-pipeline-${this.suffix}`; }
}

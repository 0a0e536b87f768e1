import { Token } from 'aws-cdk-lib';
import { fail } from './validation';

/**
 * Every physical name the pipeline uses, derived from one environment suffix, in one place. The suffix
 * limit is derived from the tightest service limit so that every derived name fits.
 */
export const NAME_LIMITS = {
  /** ElastiCache replication group id: 1-40 characters, the tightest limit. */
  replicationGroupId: 40,
  /** RDS DB instance identifier: 1-63 characters. */
  dbInstanceIdentifier: 63,
  /** Kinesis stream name: 1-128 characters. */
  streamName: 128,
} as const;

const PREFIX = 'lgpd-pipeline';
const CACHE_PREFIX = 'lgpd-cache-';

/** The longest suffix such that every derived name fits its service's limit. */
export const MAX_SUFFIX_LENGTH = NAME_LIMITS.replicationGroupId - CACHE_PREFIX.length;

const SUFFIX_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Fails unless `suffix` is a literal that fits every name derived from it. */
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

/** Every physical name of one pipeline. */
export class PipelineNames {
  /** @param suffix the environment suffix, already validated */
  constructor(public readonly suffix: string) {}

  // Network
  get vpc() { return `${PREFIX}-${this.suffix}`; }
  get flowLogGroup() { return `/${PREFIX}/${this.suffix}/vpc-flow-logs`; }
  /** The function that closes the default security group; Lambda writes its logs to `/aws/lambda/<name>`. */
  get defaultSecurityGroupFunction() { return `${this.vpc}-default-sg`; }
  get endpointSecurityGroup() { return `lgpd-endpoints-${this.suffix}`; }

  // Key and stream
  get keyAlias() { return `alias/${PREFIX}-${this.suffix}`; }
  get stream() { return `lgpd-transactions-${this.suffix}`; }

  // Database
  get dbInstance() { return `lgpd-db-${this.suffix}`; }
  get dbSubnetGroup() { return `lgpd-db-subnets-${this.suffix}`; }
  get dbParameterGroup() { return `lgpd-db-params-${this.suffix}`; }
  get dbSecurityGroup() { return `lgpd-db-${this.suffix}`; }
  /** The schema migrations' functions: the migration function and, outside the VPC, the custom resource's. */
  get schemaFunction() { return `lgpd-db-schema-${this.suffix}`; }
  get schemaCustomResourceFunction() { return `lgpd-db-schema-${this.suffix}-cfn`; }
  /** The secret of a database role that signs in with a password of its own. */
  databaseLoginSecret(role: string) { return `${PREFIX}/${this.suffix}/db-login/${role}`; }
  /** RDS exports a log type to this group, named after the instance (not a name we choose). */
  dbLogGroup(kind: string) { return `/aws/rds/instance/${this.dbInstance}/${kind}`; }

  // Cache
  get replicationGroup() { return `${CACHE_PREFIX}${this.suffix}`; }
  get cacheSubnetGroup() { return `lgpd-cache-subnets-${this.suffix}`; }
  get cacheSecurityGroup() { return `lgpd-cache-${this.suffix}`; }
  get cacheAuthSecret() { return `${PREFIX}/${this.suffix}/cache-auth-token`; }
  /** ElastiCache user group and user ids: lowercase letters, digits and hyphens, starting with a letter. */
  get cacheUserGroup() { return `${CACHE_PREFIX}${this.suffix}-users`; }
  cacheUser(job: string) { return `${CACHE_PREFIX}${this.suffix}-${job}`; }
  cacheUserSecret(job: string) { return `${PREFIX}/${this.suffix}/cache-user/${job}`; }

  // Data subjects
  get subjectKeySecret() { return `${PREFIX}/${this.suffix}/subject-key`; }
  /**
   * ElastiCache delivers its logs as vended logs, adding each destination log group to the account's one
   * CloudWatch Logs resource policy, which is capped at 5,120 characters; groups under `/aws/vendedlogs/`
   * share one entry, so any number of suffixes fit (docs/first-deploy.md, vended logs).
   */
  cacheLogGroup(kind: string) { return `/aws/vendedlogs/${PREFIX}/${this.suffix}/cache/${kind}`; }

  // Add-ons
  /**
   * The physical name of an add-on's resource, `lgpd-<kind>-<suffix>-<id in kebab case>`, from its
   * construct id (letters and digits, PascalCase or not), within Lambda's 64 characters.
   */
  addOn(kind: string, id: string): string {
    if (!/^[a-z]+$/.test(kind)) {
      fail('add-on kind', kind, 'must be lowercase letters: it is part of physical names');
    }
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(id)) {
      fail(`${kind} id`, id, `must be letters and digits, starting with a letter: it is part of the ${kind}'s physical names`);
    }
    const name = `lgpd-${kind}-${this.suffix}-${kebabCase(id)}`;
    if (name.length > 64) {
      fail(`${kind} id`, id, `makes the name "${name}" longer than Lambda's 64 characters: use a shorter id`);
    }
    return name;
  }

  // Monitoring
  get alarmTopic() { return `${PREFIX}-alarms-${this.suffix}`; }
  alarm(slug: string) { return `${PREFIX}-${this.suffix}-${slug}`; }
  get dashboard() { return `${PREFIX}-${this.suffix}`; }
}

/** `OrderProcessor` -> `order-processor`: an add-on's construct id as part of a physical name. */
export function kebabCase(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * The member cluster ids ElastiCache gives the nodes of a replication group, which its node metrics
 * carry: `<id>-001`.. with cluster mode off, `<id>-0001-001`.. with cluster mode on (node groups set).
 */
export function cacheNodeIds(replicationGroupId: string, nodeGroups: number | undefined, nodesPerGroup: number): string[] {
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

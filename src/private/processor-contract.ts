/**
 * The contract between the TransactionProcessor construct and the reference handler: the environment
 * variables, each named once here. The construct writes them with `processorEnvironment`, the handler
 * reads them through `PROCESSOR_VARIABLES` (handlers/transaction-processor/config.ts), and
 * docs/processor.md lists them for users who bring their own code.
 *
 * The handler's bundle includes this file: it imports only subject-contract.ts, which imports nothing.
 */
import { PIPELINE_VARIABLE, SUBJECT_KEY_SECRET_VARIABLE } from './subject-contract';

/** What the construct tells the handler; every value is a string (a CDK token at synth time). */
export interface ProcessorSettings {
  /** The PostgreSQL endpoint address. */
  readonly databaseHost: string;
  /** Its port. */
  readonly databasePort: string;
  /** The database name. */
  readonly databaseName: string;
  /** An RDS-managed secret (JSON with `username` and `password`); one of this and `databaseIamUser`. */
  readonly databaseSecretArn?: string;
  /** The PostgreSQL user of IAM database authentication; one of this and `databaseSecretArn`. */
  readonly databaseIamUser?: string;
  /** The cache endpoint: the primary endpoint, or the configuration endpoint in cluster mode. */
  readonly cacheHost: string;
  /** Its port. */
  readonly cachePort: string;
  /**
   * The secret whose SecretString is the password of `cacheUser`, or the cache AUTH token when
   * `cacheUser` is unset.
   */
  readonly cacheAuthSecretArn: string;
  /** The processor's cache user (ElastiCache role-based access control); unset with the AUTH token. */
  readonly cacheUser?: string;
  /** `'true'` with cluster mode on, `'false'` otherwise. */
  readonly cacheClusterMode: string;
  /** How long a customer's state stays in the cache after its last update, in seconds. */
  readonly cacheTtlSeconds: string;
  /** The transactions table, optionally schema-qualified; the handler's default is `transactions`. */
  readonly transactionsTable?: string;
  /**
   * The quarantine queue's URL: where the processor sends a record that is not a valid transaction, with
   * its payload and the reason, before it acknowledges it.
   */
  readonly quarantineQueueUrl: string;
  /**
   * The failed-records queue's URL (the event source mapping's on-failure destination), which the
   * redrive function reads; the processor itself does not.
   */
  readonly failedRecordsQueueUrl?: string;
  /** The subject key's secret: the processor names each subject by its keyed hash (subject-contract.ts). */
  readonly subjectKeySecretArn: string;
  /** The pipeline's environment suffix, the dimension of the processor's metrics. */
  readonly pipeline: string;
}

/** The environment variable of each setting. */
export const PROCESSOR_VARIABLES: { readonly [K in keyof ProcessorSettings]-?: string } = {
  databaseHost: 'DB_HOST',
  databasePort: 'DB_PORT',
  databaseName: 'DB_NAME',
  databaseSecretArn: 'DB_SECRET_ARN',
  databaseIamUser: 'DB_IAM_USER',
  cacheHost: 'CACHE_HOST',
  cachePort: 'CACHE_PORT',
  cacheAuthSecretArn: 'CACHE_AUTH_SECRET_ARN',
  cacheUser: 'CACHE_USER',
  cacheClusterMode: 'CACHE_CLUSTER_MODE',
  cacheTtlSeconds: 'CACHE_TTL_SECONDS',
  transactionsTable: 'TRANSACTIONS_TABLE',
  quarantineQueueUrl: 'QUARANTINE_QUEUE_URL',
  failedRecordsQueueUrl: 'FAILED_RECORDS_QUEUE_URL',
  subjectKeySecretArn: SUBJECT_KEY_SECRET_VARIABLE,
  pipeline: PIPELINE_VARIABLE,
};

/** The environment variables of `settings`, in the order of `PROCESSOR_VARIABLES`; unset ones left out. */
export function processorEnvironment(settings: ProcessorSettings): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [setting, variable] of Object.entries(PROCESSOR_VARIABLES) as Array<[keyof ProcessorSettings, string]>) {
    const value = settings[setting];
    if (value !== undefined) environment[variable] = value;
  }
  return environment;
}

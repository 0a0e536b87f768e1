/**
 * The processor's configuration: environment variables only, named in the contract the
 * TransactionProcessor construct writes them from (src/private/processor-contract.ts; docs/processor.md
 * lists them). Read once per execution environment. A bad value fails every invocation with an error
 * that names the variable and echoes the value (none of them is a secret).
 */
import { PROCESSOR_VARIABLES as V } from '../../src/private/processor-contract';
import { databaseCredentials, flag, optional, required, integer, type DatabaseCredentials, type Env } from '../common/environment';


export interface DatabaseConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly credentials: DatabaseCredentials;
  /** Schema-qualified or plain table name, already checked to be a safe identifier. */
  readonly table: string;
}

export interface CacheConfig {
  readonly host: string;
  readonly port: number;
  /** The ACL user to sign in as; undefined signs in with the AUTH token (the default user). */
  readonly user?: string;
  /** The user's password, or the AUTH token. */
  readonly authSecretArn: string;
  readonly clusterMode: boolean;
  readonly ttlSeconds: number;
}

export interface QueueConfig {
  /** Where a record that is not a valid transaction goes, with its payload (QUARANTINE_QUEUE_URL). */
  readonly quarantineUrl: string;
  /** The event source mapping's on-failure destination, read by the redrive only (FAILED_RECORDS_QUEUE_URL). */
  readonly failedRecordsUrl?: string;
}

/** How the processor names data subjects: the subject key's secret, and the metrics' dimension. */
export interface SubjectConfig {
  readonly keySecretArn: string;
  readonly pipeline: string;
}

export interface ProcessorConfig {
  readonly database: DatabaseConfig;
  readonly cache: CacheConfig;
  readonly queues: QueueConfig;
  readonly subjects: SubjectConfig;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Reads and checks the configuration. */
export function readConfig(env: Env = process.env): ProcessorConfig {
  const credentials = databaseCredentials(env, 'the processor');

  const table = optional(env, V.transactionsTable) ?? 'transactions';
  if (!table.split('.').every(part => IDENTIFIER.test(part)) || table.split('.').length > 2) {
    throw new Error(`${V.transactionsTable} must be a lower-case identifier, optionally schema-qualified (schema.table), got '${table}'`);
  }

  const clusterMode = flag(env, V.cacheClusterMode);
  const cacheUser = optional(env, V.cacheUser);

  return {
    database: {
      host: required(env, V.databaseHost),
      // No default port: the construct always sets one (the pipeline's are not the engines' defaults).
      port: integer(env, V.databasePort, 1, 65535),
      database: required(env, V.databaseName),
      credentials,
      table,
    },
    cache: {
      host: required(env, V.cacheHost),
      port: integer(env, V.cachePort, 1, 65535),
      ...(cacheUser !== undefined ? { user: cacheUser } : {}),
      authSecretArn: required(env, V.cacheAuthSecretArn),
      clusterMode,
      ttlSeconds: integer(env, V.cacheTtlSeconds, 1, 31_536_000, 86_400),
    },
    queues: {
      quarantineUrl: queueUrl(env, V.quarantineQueueUrl, true)!,
      failedRecordsUrl: queueUrl(env, V.failedRecordsQueueUrl, false),
    },
    subjects: {
      keySecretArn: required(env, V.subjectKeySecretArn),
      pipeline: required(env, V.pipeline),
    },
  };
}

/** An SQS queue URL (https on AWS; the tests' emulator speaks http). */
function queueUrl(env: Env, name: string, isRequired: boolean): string | undefined {
  const value = isRequired ? required(env, name) : optional(env, name);
  if (value !== undefined && !/^https?:\/\/[^/\s]+\/[0-9]{12}\/[A-Za-z0-9_-]{1,80}$/.test(value)) {
    throw new Error(`${name} must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>), got '${value}'`);
  }
  return value;
}

/**
 * The processor's configuration: environment variables only, named in the contract the
 * TransactionProcessor construct writes them from (src/private/processor-contract.ts; docs/processor.md
 * lists them). Read once per execution environment. A bad value fails every invocation with an error
 * that names the variable and echoes the value (none of them is a secret).
 */
import { PROCESSOR_VARIABLES as V } from '../../src/private/processor-contract';

/** How the processor authenticates to PostgreSQL. */
export type DatabaseCredentials =
  | { readonly kind: 'secret'; readonly secretArn: string }
  | { readonly kind: 'iam'; readonly user: string; readonly region: string };

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

type Env = Readonly<Record<string, string | undefined>>;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Reads and checks the configuration. */
export function readConfig(env: Env = process.env): ProcessorConfig {
  const iamUser = optional(env, V.databaseIamUser);
  const secretArn = optional(env, V.databaseSecretArn);
  let credentials: DatabaseCredentials;
  if (iamUser !== undefined) {
    credentials = { kind: 'iam', user: iamUser, region: required(env, 'AWS_REGION') };
  } else if (secretArn !== undefined) {
    credentials = { kind: 'secret', secretArn };
  } else {
    throw new Error(`${V.databaseSecretArn} or ${V.databaseIamUser} must be set: the processor has no database credentials`);
  }

  const table = optional(env, V.transactionsTable) ?? 'transactions';
  if (!table.split('.').every(part => IDENTIFIER.test(part)) || table.split('.').length > 2) {
    throw new Error(`${V.transactionsTable} must be a lower-case identifier, optionally schema-qualified (schema.table), got '${table}'`);
  }

  const clusterMode = optional(env, V.cacheClusterMode) ?? 'false';
  const cacheUser = optional(env, V.cacheUser);
  if (clusterMode !== 'true' && clusterMode !== 'false') {
    throw new Error(`${V.cacheClusterMode} must be 'true' or 'false', got '${clusterMode}'`);
  }

  return {
    database: {
      host: required(env, V.databaseHost),
      // No default port: the construct always sets one (the pipeline's are not the engines' defaults).
      port: integer(env, V.databasePort, undefined, 1, 65535),
      database: required(env, V.databaseName),
      credentials,
      table,
    },
    cache: {
      host: required(env, V.cacheHost),
      port: integer(env, V.cachePort, undefined, 1, 65535),
      ...(cacheUser !== undefined ? { user: cacheUser } : {}),
      authSecretArn: required(env, V.cacheAuthSecretArn),
      clusterMode: clusterMode === 'true',
      ttlSeconds: integer(env, V.cacheTtlSeconds, 86_400, 1, 31_536_000),
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

function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) {
    throw new Error(`${name} must be set`);
  }
  return value;
}

/** An integer in [min, max]; without a fallback the variable is required. */
function integer(env: Env, name: string, fallback: number | undefined, min: number, max: number): number {
  const text = optional(env, name);
  if (text === undefined) {
    if (fallback === undefined) throw new Error(`${name} must be set`);
    return fallback;
  }
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got '${text}'`);
  }
  return value;
}

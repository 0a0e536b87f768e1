/**
 * The processor's configuration: environment variables only (the TransactionProcessor construct sets
 * them; docs/processor.md lists them). Read once per execution environment. A bad value fails every
 * invocation with an error that names the variable and echoes the value (none of them is a secret).
 */

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
  readonly authSecretArn: string;
  readonly clusterMode: boolean;
  readonly ttlSeconds: number;
}

export interface ProcessorConfig {
  readonly database: DatabaseConfig;
  readonly cache: CacheConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Reads and checks the configuration. */
export function readConfig(env: Env = process.env): ProcessorConfig {
  const iamUser = optional(env, 'DB_IAM_USER');
  const secretArn = optional(env, 'DB_SECRET_ARN');
  let credentials: DatabaseCredentials;
  if (iamUser !== undefined) {
    credentials = { kind: 'iam', user: iamUser, region: required(env, 'AWS_REGION') };
  } else if (secretArn !== undefined) {
    credentials = { kind: 'secret', secretArn };
  } else {
    throw new Error('DB_SECRET_ARN or DB_IAM_USER must be set: the processor has no database credentials');
  }

  const table = optional(env, 'TRANSACTIONS_TABLE') ?? 'transactions';
  if (!table.split('.').every(part => IDENTIFIER.test(part)) || table.split('.').length > 2) {
    throw new Error(`TRANSACTIONS_TABLE must be a lower-case identifier, optionally schema-qualified (schema.table), got '${table}'`);
  }

  const clusterMode = optional(env, 'CACHE_CLUSTER_MODE') ?? 'false';
  if (clusterMode !== 'true' && clusterMode !== 'false') {
    throw new Error(`CACHE_CLUSTER_MODE must be 'true' or 'false', got '${clusterMode}'`);
  }

  return {
    database: {
      host: required(env, 'DB_HOST'),
      port: integer(env, 'DB_PORT', 5432, 1, 65535),
      database: required(env, 'DB_NAME'),
      credentials,
      table,
    },
    cache: {
      host: required(env, 'CACHE_HOST'),
      port: integer(env, 'CACHE_PORT', 6379, 1, 65535),
      authSecretArn: required(env, 'CACHE_AUTH_SECRET_ARN'),
      clusterMode: clusterMode === 'true',
      ttlSeconds: integer(env, 'CACHE_TTL_SECONDS', 86_400, 1, 31_536_000),
    },
  };
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

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = optional(env, name);
  if (text === undefined) {
    return fallback;
  }
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got '${text}'`);
  }
  return value;
}

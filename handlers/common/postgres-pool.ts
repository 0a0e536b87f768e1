/**
 * A job's PostgreSQL pool, signed in as its own role: with IAM database authentication (a fresh token for
 * every new connection: a token is valid for 15 minutes) or with the username and password of a secret
 * (read once, again after `forget`). Over TLS with certificate verification (Node's trust store plus
 * NODE_EXTRA_CA_CERTS; never `rejectUnauthorized: false`), one connection (Lambda runs one invocation at
 * a time per environment), kept across invocations. Shared by the processor and the rights functions.
 */
import { Signer } from '@aws-sdk/rds-signer';
import { Pool } from 'pg';
import type { DatabaseCredentials } from './environment';
import { databaseLogin } from '../transaction-processor/secrets';

/** Where to connect and as whom. */
export interface PoolTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly credentials: DatabaseCredentials;
}

/** What differs between the jobs. */
export interface PoolOptions {
  /** `application_name`, which names the job in `pg_stat_activity` and the server's log. */
  readonly applicationName: string;
  /** How long a statement may take before the client gives up on it. */
  readonly queryTimeoutMs: number;
}

export async function loginPool(target: PoolTarget, options: PoolOptions): Promise<Pool> {
  const { host, port, database, credentials } = target;
  let user: string;
  let password: () => Promise<string>;
  if (credentials.kind === 'iam') {
    user = credentials.user;
    const signer = new Signer({ hostname: host, port, username: user, region: credentials.region });
    password = () => signer.getAuthToken();
  } else {
    const secretArn = credentials.secretArn;
    user = (await databaseLogin(secretArn)).username;
    password = async () => (await databaseLogin(secretArn)).password;
  }
  return new Pool({
    host,
    port,
    database,
    user,
    password,
    ssl: { rejectUnauthorized: true },
    max: 1,
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: 5_000,
    query_timeout: options.queryTimeoutMs,
    keepAlive: true,
    application_name: options.applicationName,
  });
}

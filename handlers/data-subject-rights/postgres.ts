/**
 * The rights functions' PostgreSQL connection: one per execution environment, over TLS with certificate
 * verification (Node's trust store plus NODE_EXTRA_CA_CERTS; never `rejectUnauthorized: false`), signed
 * in as the rights role with IAM database authentication (a fresh token per connection) or a secret.
 * A connection found dead (the environment was frozen through a failover) is replaced once.
 */
import type { Pool, PoolClient } from 'pg';
import type { RightsDatabaseConfig } from './config';
import { loginPool } from '../common/postgres-pool';

const CONNECTION_LOST = /Connection terminated|Client has encountered a connection error|ECONNRESET|EPIPE|57P01|57P02|57P03/;

export class RightsDatabase {
  private pool?: Pool;

  constructor(private readonly config: RightsDatabaseConfig, private readonly applicationName: string) {}

  /** Runs `work` in one transaction (BEGIN ... COMMIT, ROLLBACK on error). */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async client => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /** Runs `work` with the connection, replacing it once if it was found dead before any statement ran. */
  async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const pool = await this.connection();
      let client: PoolClient;
      try {
        client = await pool.connect();
        if (attempt === 1) await client.query('SELECT 1');
      } catch (e) {
        await this.close();
        if (attempt >= 2 || !CONNECTION_LOST.test(describe(e))) throw this.explain(e);
        continue;
      }
      let broken: Error | undefined;
      const onError = (e: Error) => { broken = e; };
      client.on('error', onError);
      try {
        return await work(client);
      } catch (e) {
        if (CONNECTION_LOST.test(describe(e))) broken ??= e as Error;
        throw this.explain(e);
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end().catch(() => undefined);
  }

  private async connection(): Promise<Pool> {
    if (this.pool !== undefined) return this.pool;
    // The fence waits for in-flight inserts (lock_timeout, set per statement), and an export reads a
    // subject's every row: generous, but below the functions' timeouts.
    const pool = await loginPool(this.config, { applicationName: this.applicationName, queryTimeoutMs: 60_000 });
    pool.on('error', () => undefined);
    this.pool = pool;
    return pool;
  }

  private explain(e: unknown): Error {
    const { host, port, database } = this.config;
    return new Error(`PostgreSQL ${host}:${port}/${database}: ${describe(e)}`, { cause: e });
  }
}

/** A PostgreSQL error's message and SQLSTATE, never a statement's parameters. */
export function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  return `${e.message}${typeof code === 'string' ? ` [${code}]` : ''}`;
}

import { escapeIdentifier, Pool } from 'pg';
import type { DatabaseConfig } from './config';
import { log } from './log';
import { forget } from './secrets';
import type { IncomingTransaction } from './transaction';
import { StoreUnavailable } from './wait';
import { loginPool } from '../common/postgres-pool';

/** A transaction as PostgreSQL holds it: the first copy stored wins over any later one with the same id. */
export interface StoredTransaction {
  readonly transactionId: string;
  readonly customerId: string;
  /** The subject's keyed hash (null on a row stored before migration 0002 that no request has named). */
  readonly customerHash: string | null;
  /** numeric(15,2) as text: '19.90'. */
  readonly amount: string;
  readonly currency: string;
  /** UTC, microseconds: '2026-03-01T12:00:00.000000Z'. */
  readonly timestamp: string;
  /** Milliseconds since the epoch (the cache's ordering). */
  readonly eventMs: number;
  /** When PostgreSQL stored it (`stored_at`), ms since the epoch, by PostgreSQL's clock. */
  readonly storedMs: number;
  /** How long before the statement that returned it PostgreSQL stored it, ms (0 for a row inserted by it). */
  readonly storedAgeMs: number;
}

const RETURNED = `transaction_id, customer_id, amount::text AS amount, currency,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "timestamp",
  floor(extract(epoch FROM occurred_at) * 1000)::float8 AS event_ms,
  floor(extract(epoch FROM stored_at) * 1000)::float8 AS stored_ms,
  floor(extract(epoch FROM now() - stored_at) * 1000)::float8 AS stored_age_ms`;

/**
 * The two statements of a batch, for the escaped table name (the benchmark's floor runs the same): the
 * insert of every transaction, returning those it inserted, and the read-back of the others. The insert
 * leaves out the rows of erased subjects (the fence: their keyed hash is a tombstone): they are neither
 * inserted nor read back. The table's own fence (migration 0003) deletes any that a statement stored
 * anyway (one whose snapshot predates a tombstone committed while it waited for its lock).
 */
export function storeStatements(table: string): { insert: string; readBack: string } {
  return {
    insert: `INSERT INTO ${table} (transaction_id, customer_id, amount, currency, occurred_at, shard_id, sequence_number, customer_hash)
            SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[])
              AS u (transaction_id, customer_id, amount, currency, occurred_at, shard_id, sequence_number, customer_hash)
            WHERE NOT EXISTS (SELECT FROM public.lgpd_erased_subjects e WHERE e.subject_hash = u.customer_hash)
            ON CONFLICT (transaction_id) DO NOTHING
            RETURNING ${RETURNED}`,
    readBack: `SELECT ${RETURNED} FROM ${table} WHERE transaction_id = ANY($1::text[])`,
  };
}

/**
 * The transactions table in PostgreSQL, over TLS with certificate verification (Node's trust store plus
 * NODE_EXTRA_CA_CERTS; never `rejectUnauthorized: false`). One connection per execution environment,
 * kept across invocations; a lost connection (store restart, failover) is replaced, and a refused
 * password re-reads the secret once (rotation).
 *
 * The table is made at deploy time by the schema migrations (handlers/schema-migrations), which also
 * give the processor's role its INSERT and SELECT: nothing here creates anything.
 */
export class TransactionTable {
  private pool?: Pool;
  private readonly table: string;
  private readonly statements: { insert: string; readBack: string };

  constructor(private readonly config: DatabaseConfig) {
    this.table = config.table.split('.').map(escapeIdentifier).join('.');
    this.statements = storeStatements(this.table);
  }

  /**
   * Inserts the transactions in one statement (one database transaction): `ON CONFLICT
   * (transaction_id) DO NOTHING`, so a replayed record stores nothing new. Returns every given
   * transaction as the table holds it, whether it was inserted now or before (then read back).
   * Throws when the database cannot be reached or refuses the batch: nothing is then acknowledged.
   */
  async store(transactions: readonly IncomingTransaction[], hashOf: (customerId: string) => string): Promise<StoredTransaction[]> {
    // Each kind of failure is put right once, then tried again: a rotated password after a dropped
    // connection needs both. The insert is idempotent, so a retry is safe even when the failed
    // attempt's COMMIT reached the server.
    const remedied = new Set<string>();
    for (;;) {
      try {
        return await this.storeOnce(transactions, hashOf);
      } catch (e) {
        const kind = classify(e);
        if (kind === 'other' || remedied.has(kind)) {
          throw this.explain(e);
        }
        remedied.add(kind);
        if (kind === 'auth') {
          if (this.config.credentials.kind === 'secret') forget(this.config.credentials.secretArn);
          await this.close();
        }
        log('database-retry', { reason: kind, code: codeOf(e) });
      }
    }
  }

  /**
   * The transactions stored at or after `fromMs` (PostgreSQL's clock), in the order they were stored,
   * `limit` at a time after `after` (the last one of the previous page): what the cache re-applies
   * after a failover (convergence.ts). Through `stored_at`'s index.
   */
  async storedSince(fromMs: number, after: { storedMs: number; transactionId: string } | undefined, limit: number): Promise<StoredTransaction[]> {
    const pool = await this.connection().catch(e => { throw this.explain(e); });
    const result = await pool.query(`SELECT ${RETURNED}, customer_hash FROM ${this.table}
        WHERE stored_at >= to_timestamp($1::float8 / 1000)
          AND (stored_at, transaction_id) > (to_timestamp($2::float8 / 1000), $3::text)
        ORDER BY stored_at, transaction_id LIMIT $4`,
    [fromMs, after?.storedMs ?? fromMs - 1, after?.transactionId ?? '', limit]).catch(e => { throw this.explain(e); });
    return (result.rows as Row[]).map(r => toStored(r, r.customer_hash ?? null));
  }

  /** Closes the connection (tests and benchmarks; Lambda simply freezes the environment). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end().catch(() => undefined);
  }

  private async storeOnce(transactions: readonly IncomingTransaction[], hashOf: (customerId: string) => string): Promise<StoredTransaction[]> {
    const pool = await this.connection();
    const client = await pool.connect();
    let broken: Error | undefined;
    // While checked out the client is ours to watch: a connection that dies under a query emits
    // 'error' here (unhandled, it would end the process) as well as failing the query.
    const onError = (e: Error) => { broken = e; };
    client.on('error', onError);
    try {
      const ids = transactions.map(t => t.transactionId);
      const result = await client.query({
        // Named: parsed and planned once per connection. It touches the table only through the
        // primary key (the insert's arbiter index), so its generic plan does not grow with the table.
        name: 'lgpd-store-transactions',
        text: this.statements.insert,
        values: [
          ids,
          transactions.map(t => t.customerId),
          transactions.map(t => t.amount),
          transactions.map(t => t.currency),
          transactions.map(t => t.timestamp),
          transactions.map(t => t.shardId),
          transactions.map(t => t.sequenceNumber),
          transactions.map(t => hashOf(t.customerId)),
        ],
      });
      // The ids that were not inserted were stored before (a replay), or by another environment while
      // this statement ran: read them as stored. A separate statement sees both; unnamed, it is planned
      // for these ids (an index scan), not generically (a generic plan of "= ANY($1)" scans the table).
      const rows = result.rows as Row[];
      const inserted = new Set(rows.map(r => r.transaction_id));
      const missing = ids.filter(id => !inserted.has(id));
      if (missing.length > 0) {
        const earlier = await client.query(this.statements.readBack, [missing]);
        rows.push(...(earlier.rows as Row[]));
      }
      return rows.map(r => toStored(r, hashOf(r.customer_id)));
    } catch (e) {
      if (classify(e) === 'connection') broken ??= e as Error;
      throw e;
    } finally {
      client.off('error', onError);
      // A connection that failed is discarded, not returned to the pool.
      client.release(broken);
    }
  }

  private async connection(): Promise<Pool> {
    if (this.pool !== undefined) {
      return this.pool;
    }
    const pool = await loginPool(this.config, { applicationName: 'lgpd-transaction-processor', queryTimeoutMs: 15_000 });
    // An idle connection that the server drops (restart, failover) emits here; the pool discards it.
    pool.on('error', e => log('database-idle-error', { code: codeOf(e), message: e.message }));
    this.pool = pool;
    return pool;
  }

  private explain(e: unknown): Error {
    const { host, port, database } = this.config;
    const code = codeOf(e);
    const message = e instanceof Error ? e.message : String(e);
    const hint = TLS_CODES.has(code ?? '')
      ? ' (the server certificate is not trusted: trust comes from Node\'s CAs and NODE_EXTRA_CA_CERTS)'
      : classify(e) === 'auth' ? ' (refused again after re-reading the credentials)'
        // 42P01 undefined_table, 42501 insufficient_privilege: the deploy-time schema is missing or not this login's.
        : code === '42P01' || code === '42501' ? ' (the schema migrations make the table and grant the processor\'s role INSERT and SELECT at deploy time)' : '';
    const text = `PostgreSQL ${host}:${port}/${database}: ${message}${code ? ` [${code}]` : ''}${hint}`;
    // A store that is away (restarting, failing over, unreachable) is worth waiting for; a refusal is not.
    return classify(e) === 'connection' ? new StoreUnavailable(text, { cause: e }) : new Error(text, { cause: e });
  }
}

interface Row {
  transaction_id: string;
  customer_id: string;
  /** Returned by `storedSince` only: a batch knows its customers' keyed hashes. */
  customer_hash?: string | null;
  amount: string;
  currency: string;
  timestamp: string;
  event_ms: number;
  stored_ms: number;
  stored_age_ms: number;
}

function toStored(r: Row, customerHash: string | null): StoredTransaction {
  return {
    transactionId: r.transaction_id,
    customerId: r.customer_id,
    customerHash,
    amount: r.amount,
    currency: r.currency,
    timestamp: r.timestamp,
    eventMs: r.event_ms,
    storedMs: r.stored_ms,
    storedAgeMs: r.stored_age_ms,
  };
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What a PostgreSQL error means for the batch: retry after a fix, or give up. */
function classify(e: unknown): 'auth' | 'connection' | 'other' {
  const code = codeOf(e) ?? '';
  // SQLSTATE 28P01 invalid_password, 28000 invalid_authorization_specification (IAM tokens).
  if (code === '28P01' || code === '28000') return 'auth';
  // Class 08 connection exception; 57P01-57P03 admin shutdown, crash shutdown, cannot connect now.
  if (code.startsWith('08') || /^57P0[123]$/.test(code) || NETWORK_CODES.has(code)) return 'connection';
  const message = e instanceof Error ? e.message : '';
  if (/Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/.test(message)) {
    return 'connection';
  }
  return 'other';
}

/**
 * The floor of the processor benchmark (scripts/bench/processor.ts): what one batch costs the stores
 * and their drivers alone. The same statements as the handler's (imported from it: the insert, the
 * read-back of replays, the customer script and the marker), with the same drivers (pg and ioredis from
 * node_modules, left out of this bundle) and the same connection options, on data prepared before the
 * clock starts: no Kinesis event, no base64, no JSON, no schema, no handler around it.
 *
 * Loaded like the handler, by the benchmark's execution environment (support/processor-harness), as
 * `handler({ batch, Records })`: the records are there so that delivering the event costs what it costs
 * the handler, and are not read; FLOOR_DATA names a JSON file of the batches, FLOOR_DB_USER, FLOOR_DB_PASSWORD,
 * FLOOR_REDIS_USER and FLOOR_REDIS_TOKEN replace the secrets the handler reads.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { escapeIdentifier, Pool } from 'pg';
import { MARK_APPLIED, UPDATE_CUSTOMER, updateKeys } from '../../handlers/transaction-processor/cache';
import { MARKER_INTERVAL_MS } from '../../handlers/transaction-processor/convergence';
import { storeStatements } from '../../handlers/transaction-processor/database';

/** One batch, column by column, as the handler passes it to the insert. */
export interface FloorBatch {
  readonly ids: string[];
  readonly customers: string[];
  /** The customers' keyed hashes, computed before the clock starts (the handler computes them per batch). */
  readonly hashes: string[];
  readonly amounts: string[];
  readonly currencies: string[];
  readonly timestamps: string[];
  readonly shards: string[];
  readonly sequences: string[];
}

interface Row {
  transaction_id: string;
  customer_id: string;
  amount: string;
  currency: string;
  timestamp: string;
  event_ms: number;
  stored_ms: number;
}

const env = process.env;
const batches = JSON.parse(readFileSync(env.FLOOR_DATA!, 'utf8')) as FloorBatch[];
const statements = storeStatements(env.TRANSACTIONS_TABLE!.split('.').map(escapeIdentifier).join('.'));
const ttlSeconds = Number(env.CACHE_TTL_SECONDS);
const sha = (lua: string) => createHash('sha1').update(lua).digest('hex');
const UPDATE_SHA = sha(UPDATE_CUSTOMER);
const MARK_SHA = sha(MARK_APPLIED);
let markedMs = 0;

const pool = new Pool({
  host: env.DB_HOST,
  port: Number(env.DB_PORT),
  database: env.DB_NAME,
  user: env.FLOOR_DB_USER,
  password: env.FLOOR_DB_PASSWORD,
  ssl: { rejectUnauthorized: true },
  max: 1,
  idleTimeoutMillis: 0,
  connectionTimeoutMillis: 5_000,
  query_timeout: 15_000,
  keepAlive: true,
  application_name: 'lgpd-processor-floor',
});
const redis = new Redis(Number(env.CACHE_PORT), env.CACHE_HOST!, {
  username: env.FLOOR_REDIS_USER,
  password: env.FLOOR_REDIS_TOKEN,
  tls: {},
  connectTimeout: 5_000,
  commandTimeout: 5_000,
  maxRetriesPerRequest: 1,
  enableAutoPipelining: true,
});

function script(lua: string, digest: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  return redis.evalsha(digest, keys.length, ...keys, ...args).catch((e: Error) => {
    if (!e.message.startsWith('NOSCRIPT')) throw e;
    return redis.eval(lua, keys.length, ...keys, ...args);
  });
}

export async function handler(event: { batch: number }): Promise<{ stored: number }> {
  const b = batches[event.batch];
  const client = await pool.connect();
  let rows: Row[];
  try {
    const result = await client.query({
      name: 'lgpd-store-transactions',
      text: statements.insert,
      values: [b.ids, b.customers, b.amounts, b.currencies, b.timestamps, b.shards, b.sequences, b.hashes],
    });
    rows = result.rows as Row[];
    const inserted = new Set(rows.map(r => r.transaction_id));
    const missing = b.ids.filter(id => !inserted.has(id));
    if (missing.length > 0) rows.push(...(await client.query(statements.readBack, [missing])).rows as Row[]);
  } finally {
    client.release();
  }
  const byCustomer = new Map<string, Row[]>();
  // The keyed hashes as the handler has them: computed before the clock starts, by customer.
  const hashOf = new Map(b.customers.map((c, i) => [c, b.hashes[i]]));
  for (const r of rows) {
    const customerHash = hashOf.get(r.customer_id)!;
    const list = byCustomer.get(customerHash);
    if (list) list.push(r);
    else byCustomer.set(customerHash, [r]);
  }
  await Promise.all([...byCustomer].map(([customerHash, list]) => {
    return script(UPDATE_CUSTOMER, UPDATE_SHA, updateKeys(customerHash), [ttlSeconds, ttlSeconds * 1000,
      ...list.flatMap(r => [r.transaction_id, r.event_ms, r.amount, r.currency, r.timestamp])]);
  }));
  // The marker, as often as the handler raises it.
  const marker = Math.max(...rows.map(r => r.stored_ms));
  if (marker - markedMs >= MARKER_INTERVAL_MS) {
    await script(MARK_APPLIED, MARK_SHA, ['lgpd:cache:applied'], [marker]);
    markedMs = marker;
  }
  return { stored: rows.length };
}

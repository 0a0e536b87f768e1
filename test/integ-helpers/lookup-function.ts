/**
 * The integration test's look-up: given a transaction, it reads what the transaction processor stored
 * for it, the row in PostgreSQL and the customer's state in Redis, over the same TLS, secrets and
 * configuration the processor uses (the processor's own modules, bundled by esbuild when the integ app
 * is synthesized). It runs in the application subnets, like the processor.
 *
 * Not named `integ.*`: integ-runner only runs files whose name starts with `integ.`.
 */
import Redis, { Cluster } from 'ioredis';
import { Client } from 'pg';
import { customerKeys } from '../../handlers/transaction-processor/cache';
import { readConfig } from '../../handlers/transaction-processor/config';
import { databaseLogin, secretString } from '../../handlers/transaction-processor/secrets';

export interface LookupEvent {
  readonly transactionId: string;
  readonly customerId: string;
}

export async function handler(event: LookupEvent): Promise<Record<string, unknown>> {
  const config = readConfig();
  if (config.database.credentials.kind !== 'secret') throw new Error('the look-up reads the master secret');
  const login = await databaseLogin(config.database.credentials.secretArn);
  const db = new Client({
    host: config.database.host,
    port: config.database.port,
    database: config.database.database,
    user: login.username,
    password: login.password,
    ssl: { rejectUnauthorized: true },
  });
  await db.connect();
  let row: Record<string, unknown> | undefined;
  try {
    const result = await db.query(`SELECT transaction_id, customer_id, amount::text AS amount, currency FROM ${config.database.table} WHERE transaction_id = $1`,
      [event.transactionId]);
    row = result.rows[0];
  } finally {
    await db.end();
  }

  const password = await secretString(config.cache.authSecretArn);
  const tls = { servername: config.cache.host };
  const node = { host: config.cache.host, port: config.cache.port };
  const cache = config.cache.clusterMode
    ? new Cluster([node], { dnsLookup: (address, callback) => callback(null, address), redisOptions: { password, tls } })
    : new Redis({ ...node, password, tls });
  try {
    const keys = customerKeys(event.customerId);
    const customer = await cache.hgetall(keys.hash);
    const transactions = await cache.zrange(keys.transactions, 0, -1);
    return { row: row ?? null, lastTransactionId: customer.lastTransactionId ?? null, transactions };
  } finally {
    cache.disconnect();
  }
}

/**
 * The integration test's look-up: given a transaction, it reads what the transaction processor stored
 * for it, the row in PostgreSQL and the customer's state in Redis, signed in as the processor itself
 * (its PostgreSQL role with an IAM token, its Redis user), over the same TLS and configuration (the
 * processor's own modules, bundled by esbuild when the integ app is synthesized). It runs in the
 * application subnets, like the processor. Signing in with a token here is what shows that RDS accepts
 * IAM database authentication for the role the migrations made, which no local test can show.
 *
 * The processor's role may SELECT transactions; its Redis user may HGET and ZSCORE its keys, which is
 * what the look-up asks.
 *
 * Not named `integ.*`: integ-runner only runs files whose name starts with `integ.`.
 */
import { Signer } from '@aws-sdk/rds-signer';
import Redis, { Cluster } from 'ioredis';
import { Client } from 'pg';
import { subjectHasher } from '../../handlers/common/subject';
import { readConfig } from '../../handlers/transaction-processor/config';
import { databaseLogin, secretString } from '../../handlers/transaction-processor/secrets';
import { subjectCacheKeys } from '../../src/private/subject-contract';

export interface LookupEvent {
  readonly transactionId: string;
  readonly customerId: string;
}

export async function handler(event: LookupEvent): Promise<Record<string, unknown>> {
  const config = readConfig();
  const { host, port, database, credentials } = config.database;
  const signer = credentials.kind === 'iam' ? new Signer({ hostname: host, port, username: credentials.user, region: credentials.region }) : undefined;
  const login = credentials.kind === 'iam'
    ? { username: credentials.user, password: await signer!.getAuthToken() }
    : await databaseLogin(credentials.secretArn);
  const db = new Client({ host, port, database, user: login.username, password: login.password, ssl: { rejectUnauthorized: true } });
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
  const options = { username: config.cache.user, password, tls, disableClientInfo: true };
  const cache = config.cache.clusterMode
    ? new Cluster([node], { dnsLookup: (address, callback) => callback(null, address), redisOptions: options })
    : new Redis({ ...node, ...options });
  try {
    // The customer's keys are named by their keyed hash, with the subject key the processor reads.
    const keys = subjectCacheKeys((await subjectHasher(config.subjects.keySecretArn))(event.customerId));
    const lastTransactionId = await cache.hget(keys.state, 'lastTransactionId');
    const score = await cache.zscore(keys.transactions, event.transactionId);
    return { row: row ?? null, lastTransactionId, inCustomerTransactions: score !== null };
  } finally {
    cache.disconnect();
  }
}

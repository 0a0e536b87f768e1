/**
 * The reference transaction processor, as built (assets/handlers/transaction-processor/index.js), run
 * the way Lambda runs it (one Node process per execution environment, several invocations each) against
 * real stores started here on 127.0.0.1: PostgreSQL 17 (TLS, scram-sha-256, plain connections
 * rejected), Redis (TLS only, AUTH) and moto's Secrets Manager.
 *
 * Run with `npx projen test:processor` (CI runs it; scripts/install/processor.sh installs the stores).
 *
 * What the Secrets Manager emulator cannot prove, and so is not proven here:
 * - IAM: that the function's role may call secretsmanager:GetSecretValue and kms:Decrypt on the
 *   secrets (moto accepts any credentials); the construct's grants are tested on the template.
 * - The network path: the interface endpoint with private DNS in the application subnets (the SDK
 *   here reaches moto over plain HTTP through AWS_ENDPOINT_URL_SECRETS_MANAGER).
 * - RDS's own rotation (the AWSPENDING / AWSCURRENT dance and its timing); the rotation test below
 *   changes the password and the secret's current value, which is what the processor sees.
 * - That RDS accepts the IAM auth token (DB_IAM_USER): PostgreSQL here cannot check one; a test
 *   below shows only that the processor signs a token and presents it, as that user, over TLS.
 * Neither is the Lambda runtime itself emulated beyond one process per environment: no freeze and
 * thaw, and Node 20 (CI's) instead of nodejs24.x.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import Redis from 'ioredis';
import { Client } from 'pg';
import { PROCESSOR_USER } from '../../src/private/cache-access';
import { LambdaEnvironment } from '../../support/processor-harness/environment';
import { expectedCache, kinesisEvent, kinesisRecord, SHARD_ID, storedAmount, transactions, type TransactionPayload } from '../../support/processor-harness/events';
import { FaultyLink } from '../../support/processor-harness/faulty-link';
import { APP_USER, POSTGRES_PORT, REDIS_CLUSTER_PORTS, REDIS_PORT, RedisCluster, Stores } from '../../support/processor-harness/stores';
import { storesForEachTest } from '../../support/processor-harness/suite';

let stores: Stores;
const environments = storesForEachTest(started => { stores = started; });

/** A new execution environment with the processor's environment variables (overrides applied). */
async function environment(overrides: Record<string, string | undefined> = {}): Promise<LambdaEnvironment> {
  const env = await LambdaEnvironment.start(stores.processorEnv(overrides));
  environments.push(env);
  return env;
}

function records(payloads: readonly TransactionPayload[]): KinesisStreamRecord[] {
  return payloads.map(p => kinesisRecord(p, p.customerId));
}

interface Row {
  transaction_id: string;
  customer_id: string;
  amount: string;
  currency: string;
  occurred_at: string;
  shard_id: string;
  sequence_number: string;
}

async function rows(): Promise<Row[]> {
  return stores.query<Row>(`SELECT transaction_id, customer_id, amount::text AS amount, currency,
      to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at, shard_id, sequence_number
    FROM transactions ORDER BY transaction_id`);
}

/** Every customer key in Redis with its type, value and TTL (seconds); not the bookkeeping keys (lgpd:cache:*). */
async function cacheDump(): Promise<Record<string, { value: unknown; ttl: number }>> {
  return stores.redis.admin(async r => {
    const dump: Record<string, { value: unknown; ttl: number }> = {};
    for (const key of (await r.keys('customer:*')).sort()) {
      const type = await r.type(key);
      const value = type === 'hash' ? await r.hgetall(key) : await r.zrange(key, 0, -1, 'WITHSCORES');
      dump[key] = { value, ttl: await r.ttl(key) };
    }
    return dump;
  });
}

/** The dump without TTLs: what "the same state" means for a cache whose entries are renewed on update. */
function withoutTtl(dump: Record<string, { value: unknown; ttl: number }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(dump).map(([k, v]) => [k, v.value]));
}

/** Asserts that the cache holds exactly what `payloads` imply (worked out in support/processor-harness/events.ts). */
async function expectCacheToReflect(payloads: readonly TransactionPayload[], ttlSeconds = 3600): Promise<void> {
  const expected = expectedCache(payloads);
  const dump = await cacheDump();
  const keys = [...expected.keys()].flatMap(c => [stores.keysOf(c).hash, stores.keysOf(c).transactions]).sort();
  expect(Object.keys(dump)).toEqual(keys);
  for (const [customerId, customer] of expected) {
    const hash = dump[stores.keysOf(customerId).hash];
    const zset = dump[stores.keysOf(customerId).transactions];
    expect(hash.value).toEqual(customer.last);
    const members = (zset.value as string[]).filter((_, i) => i % 2 === 0);
    expect([...members].sort()).toEqual(customer.transactionIds);
    for (const entry of [hash, zset]) {
      expect(entry.ttl).toBeGreaterThan(ttlSeconds - 60);
      expect(entry.ttl).toBeLessThanOrEqual(ttlSeconds);
    }
  }
}

async function processorBackends(): Promise<number[]> {
  const found = await stores.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE usename = $1 AND application_name = 'lgpd-transaction-processor' ORDER BY pid", [APP_USER]);
  return found.map(r => r.pid);
}

async function processorRedisClients(): Promise<string[]> {
  const list = await stores.redis.admin(r => r.client('LIST') as Promise<string>);
  return list.split('\n').filter(l => l.includes(' name=lgpd-transaction-processor ')).map(l => /\bid=(\d+)/.exec(l)![1]);
}

describe('the transaction processor against PostgreSQL 17 and Redis', () => {
  test('the stores under test take TLS only: PostgreSQL refuses a session without it, Redis\'s port speaks nothing else', async () => {
    const plainPg = new Client({ host: '127.0.0.1', port: POSTGRES_PORT, user: 'postgres', password: stores.postgres.superPassword, ssl: false });
    await expect(plainPg.connect()).rejects.toThrow(/pg_hba.conf rejects connection for host "127.0.0.1", user "postgres", database "postgres", no encryption/);
    const plainRedis = new Redis(REDIS_PORT, '127.0.0.1', { password: stores.redis.token, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    plainRedis.on('error', () => undefined);
    await expect(plainRedis.connect().then(() => plainRedis.ping())).rejects.toThrow();
    plainRedis.disconnect();
  });

  test('stores every record once as a row (with its shard and sequence number) and its customer\'s state in Redis, reusing one connection to each store across invocations', async () => {
    const env = await environment();
    const payloads = transactions('basic', 60, 7);
    const batches = [records(payloads.slice(0, 20)), records(payloads.slice(20, 40)), records(payloads.slice(40))];

    expect(await env.invokeOk(kinesisEvent(batches[0]))).toEqual({ batchItemFailures: [] });
    const [pid] = await processorBackends();
    const [redisClient] = await processorRedisClients();
    for (const batch of batches.slice(1)) {
      expect(await env.invokeOk(kinesisEvent(batch))).toEqual({ batchItemFailures: [] });
    }

    const sequenceOf = new Map(batches.flat().map(r => [JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString()).transactionId, r.kinesis.sequenceNumber]));
    expect(await rows()).toEqual(payloads.map(p => ({
      transaction_id: p.transactionId,
      customer_id: p.customerId,
      amount: storedAmount(p.amount),
      currency: p.currency,
      occurred_at: new Date(Date.parse(p.timestamp)).toISOString().replace('Z', '000Z'),
      shard_id: SHARD_ID,
      sequence_number: sequenceOf.get(p.transactionId),
    })).sort((a, b) => (a.transaction_id < b.transaction_id ? -1 : 1)));
    await expectCacheToReflect(payloads);
    // The same PostgreSQL backend and the same Redis client served all three invocations.
    expect(await processorBackends()).toEqual([pid]);
    expect(await processorRedisClients()).toEqual([redisClient]);
  });

  test('a replayed batch, in the same or a new environment, adds no row and leaves Redis exactly as it was (TTLs apart)', async () => {
    const env = await environment();
    const payloads = transactions('replay', 40, 5);
    const event = kinesisEvent(records(payloads));
    await env.invokeOk(event);
    const rowsBefore = await rows();
    const storedAt = await stores.query('SELECT transaction_id, stored_at FROM transactions ORDER BY transaction_id');
    const cacheBefore = withoutTtl(await cacheDump());

    await env.invokeOk(event);
    const other = await environment();
    await other.invokeOk(event);

    expect(await rows()).toEqual(rowsBefore);
    expect(await stores.query('SELECT transaction_id, stored_at FROM transactions ORDER BY transaction_id')).toEqual(storedAt);
    expect(withoutTtl(await cacheDump())).toEqual(cacheBefore);
    await expectCacheToReflect(payloads);
  });

  test('the cache ends in the same state whatever order the records arrive in, in one batch or one by one', async () => {
    const env = await environment();
    // Two of one customer's transactions at the same instant, its newest: the greater id is the last.
    const tie = { customerId: 'order-c0', amount: '1.00', currency: 'BRL', timestamp: '2026-03-01T13:00:00Z' };
    const payloads = [...transactions('order', 30, 4), { ...tie, transactionId: 'order-tie-a' }, { ...tie, transactionId: 'order-tie-b' }];
    await env.invokeOk(kinesisEvent(records(payloads)));
    const inOrder = withoutTtl(await cacheDump());

    await stores.query('TRUNCATE transactions');
    await stores.redis.admin(r => r.flushall());
    await env.invokeOk(kinesisEvent(records([...payloads].reverse())));
    const reversed = withoutTtl(await cacheDump());

    await stores.query('TRUNCATE transactions');
    await stores.redis.admin(r => r.flushall());
    const shuffled = [...payloads].sort((a, b) => (a.timestamp.slice(-9) < b.timestamp.slice(-9) ? -1 : 1));
    for (const p of shuffled) await env.invokeOk(kinesisEvent(records([p])));
    const oneByOne = withoutTtl(await cacheDump());

    expect(reversed).toEqual(inOrder);
    expect(oneByOne).toEqual(inOrder);
    await expectCacheToReflect(payloads);
  });

  test('keeps a customer\'s transaction ids for CACHE_TTL_SECONDS of event time before its newest, and both keys expire after CACHE_TTL_SECONDS', async () => {
    const env = await environment({ CACHE_TTL_SECONDS: '60' });
    const at = (seconds: number) => new Date(Date.UTC(2026, 2, 1, 12, 0, seconds)).toISOString();
    const payloads = [0, 30, 59, 61, 120, 150, 179].map(s => ({
      transactionId: `window-${s}`, customerId: 'window-c', amount: '5.00', currency: 'BRL', timestamp: at(s),
    }));
    // The newest first, then older ones: those more than 60 s before it are dropped or never kept.
    await env.invokeOk(kinesisEvent(records(payloads.slice(5))));
    await env.invokeOk(kinesisEvent(records(payloads.slice(0, 5))));

    const dump = await cacheDump();
    const ids = (dump[stores.keysOf('window-c').transactions].value as string[]).filter((_, i) => i % 2 === 0);
    expect(ids).toEqual(['window-120', 'window-150', 'window-179']);
    expect(dump[stores.keysOf('window-c').hash].value).toMatchObject({ lastTransactionId: 'window-179' });
    for (const entry of Object.values(dump)) {
      expect(entry.ttl).toBeGreaterThan(0);
      expect(entry.ttl).toBeLessThanOrEqual(60);
    }
    // PostgreSQL keeps them all: the window is the cache's only.
    expect((await rows()).length).toBe(7);
  });

  test('records that are not valid transactions go to the quarantine queue with their payload, reason, shard and sequence number, are acknowledged, and never reach the logs; the batch\'s valid records are stored', async () => {
    const env = await environment();
    const good = transactions('poison', 6, 2);
    const valid = (over: Partial<Record<keyof TransactionPayload, unknown>>) => ({ ...good[0], transactionId: 'poison-bad', ...over });
    const { amount, ...withoutAmount } = good[0];
    const poison: Array<[string, RegExp, KinesisStreamRecord]> = [
      ['not JSON', /^not JSON$/, kinesisRecord('{"transactionId": "poison-x",')],
      ['not UTF-8', /^not UTF-8$/, kinesisRecord(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
      ['a missing field', /^schema: record must have required property 'amount'/, kinesisRecord(JSON.stringify(withoutAmount))],
      ['an unknown field', /^schema: record must NOT have additional properties/, kinesisRecord(JSON.stringify(valid({ cpf: '123.456.789-09' })))],
      ['three decimals (string)', /^schema: record\/amount/, kinesisRecord(JSON.stringify(valid({ amount: '10.001' })))],
      ['three decimals (number)', /^schema: record\/amount/, kinesisRecord(JSON.stringify(valid({ amount: 0.1 + 0.2 })))],
      ['an amount in exponent form', /^schema: record\/amount/, kinesisRecord(JSON.stringify(valid({ amount: 1e21 })))],
      ['an unknown currency', /^schema: record\/currency/, kinesisRecord(JSON.stringify(valid({ currency: 'XYZ' })))],
      ['a lower-case currency', /^schema: record\/currency/, kinesisRecord(JSON.stringify(valid({ currency: 'brl' })))],
      ['a day that does not exist', /^schema: record\/timestamp/, kinesisRecord(JSON.stringify(valid({ timestamp: '2026-02-30T10:00:00Z' })))],
      ['a timestamp without offset', /^schema: record\/timestamp/, kinesisRecord(JSON.stringify(valid({ timestamp: '2026-03-01T10:00:00' })))],
      ['a customer id with a brace', /^schema: record\/customerId/, kinesisRecord(JSON.stringify(valid({ customerId: 'c{1}' })))],
      ['an array', /^schema: record must be object/, kinesisRecord('[]')],
    ];
    void amount;
    const all = [...records(good.slice(0, 3)), ...poison.map(p => p[2]), ...records(good.slice(3))];

    const response = await env.invokeOk(kinesisEvent(all));

    // Acknowledged: nothing for the event source mapping to retry.
    expect(response.batchItemFailures).toEqual([]);
    expect((await rows()).map(r => r.transaction_id)).toEqual(good.map(p => p.transactionId).sort());
    await expectCacheToReflect(good);
    const quarantined = (await stores.queues.drain(stores.quarantineUrl)).map(b => JSON.parse(b));
    expect(quarantined.map(m => m.sequenceNumber).sort()).toEqual(poison.map(([, , r]) => r.kinesis.sequenceNumber).sort());
    for (const [what, reason, record] of poison) {
      const message = quarantined.find(m => m.sequenceNumber === record.kinesis.sequenceNumber);
      expect({ what, ...message }).toMatchObject({
        what,
        version: 1,
        reason: expect.stringMatching(reason),
        shardId: SHARD_ID,
        partitionKey: record.kinesis.partitionKey,
        eventSourceARN: record.eventSourceARN,
        data: record.kinesis.data,
      });
    }
    // The log says why, by sequence number, and never repeats a record's content.
    const logged = env.logged('batch').at(-1)!;
    expect(logged.rejected.map((r: { sequenceNumber: string }) => r.sequenceNumber)).toEqual(poison.map(([, , r]) => r.kinesis.sequenceNumber));
    expect(logged.quarantined).toBe(poison.length);
    expect(env.logs.join('\n')).not.toContain('123.456.789-09');
  });

  test('fails the batch (nothing acknowledged, nothing stored twice on the retry) when the quarantine queue refuses the message', async () => {
    const env = await environment({ QUARANTINE_QUEUE_URL: stores.quarantineUrl.replace(/[^/]+$/, 'no-such-queue') });
    const good = transactions('noqueue', 4, 2);
    const event = kinesisEvent([...records(good.slice(0, 2)), kinesisRecord('not json'), ...records(good.slice(2))]);

    const failed = await env.invoke(event);
    const retried = await (await environment()).invoke(event);

    expect(failed).toMatchObject({ ok: false, error: expect.stringMatching(/NonExistentQueue|does not exist/) });
    expect(retried).toMatchObject({ ok: true, response: { batchItemFailures: [] } });
    expect((await rows()).map(r => r.transaction_id)).toEqual(good.map(p => p.transactionId).sort());
    expect(await stores.queues.drain(stores.quarantineUrl)).toHaveLength(1);
  });

  test('with Redis stopped the batch fails (nothing acknowledged); retried after Redis is back, every record is stored exactly once', async () => {
    const env = await environment();
    const payloads = transactions('outage', 40, 6);
    const first = kinesisEvent(records(payloads.slice(0, 20)));
    const second = kinesisEvent(records(payloads.slice(20)));
    await env.invokeOk(first);

    await stores.redis.stop();
    const failed = await env.invoke(second);
    await stores.redis.start();
    const retried = await env.invoke(second);

    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.error).toMatch(new RegExp(`^Redis 127\\.0\\.0\\.1:${REDIS_PORT}: .*ECONNREFUSED`));
    expect(retried).toMatchObject({ ok: true, response: { batchItemFailures: [] } });
    expect((await rows()).map(r => r.transaction_id)).toEqual(payloads.map(p => p.transactionId).sort());
    await expectCacheToReflect(payloads);
  });

  test('after PostgreSQL restarts between invocations, the next batch is stored on a new connection without failing', async () => {
    const env = await environment();
    const payloads = transactions('restart', 20, 3);
    await env.invokeOk(kinesisEvent(records(payloads.slice(0, 10))));
    const [before] = await processorBackends();

    await stores.postgres.restart();
    const outcome = await env.invoke(kinesisEvent(records(payloads.slice(10))));

    expect(outcome).toMatchObject({ ok: true, response: { batchItemFailures: [] } });
    expect((await rows()).length).toBe(20);
    const after = await processorBackends();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
    await expectCacheToReflect(payloads);
  });

  test('connections that broke while the environment was frozen are replaced within the next invocation, which succeeds', async () => {
    const pgLink = await FaultyLink.open(POSTGRES_PORT);
    const redisLink = await FaultyLink.open(REDIS_PORT);
    try {
      const env = await environment({ DB_PORT: String(pgLink.port), CACHE_PORT: String(redisLink.port) });
      const payloads = transactions('broken-link', 20, 3);
      await env.invokeOk(kinesisEvent(records(payloads.slice(0, 10))));

      expect(pgLink.breakSilently()).toBe(1);
      expect(redisLink.breakSilently()).toBe(1);
      const outcome = await env.invoke(kinesisEvent(records(payloads.slice(10))));

      expect(outcome).toMatchObject({ ok: true, response: { batchItemFailures: [] } });
      expect(env.logged('database-retry').map(l => l.reason)).toEqual(['connection']);
      expect((await rows()).length).toBe(20);
      await expectCacheToReflect(payloads);
    } finally {
      await pgLink.close();
      await redisLink.close();
    }
  });

  test('refuses a PostgreSQL server whose certificate it cannot verify, and stores nothing', async () => {
    // Trusts the Redis CA only.
    const env = await environment({ NODE_EXTRA_CA_CERTS: stores.redisAuthority.caFile });
    const outcome = await env.invoke(kinesisEvent(records(transactions('untrusted-pg', 3, 1))));

    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(new RegExp(`^PostgreSQL 127\\.0\\.0\\.1:${POSTGRES_PORT}\\/pipeline: .*\\[(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)\\] \\(the server certificate is not trusted`));
    expect(await stores.query('SELECT count(*)::int AS n FROM transactions')).toEqual([{ n: 0 }]);
    expect(await processorBackends()).toEqual([]);
  });

  test('refuses a Redis server whose certificate it cannot verify (the batch fails), and writes nothing to it', async () => {
    // Trusts the PostgreSQL CA only.
    const env = await environment({ NODE_EXTRA_CA_CERTS: stores.pgAuthority.caFile });
    const outcome = await env.invoke(kinesisEvent(records(transactions('untrusted-redis', 3, 1))));

    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(new RegExp(`^Redis 127\\.0\\.0\\.1:${REDIS_PORT}: .*(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)`));
    expect(await cacheDump()).toEqual({});
  });

  test('a wrong Redis AUTH token fails the batch with an error that says so, without the token', async () => {
    const wrong = 'not-the-token-' + Date.now();
    const secret = await stores.createSecret(`pipeline/wrong-auth-${Date.now()}`, wrong);
    const env = await environment({ CACHE_AUTH_SECRET_ARN: secret });
    const outcome = await env.invoke(kinesisEvent(records(transactions('wrong-auth', 3, 1))));

    expect(outcome.ok).toBe(false);
    const error = outcome.ok ? '' : outcome.error;
    expect(error).toMatch(new RegExp(`^Redis 127\\.0\\.0\\.1:${REDIS_PORT}: .*WRONGPASS`));
    expect(error).toContain(`AUTH refused again after re-reading CACHE_AUTH_SECRET_ARN (${secret})`);
    expect(error).not.toContain(wrong);
    expect(error).not.toContain(stores.redis.token);
    expect(await cacheDump()).toEqual({});
  });

  test('a wrong database password fails the batch with PostgreSQL\'s refusal (28P01), after re-reading the secret once', async () => {
    const secret = await stores.createSecret(`pipeline/wrong-db-${Date.now()}`, JSON.stringify({ username: APP_USER, password: 'wrong' }));
    const env = await environment({ DB_SECRET_ARN: secret });
    const outcome = await env.invoke(kinesisEvent(records(transactions('wrong-db', 3, 1))));

    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(new RegExp(`^PostgreSQL 127\\.0\\.0\\.1:${POSTGRES_PORT}\\/pipeline: password authentication failed for user "lgpd_processor" \\[28P01\\] \\(refused again after re-reading the credentials\\)`));
    expect(env.logged('database-retry')).toEqual([{ event: 'database-retry', reason: 'auth', code: '28P01' }]);
  });

  test('with DB_IAM_USER (and no DB_SECRET_ARN) it logs in as that user with a signed token, which PostgreSQL here can only refuse', async () => {
    // Proves the IAM path runs from the bundle (rds-signer signs offline with the role's credentials)
    // and reaches the server over TLS as the right user; only RDS can accept the token.
    const env = await environment({ DB_SECRET_ARN: undefined, DB_IAM_USER: APP_USER });
    const outcome = await env.invoke(kinesisEvent(records(transactions('iam', 1, 1))));

    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(new RegExp(`^PostgreSQL 127\\.0\\.0\\.1:${POSTGRES_PORT}\\/pipeline: password authentication failed for user "lgpd_processor" \\[28P01\\]`));
    expect(env.logged('database-retry')).toEqual([{ event: 'database-retry', reason: 'auth', code: '28P01' }]);
  });

  test('after both stores\' credentials rotate, the next batch re-reads the secrets once and is stored', async () => {
    const env = await environment();
    const payloads = transactions('rotation', 20, 4);
    await env.invokeOk(kinesisEvent(records(payloads.slice(0, 10))));

    // PostgreSQL: what RDS rotation does to the master user; the processor's session ends with it.
    const newPassword = `rotated-${Date.now()}`;
    await stores.query(`ALTER ROLE ${APP_USER} PASSWORD '${newPassword}'`);
    await stores.putSecret(stores.dbSecretArn, JSON.stringify({ username: APP_USER, password: newPassword }));
    await stores.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lgpd-transaction-processor'");
    // Redis: a new password for the processor's user (ElastiCache's ModifyUser), and its connection closed.
    const cachePassword = `rotated-password-${Date.now()}`;
    await stores.redis.admin(async r => {
      await r.call('ACL', 'SETUSER', PROCESSOR_USER.userName, 'resetpass', `>${cachePassword}`);
      await r.client('KILL', 'USER', PROCESSOR_USER.userName);
    });
    await stores.putSecret(stores.cacheSecretArn, cachePassword);
    stores.redis.processorPassword = cachePassword;

    const outcome = await env.invoke(kinesisEvent(records(payloads.slice(10))));

    expect(outcome).toMatchObject({ ok: true, response: { batchItemFailures: [] } });
    expect(env.logged('database-retry').map(l => l.reason)).toContain('auth');
    expect(env.logged('cache-retry').map(l => l.reason)).toEqual(['auth']);
    expect((await rows()).length).toBe(20);
    await expectCacheToReflect(payloads);
  });

  test('a configuration error fails every invocation, naming the variable', async () => {
    const env = await environment({ CACHE_CLUSTER_MODE: 'yes' });
    const outcome = await env.invoke(kinesisEvent(records(transactions('config', 1, 1))));
    expect(outcome).toMatchObject({ ok: false, error: "CACHE_CLUSTER_MODE must be 'true' or 'false', got 'yes'" });
  });
});

describe('the transaction processor with Redis in cluster mode (CACHE_CLUSTER_MODE=true)', () => {
  let cluster: RedisCluster;
  let secret: string;

  beforeAll(async () => {
    cluster = await RedisCluster.start(stores.dir, stores.redisAuthority);
    // The processor signs in as its own user, set on every node with the template's access string.
    const password = `cluster-processor-${Date.now()}`;
    await cluster.setUser(PROCESSOR_USER, password);
    secret = await stores.createSecret('pipeline/cluster-processor', password);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  /** Every key of every primary, with its value (TTLs apart), and how many primaries hold keys. */
  async function clusterDump(): Promise<{ keys: Record<string, unknown>; primariesWithKeys: number }> {
    const client = cluster.client();
    try {
      await new Promise(resolve => client.once('ready', resolve));
      const keys: Record<string, unknown> = {};
      let primariesWithKeys = 0;
      for (const node of client.nodes('master')) {
        const found = await node.keys('customer:*');
        if (found.length > 0) primariesWithKeys++;
        for (const key of found) {
          keys[key] = (await node.type(key)) === 'hash' ? await node.hgetall(key) : await node.zrange(key, 0, -1, 'WITHSCORES');
        }
      }
      return { keys: Object.fromEntries(Object.entries(keys).sort()), primariesWithKeys };
    } finally {
      client.disconnect();
    }
  }

  test('updates customers whose keys live on different primaries, in one invocation, idempotently, with the same state as a single Redis', async () => {
    const payloads = transactions('cluster', 60, 12);
    const event = kinesisEvent(records(payloads));
    const env = await environment({ CACHE_PORT: String(REDIS_CLUSTER_PORTS[0]), CACHE_CLUSTER_MODE: 'true', CACHE_AUTH_SECRET_ARN: secret });

    expect(await env.invokeOk(event)).toEqual({ batchItemFailures: [] });
    const first = await clusterDump();
    await env.invokeOk(event);
    const replayed = await clusterDump();
    // The same records through a single Redis, for comparison.
    const single = await environment();
    await single.invokeOk(event);

    expect(first.primariesWithKeys).toBe(3);
    expect(replayed.keys).toEqual(first.keys);
    expect(first.keys).toEqual(withoutTtl(await cacheDump()));
    expect((await rows()).length).toBe(60);
  });
});

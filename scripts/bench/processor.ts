/**
 * Transaction processor benchmark (`npx projen bench:processor`). Not a test: it prints figures and
 * checks them against the goal of docs/processor.md (at least 1,000 records/s through one handler
 * instance, 0 lost, 0 duplicated), and exits non-zero only if BENCH_STRICT=1 and the goal is missed.
 *
 * One execution environment (one Node process running the bundled handler, frozen between invocations
 * as Lambda does) against PostgreSQL 17 and Redis with TLS, started as in the tests
 * (support/processor-harness). BENCH_RECORDS records (default 20,000) for 1,000 customers, in batches of
 * 100, one after the other as one shard's event source mapping delivers them; every 10th batch is
 * delivered twice, as after a failed invocation. Afterwards both stores are read back: every record
 * must be in PostgreSQL exactly once and in its customer's cache entry, whose newest transaction must be
 * the right one.
 *
 * Measured in one run, alternating (BENCH_ROUNDS times each, default 2): the processor signed in with
 * its own logins (its PostgreSQL role, which may only INSERT and SELECT, and its Redis user), and as
 * it used to, with the RDS master secret and the cache AUTH token; the first may be at most 10% slower.
 * Before them, the migration function's time on the empty database and on a second run.
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import { LambdaEnvironment, SCHEMA_BUNDLE } from '../../support/processor-harness/environment';
import { expectedCache, kinesisEvent, kinesisRecord, transactions } from '../../support/processor-harness/events';
import { Stores } from '../../support/processor-harness/stores';

const RECORDS = Number(process.env.BENCH_RECORDS ?? '20000');
const BATCH = 100;
const CUSTOMERS = 1000;
const REPLAY_EVERY = 10;
const GOAL_RECORDS_PER_SECOND = 1000;
/** The processor's own logins may cost at most this much throughput against the master secret's. */
const MAX_SLOWDOWN = 0.1;

/** A sign-in configuration measured against the other in the same run. */
interface Login {
  readonly label: string;
  readonly env: (stores: Stores) => Record<string, string>;
}

/**
 * The processor's own logins (its PostgreSQL role with only INSERT and SELECT, its Redis user with
 * only its commands), against what it used before: the RDS master secret and the cache AUTH token.
 */
const LOGINS: Login[] = [
  { label: 'master secret + AUTH token', env: stores => stores.processorEnv({ DB_SECRET_ARN: stores.masterSecretArn, CACHE_USER: undefined, CACHE_AUTH_SECRET_ARN: stores.cacheTokenSecretArn }) },
  { label: 'own role + own Redis user', env: stores => stores.processorEnv() },
];
/** Each login is measured this many times, alternating, so that load that comes and goes hits both. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '2');

async function main(): Promise<void> {
  const machine = {
    nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadBefore: os.loadavg().map(l => l.toFixed(2)).join(' '),
  };
  const stores = await Stores.start({ migrate: false });
  try {
    const migration = await migrationTimes(stores);
    const runs: Array<{ login: Login; result: RunResult }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const login of LOGINS) {
        await stores.query('TRUNCATE transactions');
        await stores.redis.admin(r => r.flushall());
        runs.push({ login, result: await run(stores, login.env(stores)) });
      }
    }
    const loadAfter = os.loadavg().map(l => l.toFixed(2)).join(' ');

    const byLogin = LOGINS.map(login => {
      const results = runs.filter(r => r.login === login).map(r => r.result);
      return { login, results, recordsPerSecond: results.reduce((a, r) => a + r.recordsPerSecond, 0) / results.length };
    });
    const ratio = byLogin[1].recordsPerSecond / byLogin[0].recordsPerSecond;
    const met = byLogin.every(b => b.results.every(r => r.recordsPerSecond >= GOAL_RECORDS_PER_SECOND && r.intact)) && ratio >= 1 - MAX_SLOWDOWN;

    const rows: Array<[string, ...string[]]> = [
      ['machine', `${machine.nproc} cores (nproc), ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}`],
      ['load average (1/5/15 min) before / after', `${machine.loadBefore} / ${loadAfter}`],
      ['records per run (batches of 100, customers)', `${RECORDS} (${RECORDS / BATCH} batches, ${CUSTOMERS} customers), every ${REPLAY_EVERY}th batch delivered twice; ${ROUNDS} runs per login, alternating`],
      ['migration function on the empty database', migration[0]],
      ['migration function, second run', migration[1]],
    ];
    for (const { login, results, recordsPerSecond } of byLogin) {
      rows.push(
        [`${login.label}: records per second, each run (mean)`, `${results.map(r => r.recordsPerSecond.toFixed(0)).join(', ')} (${recordsPerSecond.toFixed(0)})`],
        [`${login.label}: batch latency p50 / p99 / max`, results.map(r => r.latency).join('; ')],
        [`${login.label}: PostgreSQL / Redis p50`, results.map(r => r.storesP50).join('; ')],
        [`${login.label}: PostgreSQL p50, last quarter of batches / first quarter`, results.map(r => r.growth).join('; ')],
        [`${login.label}: init / first invocation`, results.map(r => r.init).join('; ')],
        [`${login.label}: lost / duplicated (PostgreSQL; Redis), wrong newest`, results.map(r => r.check).join('; ')],
      );
    }
    rows.push(
      ['own logins / master secret, records per second', ratio.toFixed(3)],
      [`goal (>= ${GOAL_RECORDS_PER_SECOND} records/s, 0 lost, 0 duplicated, own logins at most ${MAX_SLOWDOWN * 100}% slower)`, met ? 'met' : 'MISSED'],
    );
    console.log('\n| Measure | Value |\n| --- | --- |');
    for (const [k, ...v] of rows) console.log(`| ${k} | ${v.join(' | ')} |`);
    if (!met && process.env.BENCH_STRICT === '1') process.exitCode = 1;
  } finally {
    await stores.stop();
  }
}

/**
 * The migration function's time on the empty pipeline database, then on a second run that finds
 * nothing to do, each in a new environment as a deploy's is: the handler's time (reading the master
 * secret, connecting over TLS, the lock, the work) and, for the first, applying the migrations alone
 * (as the function logs it), plus loading the bundle.
 */
async function migrationTimes(stores: Stores) {
  const times = [];
  for (const RequestType of ['Create', 'Update']) {
    const env = await LambdaEnvironment.start(stores.schemaEnv(), { bundle: SCHEMA_BUNDLE, timeoutMs: 300_000 });
    try {
      const outcome = await env.invoke<object, { Data: { Applied: string } }>({
        RequestType, ResourceProperties: stores.schemaProperties(), OldResourceProperties: stores.schemaProperties(),
      });
      if (!outcome.ok) throw new Error(`the migrations failed: ${outcome.error}`);
      const logged = env.logged('schema').at(-1)! as { applied: Array<{ ms: number }> };
      const appliedMs = logged.applied.reduce((a, m) => a + m.ms, 0);
      times.push({ initMs: env.initMs, handlerMs: outcome.ms, appliedMs, applied: outcome.response.Data.Applied });
    } finally {
      await env.stop();
    }
  }
  return times.map(t => `${t.handlerMs.toFixed(0)} ms (applying ${t.applied || 'nothing'}: ${t.appliedMs} ms; loading the bundle ${t.initMs.toFixed(0)} ms)`);
}

interface RunResult {
  readonly recordsPerSecond: number;
  readonly intact: boolean;
  readonly latency: string;
  readonly storesP50: string;
  /** PostgreSQL time p50 of the last quarter of batches over the first: a plan that scans the table grows (3.3x once). */
  readonly growth: string;
  readonly init: string;
  readonly check: string;
}

/** One handler instance, RECORDS records in batches of BATCH, then both stores read back. */
async function run(stores: Stores, environment: Record<string, string>): Promise<RunResult> {
  const env = await LambdaEnvironment.start(environment);
  try {
    // The first invocation connects and reads both secrets: reported on its own.
    const warmUp = await env.invokeOk(kinesisEvent(transactions('warmup', BATCH, 10).map(p => kinesisRecord(p, p.customerId))));
    if (warmUp.batchItemFailures.length > 0) throw new Error('warm-up batch had failures');
    const firstMs = await lastInvocationMs(env);

    const payloads = transactions('bench', RECORDS, CUSTOMERS);
    const batches = [];
    for (let i = 0; i < payloads.length; i += BATCH) {
      batches.push(kinesisEvent(payloads.slice(i, i + BATCH).map(p => kinesisRecord(p, p.customerId))));
    }
    const roundTrips: number[] = [];
    const databaseMs: number[] = [];
    const cacheMs: number[] = [];
    const started = process.hrtime.bigint();
    for (const [i, event] of batches.entries()) {
      for (let delivery = 0; delivery < (i % REPLAY_EVERY === REPLAY_EVERY - 1 ? 2 : 1); delivery++) {
        const sent = process.hrtime.bigint();
        const outcome = await env.invoke(event);
        roundTrips.push(Number(process.hrtime.bigint() - sent) / 1e6);
        if (!outcome.ok) throw new Error(`batch ${i} failed: ${outcome.error}`);
        if (outcome.response.batchItemFailures.length > 0) throw new Error(`batch ${i} reported failures`);
        const logged = env.logged('batch').at(-1)!;
        databaseMs.push(Number(logged.databaseMs));
        cacheMs.push(Number(logged.cacheMs));
      }
    }
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const check = await verify(stores, payloads);
    const quarter = databaseMs.length / 4;
    const growth = Number(pct(databaseMs.slice(3 * quarter), 50)) / Number(pct(databaseMs.slice(0, quarter), 50));
    return {
      growth: growth.toFixed(2),
      recordsPerSecond: RECORDS / wallSeconds,
      intact: [check.lostInDatabase, check.duplicatedInDatabase, check.lostInCache, check.duplicatedInCache, check.wrongNewest].every(n => n === 0),
      latency: `${pct(roundTrips, 50)} / ${pct(roundTrips, 99)} / ${pct(roundTrips, 100)} ms`,
      storesP50: `${pct(databaseMs, 50)} / ${pct(cacheMs, 50)} ms`,
      init: `${env.initMs.toFixed(0)} / ${firstMs.toFixed(0)} ms`,
      check: `${check.lostInDatabase} / ${check.duplicatedInDatabase}; ${check.lostInCache} / ${check.duplicatedInCache}, ${check.wrongNewest}`,
    };
  } finally {
    await env.stop();
  }
}

/** The handler-reported duration of the environment's last invocation ('batch' log line). */
async function lastInvocationMs(env: LambdaEnvironment): Promise<number> {
  return Number(env.logged('batch').at(-1)?.ms ?? NaN);
}

/** Reads both stores back and counts what is missing, doubled, or wrong. */
async function verify(stores: Stores, payloads: ReturnType<typeof transactions>) {
  const ids = payloads.map(p => p.transactionId);
  const [db] = await stores.query<{ lost: string; rows: string; distinct_ids: string }>(`
    SELECT (SELECT count(*) FROM unnest($1::text[]) AS e(id) WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.transaction_id = e.id)) AS lost,
           count(*) AS rows, count(DISTINCT transaction_id) AS distinct_ids
    FROM transactions WHERE transaction_id LIKE 'bench-%'`, [ids]);

  const expected = expectedCache(payloads);
  let lostInCache = 0;
  let duplicatedInCache = 0;
  let wrongNewest = 0;
  const seen = new Set<string>();
  await stores.redis.admin(async redis => {
    const pipeline = redis.pipeline();
    for (const customerId of expected.keys()) {
      pipeline.zrange(`customer:{${customerId}}:transactions`, 0, -1);
      pipeline.hgetall(`customer:{${customerId}}`);
    }
    const replies = (await pipeline.exec())!.map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    [...expected.values()].forEach((customer, i) => {
      const members = replies[2 * i] as string[];
      const hash = replies[2 * i + 1] as Record<string, string>;
      for (const id of members) {
        if (seen.has(id)) duplicatedInCache++;
        seen.add(id);
      }
      lostInCache += customer.transactionIds.filter(id => !members.includes(id)).length;
      if (JSON.stringify(Object.entries(hash).sort()) !== JSON.stringify(Object.entries(customer.last).sort())) wrongNewest++;
    });
  });
  return {
    lostInDatabase: Number(db.lost),
    duplicatedInDatabase: Number(db.rows) - Number(db.distinct_ids),
    lostInCache,
    duplicatedInCache,
    wrongNewest,
  };
}

/** Nearest-rank percentile, in ms with one decimal. */
function pct(values: number[], p: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))].toFixed(1);
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});

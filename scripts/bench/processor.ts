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
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import { LambdaEnvironment } from '../../support/processor-harness/environment';
import { expectedCache, kinesisEvent, kinesisRecord, transactions } from '../../support/processor-harness/events';
import { Stores } from '../../support/processor-harness/stores';

const RECORDS = Number(process.env.BENCH_RECORDS ?? '20000');
const BATCH = 100;
const CUSTOMERS = 1000;
const REPLAY_EVERY = 10;
const GOAL_RECORDS_PER_SECOND = 1000;

async function main(): Promise<void> {
  const machine = {
    nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadBefore: os.loadavg().map(l => l.toFixed(2)).join(' '),
  };
  const stores = await Stores.start();
  let env: LambdaEnvironment | undefined;
  try {
    env = await LambdaEnvironment.start(stores.processorEnv());
    // The first invocation connects, reads both secrets and creates the table: reported on its own.
    const warmUp = await env.invokeOk(kinesisEvent(transactions('warmup', BATCH, 10).map(p => kinesisRecord(p, p.customerId))));
    if (warmUp.batchItemFailures.length > 0) throw new Error('warm-up batch had failures');
    const firstMs = await lastInvocationMs(env);

    const payloads = transactions('bench', RECORDS, CUSTOMERS);
    const batches = [];
    for (let i = 0; i < payloads.length; i += BATCH) {
      batches.push(kinesisEvent(payloads.slice(i, i + BATCH).map(p => kinesisRecord(p, p.customerId))));
    }
    const roundTrips: number[] = [];
    const handlerMs: number[] = [];
    const databaseMs: number[] = [];
    const cacheMs: number[] = [];
    let replays = 0;
    const started = process.hrtime.bigint();
    for (const [i, event] of batches.entries()) {
      for (let delivery = 0; delivery < (i % REPLAY_EVERY === REPLAY_EVERY - 1 ? 2 : 1); delivery++) {
        const sent = process.hrtime.bigint();
        const outcome = await env.invoke(event);
        roundTrips.push(Number(process.hrtime.bigint() - sent) / 1e6);
        if (!outcome.ok) throw new Error(`batch ${i} failed: ${outcome.error}`);
        if (outcome.response.batchItemFailures.length > 0) throw new Error(`batch ${i} reported failures`);
        handlerMs.push(outcome.ms);
        const logged = env.logged('batch').at(-1)!;
        databaseMs.push(Number(logged.databaseMs));
        cacheMs.push(Number(logged.cacheMs));
        if (delivery > 0) replays++;
      }
    }
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const loadAfter = os.loadavg().map(l => l.toFixed(2)).join(' ');

    const check = await verify(stores, payloads);
    const recordsPerSecond = RECORDS / wallSeconds;
    const met = recordsPerSecond >= GOAL_RECORDS_PER_SECOND && check.lostInDatabase === 0 && check.duplicatedInDatabase === 0
      && check.lostInCache === 0 && check.duplicatedInCache === 0 && check.wrongNewest === 0;

    // Does a batch cost more as the table grows? (A plan that scans the table would: 3.3x here once.)
    const quarter = databaseMs.length / 4;
    const growth = Number(pct(databaseMs.slice(3 * quarter), 50)) / Number(pct(databaseMs.slice(0, quarter), 50));
    const rows: Array<[string, string]> = [
      ['machine', `${machine.nproc} cores (nproc), ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}`],
      ['load average (1/5/15 min) before / after', `${machine.loadBefore} / ${loadAfter}`],
      ['records (batches of 100, customers)', `${RECORDS} (${batches.length} batches, ${CUSTOMERS} customers)`],
      ['batches delivered twice (retries)', String(replays)],
      ['wall time', `${wallSeconds.toFixed(2)} s`],
      ['records per second (unique records / wall time)', recordsPerSecond.toFixed(0)],
      ['batch latency p50 / p99 / max (invoke round trip)', `${pct(roundTrips, 50)} / ${pct(roundTrips, 99)} / ${pct(roundTrips, 100)} ms`],
      ['handler time p50 / p99', `${pct(handlerMs, 50)} / ${pct(handlerMs, 99)} ms`],
      ['of which PostgreSQL / Redis, p50', `${pct(databaseMs, 50)} / ${pct(cacheMs, 50)} ms`],
      ['PostgreSQL time p50, last quarter of batches / first quarter', growth.toFixed(2)],
      ['init (loading the bundle) / first invocation', `${env.initMs.toFixed(0)} ms / ${firstMs.toFixed(0)} ms`],
      ['lost / duplicated in PostgreSQL', `${check.lostInDatabase} / ${check.duplicatedInDatabase}`],
      ['lost / duplicated in Redis, customers with a wrong newest', `${check.lostInCache} / ${check.duplicatedInCache}, ${check.wrongNewest}`],
      ['goal (>= 1000 records/s, 0 lost, 0 duplicated)', met ? 'met' : 'MISSED'],
    ];
    console.log('\n| Measure | Value |\n| --- | --- |');
    for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
    if (!met && process.env.BENCH_STRICT === '1') process.exitCode = 1;
  } finally {
    await env?.stop();
    await stores.stop();
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

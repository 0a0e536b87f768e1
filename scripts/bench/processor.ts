/**
 * Transaction processor benchmark (`npx projen bench:processor`). Not a test: it prints figures and
 * checks them against the goals of docs/processor.md, and exits non-zero only if BENCH_STRICT=1 and a
 * goal is missed.
 *
 * Against PostgreSQL 17 and Redis with TLS, started as in the tests (support/processor-harness), in one run:
 * - the handler as built (assets/handlers/transaction-processor/index.js), signed in with its own logins:
 *   its PostgreSQL role, which may only INSERT and SELECT, and its Redis user, which may run only its
 *   commands on its keys;
 * - the same handler signed in as it used to be, with the RDS master secret and the cache AUTH token
 *   (`master secret`): its own logins may cost at most 10% of the throughput;
 * - the baseline: an earlier build of the handler, to compare with (BENCH_BASELINE_BUNDLE, default
 *   cdk.out/bench/baseline-processor/index.js; left out when absent), on a table of its own, with the
 *   master secret and the AUTH token (a build from before the migrations creates its table itself);
 * - the floor: the same statements with the same drivers and no handler (processor-floor.ts), delivered
 *   an event of the same size that it does not decode.
 * Each runs in its own execution environment (one Node process, frozen between invocations as Lambda
 * does), on its own table and customers: BENCH_RECORDS records (default 20,000) for 1,000 customers,
 * batches of 100, every 10th delivered twice as after a failed invocation. The three take turns, ten
 * batches at a time, so that each sees the same machine. Afterwards every store is read back: every
 * record in PostgreSQL exactly once and in its customer's cache entry, the newest the right one.
 *
 * Then, unless BENCH_TRACE=0, V8's optimizing compiler is traced (--trace-opt --trace-deopt) in the
 * handler and the baseline, 300 batches each: compilations aborted ("dependency change") and
 * deoptimizations per 100 batches after the first 100. And the per-batch cost of the cache's
 * convergence (docs/processor.md, "The cache after a failover"): the customer scripts of a batch alone,
 * with the marker that the repair reads (what the handler does), and with WAIT for a replica (the
 * prevention it does not use), on a primary with a replica 0 ms and 10 ms behind.
 *
 * BENCH_CPU_PROFILE=<folder> writes a V8 CPU profile of each contestant's process there
 * (`<folder>/<contestant>/*.cpuprofile`, for Chrome DevTools or `node --cpu-prof` tooling).
 *
 * Before all that, the migration function's time (handlers/schema-migrations) on the empty database
 * and on a second run, each in a new environment as a deploy's is.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';
import Redis from 'ioredis';
import type { FloorBatch } from './processor-floor';
import { subjectHash } from '../../handlers/common/subject';
import { MARK_APPLIED, UPDATE_CUSTOMER, updateKeys } from '../../handlers/transaction-processor/cache';
import { MARKER_INTERVAL_MS } from '../../handlers/transaction-processor/convergence';
import { PROCESSOR_USER } from '../../src/private/cache-access';
import { BUNDLE, LambdaEnvironment, SCHEMA_BUNDLE } from '../../support/processor-harness/environment';
import { expectedCache, kinesisEvent, kinesisRecord, storedAmount, transactions, SHARD_ID, type TransactionPayload } from '../../support/processor-harness/events';
import { ReplicatedRedis } from '../../support/processor-harness/failover';
import { APP_DATABASE, APP_USER, MASTER_USER, Stores } from '../../support/processor-harness/stores';

const ROOT = path.resolve(__dirname, '..', '..');
const RECORDS = Number(process.env.BENCH_RECORDS ?? '20000');
const BATCH = 100;
const CUSTOMERS = 1000;
const REPLAY_EVERY = 10;
const TURN = 10;
const GOAL_RECORDS_PER_SECOND = 1000;
const GOAL_FLOOR_RATIO = 0.85;
const GOAL_BASELINE_RATIO = 0.9;
/** The processor's own logins may cost at most 10% of the throughput of the master secret's. */
const GOAL_MASTER_SECRET_RATIO = 0.9;
const BASELINE = process.env.BENCH_BASELINE_BUNDLE ?? path.join(ROOT, 'cdk.out', 'bench', 'baseline-processor', 'index.js');
const OUT = path.join(ROOT, 'cdk.out', 'bench', 'processor');

interface Contestant {
  readonly name: string;
  readonly env: LambdaEnvironment;
  readonly table: string;
  readonly payloads: TransactionPayload[];
  /** What to send for batch i. */
  readonly event: (i: number) => unknown;
  readonly roundTrips: number[];
  readonly inProcess: number[];
  replays: number;
  cpuMs: number;
}

async function main(): Promise<void> {
  const machine = `${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores (nproc), ${os.cpus()[0]?.model ?? 'cpu'}, `
    + `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const loadBefore = load();
  mkdirSync(OUT, { recursive: true });
  const floorBundle = path.join(OUT, 'floor', 'index.js');
  // The floor's drivers are node_modules' own: left out of its bundle.
  buildSync({
    entryPoints: [path.join(__dirname, 'processor-floor.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: floorBundle,
    external: ['pg', 'ioredis', 'pg-native'],
    logLevel: 'warning',
  });

  const stores = await Stores.start({ migrate: false });
  const envs: LambdaEnvironment[] = [];
  try {
    const migration = await migrationTimes(stores);
    // The migrations made public.transactions; the other contestants' tables are copies of it, made as
    // the master user and granted to the processor's role as the migration grants its table. LIKE copies
    // no trigger: each copy gets the table's triggers (the fence, migration 0003), so that every
    // contestant's insert does the work the deployed table's does; all but the baseline's, a build from
    // before the fence that sends no keyed hash (the fence would refuse it). The fence's function deletes
    // from public.transactions; with no tombstone in the benchmark it deletes nothing, at the same cost.
    const triggers = (await stores.query<{ def: string }>(
      "SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = 'public.transactions'::regclass AND NOT tgisinternal")).map(t => t.def);
    if (triggers.length === 0) throw new Error('public.transactions has no trigger: where is the fence?');
    for (const table of ['transactions_master', 'transactions_baseline', 'transactions_floor', 'trace_handler', 'trace_baseline']) {
      const fence = table.endsWith('baseline') ? [] : triggers.map(def => def.replace(' ON public.transactions ', ` ON ${table} `));
      await asMaster(stores, [`CREATE TABLE ${table} (LIKE public.transactions INCLUDING ALL)`, `GRANT SELECT, INSERT ON ${table} TO ${APP_USER}`, ...fence].join('; '));
    }
    // As the handler signed in before the migrations: the master user and the cache's AUTH token.
    const masterLogins = { DB_SECRET_ARN: stores.masterSecretArn, CACHE_USER: undefined, CACHE_AUTH_SECRET_ARN: stores.cacheTokenSecretArn };
    const batchesOf = (payloads: TransactionPayload[]) => {
      const batches: TransactionPayload[][] = [];
      for (let i = 0; i < payloads.length; i += BATCH) batches.push(payloads.slice(i, i + BATCH));
      return batches;
    };
    const profiles = process.env.BENCH_CPU_PROFILE;
    const start = async (bundle: string, overrides: Record<string, string | undefined>, name: string) => {
      const execArgv = profiles ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profiles, name.replace(/ /g, '-'))}`] : [];
      const env = await LambdaEnvironment.start(stores.processorEnv(overrides), { bundle, timeoutMs: 60_000, execArgv });
      envs.push(env);
      return env;
    };
    const warm = async (env: LambdaEnvironment, tag: string) => {
      const outcome = await env.invoke(kinesisEvent(transactions(tag, BATCH, 10).map(p => kinesisRecord(p, p.customerId))));
      if (!outcome.ok) throw new Error(`warm-up failed: ${outcome.error}`);
    };
    const contestants: Contestant[] = [];
    const handlerPayloads = transactions('bench', RECORDS, CUSTOMERS);
    const handlerBatches = batchesOf(handlerPayloads).map(b => kinesisEvent(b.map(p => kinesisRecord(p, p.customerId))));
    const handler = await start(BUNDLE, { TRANSACTIONS_TABLE: 'transactions' }, 'handler');
    await warm(handler, 'warmup');
    contestants.push(contestant('handler', handler, 'transactions', handlerPayloads, i => handlerBatches[i]));
    {
      const payloads = transactions('master', RECORDS, CUSTOMERS);
      const events = batchesOf(payloads).map(b => kinesisEvent(b.map(p => kinesisRecord(p, p.customerId))));
      const env = await start(BUNDLE, { TRANSACTIONS_TABLE: 'transactions_master', ...masterLogins }, 'master secret');
      await warm(env, 'masterwarm');
      contestants.push(contestant('master secret', env, 'transactions_master', payloads, i => events[i]));
    }
    if (existsSync(BASELINE)) {
      const payloads = transactions('base', RECORDS, CUSTOMERS);
      const events = batchesOf(payloads).map(b => kinesisEvent(b.map(p => kinesisRecord(p, p.customerId))));
      const env = await start(BASELINE, { TRANSACTIONS_TABLE: 'transactions_baseline', ...masterLogins }, 'baseline');
      await warm(env, 'basewarm');
      contestants.push(contestant('baseline', env, 'transactions_baseline', payloads, i => events[i]));
    }
    const floorPayloads = transactions('floor', RECORDS, CUSTOMERS);
    const floorData = path.join(OUT, 'floor-batches.json');
    // The measured batches, then one to warm up with.
    const floorBatches = batchesOf(floorPayloads).map(b => floorBatch(b, stores.subjectKey));
    writeFileSync(floorData, JSON.stringify([...floorBatches, floorBatch(transactions('floorwarm2', BATCH, 10), stores.subjectKey)]));
    const floor = await start(floorBundle, {
      TRANSACTIONS_TABLE: 'transactions_floor',
      FLOOR_DATA: floorData,
      FLOOR_DB_USER: APP_USER,
      FLOOR_DB_PASSWORD: stores.appPassword,
      FLOOR_REDIS_USER: PROCESSOR_USER.userName,
      FLOOR_REDIS_TOKEN: stores.redis.processorPassword,
    }, 'floor');
    await floor.call('handler', { batch: floorBatches.length });
    // The floor is delivered an event of the same size as the handler's (its own batch as Kinesis records:
    // delivery costs both the same), and does not decode it: it runs batch `batch` of its prepared data.
    const floorEvents = batchesOf(floorPayloads).map((b, i) => ({ ...kinesisEvent(b.map(p => kinesisRecord(p, p.customerId))), batch: i }));
    contestants.push(contestant('floor', floor, 'transactions_floor', floorPayloads, i => floorEvents[i]));

    // Turns of ten batches each, every 10th delivered twice.
    const batches = Math.ceil(RECORDS / BATCH);
    const cpuBefore = contestants.map(c => c.env.cpuMs());
    for (let from = 0; from < batches; from += TURN) {
      for (const c of contestants) {
        for (let i = from; i < Math.min(from + TURN, batches); i++) {
          for (let delivery = 0; delivery < (i % REPLAY_EVERY === REPLAY_EVERY - 1 ? 2 : 1); delivery++) {
            const sent = process.hrtime.bigint();
            const outcome = await c.env.call('handler', c.event(i));
            c.roundTrips.push(Number(process.hrtime.bigint() - sent) / 1e6);
            if (!outcome.ok) throw new Error(`${c.name} batch ${i} failed: ${outcome.error}`);
            c.inProcess.push(outcome.ms);
            if (delivery > 0) c.replays++;
          }
        }
      }
    }
    const loadAfter = load();
    contestants.forEach((c, i) => { c.cpuMs = c.env.cpuMs() - cpuBefore[i]; });
    // The baseline, a build from before the keyed hash, names its customers' keys by their id.
    const checks = await Promise.all(contestants.map(c => verify(stores, c.payloads, c.table, c.name !== 'baseline')));

    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const rate = (c: Contestant) => RECORDS / (sum(c.roundTrips) / 1000);
    const inProcessRate = (c: Contestant) => RECORDS / (sum(c.inProcess) / 1000);
    const byName = (name: string) => contestants.find(c => c.name === name);
    const [h, m, b, f] = [byName('handler')!, byName('master secret')!, byName('baseline'), byName('floor')!];
    console.log(`\nMachine: ${machine}; load average before / after: ${loadBefore} / ${loadAfter}`);
    console.log(`The migration function on the empty database: ${migration[0]}; a second run: ${migration[1]}`);
    console.log(`${RECORDS} records per contestant (batches of ${BATCH}, ${CUSTOMERS} customers, every ${REPLAY_EVERY}th batch twice), taking turns of ${TURN} batches\n`);
    console.log(`| Measure | ${contestants.map(c => c.name).join(' | ')} |`);
    console.log(`| --- |${contestants.map(() => ' --- |').join('')}`);
    const row = (label: string, value: (c: Contestant) => string) => console.log(`| ${label} | ${contestants.map(value).join(' | ')} |`);
    row('records per second (records / sum of invoke round trips)', c => rate(c).toFixed(0));
    row('records per second (records / time inside the process)', c => inProcessRate(c).toFixed(0));
    row('batch round trip p50 / p99 (ms)', c => `${pct(c.roundTrips, 50)} / ${pct(c.roundTrips, 99)}`);
    row('CPU per batch, every thread of the process (ms)', c => (c.cpuMs / c.roundTrips.length).toFixed(2));
    row('init (loading the bundle, ms)', c => c.env.initMs.toFixed(0));
    // Does a batch cost more as the table grows? (A plan that scans the table would: 3.3x once.)
    row('PostgreSQL time p50, last quarter of batches / first quarter', (c) => {
      const db = c.env.logged('batch').slice(1).map(l => Number(l.databaseMs)).filter(n => Number.isFinite(n));
      if (db.length < 8) return '-';
      const q = Math.floor(db.length / 4);
      return (Number(pct(db.slice(3 * q), 50)) / Number(pct(db.slice(0, q), 50))).toFixed(2);
    });
    row('lost / duplicated in PostgreSQL', (c) => { const k = checks[contestants.indexOf(c)]; return `${k.lostInDatabase} / ${k.duplicatedInDatabase}`; });
    row('lost / duplicated in Redis, wrong newest', (c) => { const k = checks[contestants.indexOf(c)]; return `${k.lostInCache} / ${k.duplicatedInCache}, ${k.wrongNewest}`; });
    const floorRatio = rate(h) / rate(f);
    const floorRatioInProcess = inProcessRate(h) / inProcessRate(f);
    console.log(`\nhandler / floor: ${floorRatio.toFixed(2)} (round trips), ${floorRatioInProcess.toFixed(2)} (inside the process)`);
    const masterRatio = rate(h) / rate(m);
    console.log(`handler (own logins) / master secret: ${masterRatio.toFixed(2)} (round trips), ${(inProcessRate(h) / inProcessRate(m)).toFixed(2)} (inside the process)`);
    const baselineRatio = b ? rate(h) / rate(b) : undefined;
    if (b) console.log(`handler / baseline: ${baselineRatio!.toFixed(2)} (round trips), ${(inProcessRate(h) / inProcessRate(b)).toFixed(2)} (inside the process)`);

    const exact = checks.every(k => k.lostInDatabase + k.duplicatedInDatabase + k.lostInCache + k.duplicatedInCache + k.wrongNewest === 0);
    const goals: Array<[string, boolean]> = [
      [`at least ${GOAL_RECORDS_PER_SECOND} records/s`, rate(h) >= GOAL_RECORDS_PER_SECOND],
      ['0 lost, 0 duplicated, newest right (every contestant)', exact],
      [`handler at least ${GOAL_FLOOR_RATIO} of the floor`, floorRatio >= GOAL_FLOOR_RATIO],
      [`handler with its own logins at least ${GOAL_MASTER_SECRET_RATIO} of the master secret's`, masterRatio >= GOAL_MASTER_SECRET_RATIO],
      ...(b ? [[`handler at least ${GOAL_BASELINE_RATIO} of the baseline`, baselineRatio! >= GOAL_BASELINE_RATIO] as [string, boolean]] : []),
    ];
    for (const [goal, met] of goals) console.log(`${met ? 'met   ' : 'MISSED'} ${goal}`);
    for (const env of envs.splice(0)) await (profiles ? env.exit() : env.stop());
    if (profiles) console.log(`\nCPU profiles: ${path.resolve(profiles)}/<contestant>/`);

    if (process.env.BENCH_TRACE !== '0') {
      console.log('\nV8\'s optimizing compiler, traced (per 100 batches, after the first 100):');
      for (const [name, bundle] of [['handler', BUNDLE], ...(existsSync(BASELINE) ? [['baseline', BASELINE]] : [])]) {
        const counts = await traced(stores, name, bundle);
        console.log(`  ${name}: ${counts.aborted.toFixed(1)} compilations aborted ("dependency change"), ${counts.deopts.toFixed(1)} deoptimizations; `
          + `most aborted: ${counts.top || 'none'}`);
      }
    }
    await convergenceCost(stores);
    if (goals.some(([, met]) => !met) && process.env.BENCH_STRICT === '1') process.exitCode = 1;
  } finally {
    await Promise.allSettled(envs.map(e => e.stop()));
    await stores.stop();
  }

  function contestant(name: string, env: LambdaEnvironment, table: string, payloads: TransactionPayload[],
    event: (i: number) => unknown): Contestant {
    return { name, env, table, payloads, event, roundTrips: [], inProcess: [], replays: 0, cpuMs: 0 };
  }
}

/** Runs `sql` as the master user (RDS's, no superuser), in the pipeline's database. */
async function asMaster(stores: Stores, sql: string): Promise<void> {
  const client = await stores.connectAs(MASTER_USER, stores.masterPassword, APP_DATABASE);
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The migration function's time on the empty pipeline database, then on a second run that finds
 * nothing to do, each in a new environment as a deploy's is: the handler's time (reading the master
 * secret, connecting over TLS, the lock, the work) and, for the first, applying the migrations alone
 * (as the function logs it), plus loading the bundle.
 */
async function migrationTimes(stores: Stores): Promise<string[]> {
  const times = [];
  for (const RequestType of ['Create', 'Update']) {
    const env = await LambdaEnvironment.start(stores.schemaEnv(), { bundle: SCHEMA_BUNDLE, timeoutMs: 300_000 });
    try {
      const outcome = await env.call<{ Data: { Applied: string } }>('handler', {
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

/** A floor batch: the columns of the insert, computed before the clock starts. */
function floorBatch(batch: TransactionPayload[], subjectKey: string): FloorBatch {
  let sequence = 49_650_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;
  return {
    ids: batch.map(p => p.transactionId),
    customers: batch.map(p => p.customerId),
    hashes: batch.map(p => subjectHash(subjectKey, p.customerId)),
    amounts: batch.map(p => String(p.amount)),
    currencies: batch.map(p => p.currency),
    timestamps: batch.map(p => p.timestamp),
    shards: batch.map(() => SHARD_ID),
    sequences: batch.map(() => String(sequence++)),
  };
}

/** Compilations aborted and deoptimizations per 100 batches, after 100 batches of warm-up. */
async function traced(stores: Stores, name: string, bundle: string): Promise<{ aborted: number; deopts: number; top: string }> {
  const logins = name === 'baseline' ? { DB_SECRET_ARN: stores.masterSecretArn, CACHE_USER: undefined, CACHE_AUTH_SECRET_ARN: stores.cacheTokenSecretArn } : {};
  const env = await LambdaEnvironment.start(stores.processorEnv({ TRANSACTIONS_TABLE: `trace_${name}`, ...logins }),
    { bundle, timeoutMs: 60_000, execArgv: ['--trace-opt', '--trace-deopt'] });
  try {
    const payloads = transactions(`trace${name}`, 300 * BATCH, CUSTOMERS);
    let mark = 0;
    for (let i = 0; i < 300; i++) {
      if (i === 100) mark = env.logs.length;
      const outcome = await env.invoke(kinesisEvent(payloads.slice(i * BATCH, (i + 1) * BATCH).map(p => kinesisRecord(p, p.customerId))));
      if (!outcome.ok) throw new Error(`${name} traced batch ${i} failed: ${outcome.error}`);
    }
    const lines = env.logs.slice(mark);
    const aborted = lines.filter(l => l.includes('aborted optimizing') && l.includes('dependency change'));
    const byFunction = new Map<string, number>();
    for (const l of aborted) {
      const fn = /<JSFunction ([^ >]*)/.exec(l)?.[1] || '(anonymous)';
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + 1);
    }
    const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([fn, n]) => `${fn} ${n}`).join(', ');
    return { aborted: aborted.length / 2, deopts: lines.filter(l => l.startsWith('[bailout')).length / 2, top };
  } finally {
    await env.stop();
  }
}

/** Per-batch cost of the cache's convergence: 100 customer scripts alone, then with the marker, then with WAIT 1. */
async function convergenceCost(stores: Stores): Promise<void> {
  console.log('\nThe cache\'s convergence, per batch of 100 customer updates (mean / p99 ms, 300 batches each, taking turns):');
  for (const lagMs of [0, 10]) {
    const group = await ReplicatedRedis.start(stores.dir, stores.redisAuthority, lagMs);
    // To the primary itself: only the replication stream goes through a relay (the one that lags).
    const redis = new Redis(group.primaryPort, '127.0.0.1', {
      password: group.token, tls: { ca: readFileSync(stores.redisAuthority.caFile, 'utf8') }, enableAutoPipelining: true,
    });
    try {
      const update = await redis.script('LOAD', UPDATE_CUSTOMER) as string;
      const mark = await redis.script('LOAD', MARK_APPLIED) as string;
      const payloads = transactions(`conv${lagMs}`, 300 * BATCH, CUSTOMERS);
      const variants: Record<string, number[]> = {
        'scripts only': [], 'with the marker every batch': [], 'with the marker once a second (repair: what the handler does)': [], 'with WAIT 1 100 (prevention)': [],
      };
      let markedAt = 0;
      for (let i = 0; i < 300; i++) {
        for (const [v, [variant, times]] of Object.entries(variants).entries()) {
          const batch = payloads.slice(i * BATCH, (i + 1) * BATCH);
          const started = process.hrtime.bigint();
          // Each variant its own customers.
          await Promise.all(batch.map(p => redis.evalsha(update, 3, ...updateKeys(subjectHash(stores.subjectKey, `${v}-${p.customerId}`)),
            3600, 3_600_000, p.transactionId, Date.parse(p.timestamp), storedAmount(p.amount), p.currency, p.timestamp)));
          if (variant === 'with the marker every batch') await redis.evalsha(mark, 1, 'lgpd:cache:applied', Date.now());
          if (variant.startsWith('with the marker once a second') && Date.now() - markedAt >= MARKER_INTERVAL_MS) {
            markedAt = Date.now();
            await redis.evalsha(mark, 1, 'lgpd:cache:applied', markedAt);
          }
          if (variant.startsWith('with WAIT')) await redis.call('WAIT', 1, 100);
          times.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }
      for (const [variant, times] of Object.entries(variants)) {
        console.log(`  replica ${lagMs} ms behind, ${variant}: ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(2)} / ${pct(times, 99)}`);
      }
    } finally {
      redis.disconnect();
      await group.stop();
    }
  }
}

/** Reads a table and the cache back and counts what is missing, doubled, or wrong. */
async function verify(stores: Stores, payloads: TransactionPayload[], table: string, keyed: boolean) {
  const ids = payloads.map(p => p.transactionId);
  const [db] = await stores.query<{ lost: string; rows: string; distinct_ids: string }>(`
    SELECT (SELECT count(*) FROM unnest($1::text[]) AS e(id) WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.transaction_id = e.id)) AS lost,
           count(*) AS rows, count(DISTINCT transaction_id) AS distinct_ids
    FROM ${table} WHERE transaction_id = ANY($1::text[])`, [ids]);
  const expected = expectedCache(payloads);
  let lostInCache = 0;
  let duplicatedInCache = 0;
  let wrongNewest = 0;
  const seen = new Set<string>();
  await stores.redis.admin(async redis => {
    const pipeline = redis.pipeline();
    for (const customerId of expected.keys()) {
      const keys = keyed ? stores.keysOf(customerId) : { hash: `customer:{${customerId}}`, transactions: `customer:{${customerId}}:transactions` };
      pipeline.zrange(keys.transactions, 0, -1);
      pipeline.hgetall(keys.hash);
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

function load(): string {
  return os.loadavg().map(l => l.toFixed(2)).join(' ');
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

/**
 * Data-subject rights benchmark (`npx projen bench:rights`). Not a test: it prints figures and checks
 * them against the goals of docs/data-subject-rights.md (an access export and an erasure of a subject
 * with 100,000 transactions, each in at most 2 s), and exits non-zero only if BENCH_STRICT=1 and a goal is
 * missed.
 *
 * The stores of the real-store tests (PostgreSQL 17 with migration 0002, Redis with TLS, moto's S3 and
 * Secrets Manager), the worker as bundled in its own process with the environment the construct
 * synthesizes. For each of BENCH_RUNS runs (default 3): BENCH_SUBJECT_TRANSACTIONS rows (default 100,000)
 * for one subject among as many rows of 1,000 others, its cache state; then the ACCESS export step, and
 * the ERASE steps (fence, erase, sweep with its verification) timed as the worker runs them. The wait
 * between erase and sweep (the consumers' longest invocation) is the workflow's, not work: left out.
 */
import { execFileSync } from 'child_process';
import { randomUUID } from 'crypto';
import * as os from 'os';
import { RightsRig } from '../../support/rights-harness/rig';
import { RightsStores } from '../../support/rights-harness/rights-stores';

const ROWS = Number(process.env.BENCH_SUBJECT_TRANSACTIONS ?? '100000');
const RUNS = Number(process.env.BENCH_RUNS ?? '3');
const GOAL_MS = 2000;

async function seed(stores: RightsStores, customerId: string, rows: number, tag: string): Promise<void> {
  await stores.asOwner(c => c.query(`INSERT INTO transactions (transaction_id, customer_id, customer_hash, amount, currency, occurred_at, shard_id, sequence_number)
    SELECT $1 || '-' || i, $2, $3, (i % 5000) + 0.25, 'BRL', timestamptz '2026-01-01T00:00:00Z' + make_interval(secs => i), 'shardId-000000000000', (10000000 + i)::text
    FROM generate_series(1, $4) AS i`, [tag, customerId, stores.hash(customerId), rows]));
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const machine = { nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()), cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version };
  const stores = await RightsStores.start();
  const rig = await RightsRig.start(stores);
  const results: Array<{ access: number; fence: number; erase: number; sweep: number; bytes: number }> = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      await stores.reset();
      const subject = `bench-subject-${run}`;
      await seed(stores, subject, ROWS, `s${run}`);
      for (let other = 0; other < 1000; other += 1) await seed(stores, `bench-other-${other}`, Math.floor(ROWS / 1000), `o${run}-${other}`);
      await stores.query('ANALYZE transactions');
      const h = stores.hash(subject);
      await stores.stores.redis.admin(async r => {
        await r.hset(`customer:{${h}}`, 'lastTransactionId', `s${run}-${ROWS}`, 'lastAmount', '1.00', 'lastCurrency', 'BRL', 'lastTimestamp', '2026-01-02T00:00:00.000000Z');
        await r.zadd(`customer:{${h}}:transactions`, ...Array.from({ length: 1000 }, (_, i) => [String(1767225600000 + i), `s${run}-${i}`]).flat());
      });
      const access = `access-${randomUUID()}`;
      const erase = `erase-${randomUUID()}`;
      await stores.asRights(async c => {
        for (const [id, type] of [[access, 'ACCESS'], [erase, 'ERASE']]) {
          await c.query("INSERT INTO lgpd_rights_requests (request_id, type, subject_hash, due_at, status) VALUES ($1, $2, $3, now() + interval '15 days', 'RECEIVED')", [id, type, h]);
        }
      });
      const accessMs = await timed(() => rig.worker.invokeOk({ requestId: access, step: 'export' }));
      const bytes = (await stores.query<{ bytes: string }>("SELECT answer->'export'->>'bytes' AS bytes FROM lgpd_rights_requests WHERE request_id = $1", [access]))[0].bytes;
      const fenceMs = await timed(() => rig.worker.invokeOk({ requestId: erase, step: 'fence' }));
      const eraseMs = await timed(() => rig.worker.invokeOk({ requestId: erase, step: 'erase' }));
      const sweepMs = await timed(() => rig.worker.invokeOk({ requestId: erase, step: 'sweep' }));
      const left = (await stores.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions WHERE customer_hash = $1', [h]))[0].n;
      if (left !== 0) throw new Error(`${left} rows of the subject left after the erasure`);
      results.push({ access: accessMs, fence: fenceMs, erase: eraseMs, sweep: sweepMs, bytes: Number(bytes) });
      console.log(`run ${run + 1}: access ${accessMs.toFixed(0)} ms (${(Number(bytes) / 2 ** 20).toFixed(1)} MiB), erasure ${(fenceMs + eraseMs + sweepMs).toFixed(0)} ms `
        + `(fence ${fenceMs.toFixed(0)}, erase ${eraseMs.toFixed(0)}, sweep and verify ${sweepMs.toFixed(0)})`);
    }
  } finally {
    await rig.stop();
    await stores.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const accessMs = median(results.map(r => r.access));
  const erasureMs = median(results.map(r => r.fence + r.erase + r.sweep));
  const met = accessMs <= GOAL_MS && erasureMs <= GOAL_MS;
  console.log(`\nMachine: ${machine.nproc} cores, ${machine.cpu}, Node ${machine.node}, load average ${os.loadavg().map(l => l.toFixed(2)).join(' ')}`);
  console.log(`\n| Measure (median of ${results.length}, ${ROWS.toLocaleString('en')} transactions of the subject) | Value |\n| --- | --- |`);
  console.log(`| access export (export step: read both stores, write the JSON to S3, answer, audit) | ${accessMs.toFixed(0)} ms |`);
  console.log(`| erasure (fence + erase + sweep and verify, without the workflow's wait) | ${erasureMs.toFixed(0)} ms |`);
  for (const step of ['fence', 'erase', 'sweep'] as const) console.log(`| of which ${step} | ${median(results.map(r => r[step])).toFixed(0)} ms |`);
  console.log(`| goal: each at most ${GOAL_MS} ms | ${met ? 'met' : 'MISSED'} |`);
  if (!met && process.env.BENCH_STRICT === '1') process.exitCode = 1;
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});

/**
 * The fence, end to end: the reference processor as built, with the environment the construct
 * synthesizes (the subject key included), and the rights functions and workflow, against the real stores
 * of data-subject-rights.rights.ts (what those cannot prove is said there). Erase a subject, then replay
 * its records; run the processor and the erasure at once, 100 times; and search the stores' own dumps,
 * the captured logs and the workflow's inputs and outputs for the customer id afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import { kinesisEvent, kinesisRecord, type TransactionPayload } from '../../support/processor-harness/events';
import { APP_DATABASE, POSTGRES_PORT, REDIS_PORT } from '../../support/processor-harness/stores';
import { FunctionProcess } from '../../support/rights-harness/function-process';
import { RightsRig } from '../../support/rights-harness/rig';
import { EXPORT_BUCKET, RightsStores } from '../../support/rights-harness/rights-stores';
import { rightsForEachTest } from '../../support/rights-harness/suite';

/** Keep in step with scripts/install/rights.sh. */
const PG_DUMP = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdk-lgpd-data-pipeline', 'pg-client', 'bin', 'pg_dump');

let stores: RightsStores;
let rig: RightsRig;
let processor: FunctionProcess;

rightsForEachTest(async (s, r) => {
  stores = s;
  rig = r;
  processor = await startProcessor();
});

/** The reference processor as built, signing in as its own role and Redis user (the processor harness's environment). */
async function startProcessor(): Promise<FunctionProcess> {
  const fn = await FunctionProcess.start('transaction-processor', stores.stores.processorEnv());
  rig.processes.push(fn);
  return fn;
}

/** `count` transactions of `customerId`, ids free of the customer id (so a match in a dump is the id itself). */
function payloads(customerId: string, tag: string, count: number): TransactionPayload[] {
  return Array.from({ length: count }, (_, i) => ({
    transactionId: `${tag}-${i}`,
    customerId,
    amount: `${10 + i}.00`,
    currency: 'BRL',
    timestamp: new Date(Date.UTC(2026, 2, 1, 12, 0, i)).toISOString(),
  }));
}

function batch(list: readonly TransactionPayload[]): KinesisStreamEvent {
  return kinesisEvent(list.map(p => kinesisRecord(p, p.customerId)));
}

async function rowsOf(customerId: string): Promise<number> {
  return (await stores.query<{ n: number }>('SELECT count(*)::int AS n FROM transactions WHERE customer_id = $1', [customerId]))[0].n;
}

async function stateKeysOf(customerId: string): Promise<string[]> {
  return (await stores.stores.redis.admin(r => r.keys(`customer:{${stores.hash(customerId)}}*`))).sort();
}

async function cacheOf(customerId: string): Promise<unknown> {
  const h = stores.hash(customerId);
  return stores.stores.redis.admin(async r => [await r.hgetall(`customer:{${h}}`), await r.zrange(`customer:{${h}}:transactions`, 0, -1)]);
}

/** The processor's drop count, from its embedded-metric-format lines. */
function dropped(fn: FunctionProcess): number {
  return fn.logs.flatMap(line => {
    try {
      const value = (JSON.parse(line) as Record<string, unknown>).ErasedRecordsDropped;
      return typeof value === 'number' ? [value] : [];
    } catch {
      return [];
    }
  }).reduce((a, b) => a + b, 0);
}

/** An ERASE request as the request function records it, for tests that run the workflow's steps by hand. */
async function recordErasure(customerId: string): Promise<string> {
  const requestId = `erase-${randomUUID()}`;
  await stores.asRights(c => c.query(`INSERT INTO lgpd_rights_requests (request_id, type, subject_hash, due_at, status)
    VALUES ($1, 'ERASE', $2, now() + interval '15 days', 'RECEIVED')`, [requestId, stores.hash(customerId)]));
  return requestId;
}

test('erase A, then replay the same batches: nothing of A comes back, B is untouched, and the drop metric counts A\'s records', async () => {
  const a = payloads('cust-a', 'ta', 12);
  const b = payloads('cust-b', 'tb', 8);
  const batches = [batch([...a.slice(0, 6), ...b.slice(0, 4)]), batch([...a.slice(6), ...b.slice(4)])];
  for (const event of batches) expect(await processor.invokeOk(event)).toEqual({ batchItemFailures: [] });
  expect([await rowsOf('cust-a'), await rowsOf('cust-b')]).toEqual([12, 8]);
  const bRows = await stores.query('SELECT * FROM transactions WHERE customer_id = $1 ORDER BY transaction_id', ['cust-b']);
  const bCache = await cacheOf('cust-b');

  const erasure = await rig.submit({ type: 'ERASE', customerId: 'cust-a' });
  expect((await rig.workflow.settled(erasure.requestId)).status).toBe('SUCCEEDED');
  const before = dropped(processor);
  for (const event of batches) expect(await processor.invokeOk(event)).toEqual({ batchItemFailures: [] });

  expect(await rowsOf('cust-a')).toBe(0);
  expect(await stateKeysOf('cust-a')).toEqual([]);
  expect(await stores.query('SELECT * FROM transactions WHERE customer_id = $1 ORDER BY transaction_id', ['cust-b'])).toEqual(bRows);
  expect(await cacheOf('cust-b')).toEqual(bCache);
  expect(dropped(processor) - before).toBe(12);
});

test('the processor and an erasure of the same subject run concurrently 100 times: nothing of the subject survives, before the sweep as after it', async () => {
  const other = await startProcessor();
  const survivors: string[] = [];
  let storedThenDeleted = 0;
  for (let run = 0; run < 100; run++) {
    const subject = `race-${run}`;
    const requestId = await recordErasure(subject);
    const mine = payloads(subject, `r${run}a`, 6);
    const delay = run % 25;
    const processing = Promise.all([
      processor.invokeOk(batch([...mine.slice(0, 3), ...payloads('bystander', `b${run}a`, 2)])),
      other.invokeOk(batch([...mine.slice(3), ...payloads('bystander', `b${run}b`, 2)])),
    ]);
    const erasing = (async () => {
      await new Promise(resolve => setTimeout(resolve, delay));
      await rig.worker.invokeOk({ requestId, step: 'fence' });
      await rig.worker.invokeOk({ requestId, step: 'erase' });
    })();
    await Promise.all([processing, erasing]);
    storedThenDeleted += (await stores.query<{ n: number }>("SELECT (answer->'deleted'->>'transactions')::int AS n FROM lgpd_rights_requests WHERE request_id = $1", [requestId]))[0].n;
    // Before the sweep: the fence alone must have kept the subject out of both stores.
    if (await rowsOf(subject) > 0 || (await stateKeysOf(subject)).length > 0) survivors.push(`${subject} before the sweep`);
    await rig.worker.invokeOk({ requestId, step: 'sweep' });
    if (await rowsOf(subject) > 0 || (await stateKeysOf(subject)).length > 0) survivors.push(`${subject} after the sweep`);
  }
  expect(survivors).toEqual([]);
  expect(await rowsOf('bystander')).toBe(400);
  // Both orders happened: some runs stored the subject's records before the fence (the erasure deleted
  // them), some after it (the processor dropped them).
  expect(storedThenDeleted).toBeGreaterThan(0);
  expect(dropped(processor) + dropped(other)).toBeGreaterThan(0);
}, 300_000);

test('after an erasure, pg_dump, a Redis --rdb dump, the captured logs, the export bucket and the workflow\'s inputs and outputs hold no trace of the customer id', async () => {
  const erased = 'cust-zq7-erase-me';
  const kept = 'cust-keep-b';
  expect(await processor.invokeOk(batch([...payloads(erased, 'ta', 5), ...payloads(kept, 'tb', 3)]))).toEqual({ batchItemFailures: [] });
  await rig.submit({ type: 'CONFIRM', customerId: erased });
  const access = await rig.submit({ type: 'ACCESS', customerId: erased });
  expect(JSON.stringify(await stores.readExport(`exports/${access.requestId}.json`))).toContain(erased);
  const erasure = await rig.submit({ type: 'ERASE', customerId: erased });
  expect((await rig.workflow.settled(erasure.requestId)).status).toBe('SUCCEEDED');
  await processor.invokeOk(batch(payloads(erased, 'ta', 5))); // a replay after the erasure

  const dir = mkdtempSync(join(tmpdir(), 'lgpd-rights-dump-'));
  try {
    const dump = execFileSync(PG_DUMP, ['--no-owner', '--dbname',
      `postgresql://postgres@127.0.0.1:${POSTGRES_PORT}/${APP_DATABASE}?sslmode=verify-full&sslrootcert=${stores.stores.pgAuthority.caFile}`],
    { env: { PATH: process.env.PATH, PGPASSWORD: stores.stores.postgres.superPassword }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    expect(dump).toContain(kept); // the search finds an id that is there
    expect(dump).not.toContain(erased);

    const rdb = join(dir, 'dump.rdb');
    execFileSync('redis-cli', ['--tls', '--cacert', stores.stores.redisAuthority.caFile, '-h', '127.0.0.1', '-p', String(REDIS_PORT),
      '-a', stores.stores.redis.token, '--no-auth-warning', '--rdb', rdb], { stdio: 'ignore' });
    const snapshot = readFileSync(rdb).toString('latin1');
    expect(snapshot).toContain('tb-0'); // the kept customer's state is in the dump
    expect(snapshot).not.toContain(erased);

    const storeLogs = [join(stores.stores.dir, 'postgres', 'postgres.log'), join(stores.stores.dir, 'redis', 'redis.log')]
      .map(f => readFileSync(f, 'utf8')).join('\n');
    const logs = [...rig.logs, ...processor.logs, storeLogs].join('\n');
    expect(logs).toContain(erasure.requestId);
    expect(logs).not.toContain(erased);

    const listed = await stores.s3.send(new ListObjectsV2Command({ Bucket: EXPORT_BUCKET }));
    for (const object of listed.Contents ?? []) {
      const body = await (await stores.s3.send(new GetObjectCommand({ Bucket: EXPORT_BUCKET, Key: object.Key! }))).Body!.transformToString();
      expect(body).not.toContain(erased);
    }

    const executions = [...rig.workflow.executions.values()];
    // Every execution the rig ran (this test's access and erasure among them): input and every state's
    // input and output are the request id alone.
    expect(executions.map(e => e.name)).toEqual(expect.arrayContaining([access.requestId, erasure.requestId]));
    for (const execution of executions) {
      const states = execution.events.filter(e => e.state !== undefined).flatMap(e => [e.state.input, e.state.output]).filter(v => v !== undefined);
      for (const value of [execution.input, execution.output, ...states]) expect(value).toEqual({ requestId: execution.name });
      expect(JSON.stringify(execution.events)).not.toContain(erased);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Through a store outage nothing is lost: the bundled processor, one execution environment per shard,
 * driven by a model of the event source mapping (support/processor-harness/event-source-mapping.ts, which says which of
 * its rules AWS documents and which are assumed) whose retries and maximum record age are read from
 * the construct's synthesized template, against real PostgreSQL 17 and Redis, one of which is really
 * stopped for 5 minutes in the middle of a stream of four shards.
 *
 * The model's rules, in short (support/processor-harness/event-source-mapping.ts has them with their
 * sources):
 * - documented by AWS (Lambda Developer Guide: "Using Lambda with Kinesis Data Streams", "Configuring
 *   partial batch response with Kinesis Data Streams and Lambda", "Retain discarded batch records for a
 *   Kinesis Data Streams event source in Lambda"; CreateEventSourceMapping for the defaults): a poll a
 *   second per shard, one batch per shard at a time; checkpoint at the batch's end on success, at the
 *   lowest reported failure on a partial one; on a function error retry until success, the maximum
 *   record age or the retry limit (-1: none), bisecting without counting the split as a retry; a
 *   discarded batch's shard and sequence range to the on-failure destination;
 * - assumed: the delay between retries (1 s doubling to 60 s), that the age is checked before each
 *   invocation, that the halves of a split are processed in order, that a partial failure counts as a
 *   retry.
 *
 * The model runs on a simulated clock: each shard's clock advances by the real time of its
 * invocations plus the modelled delays (a poll a second, retries 1 s to 60 s apart), so 5 simulated
 * minutes of outage take seconds. The store is stopped and started between invocations, when every
 * shard's clock has reached the outage's start or end. The environments' timeout is 1.5 s instead of
 * the template's minute, so that each failed invocation waits for the store (wait.ts) for about a
 * second of real time rather than forty; what the wait does within one invocation is tested on its own
 * below.
 *
 * The quarantine and failed-records queues are moto's SQS: see support/processor-harness/queues.ts for what it cannot
 * prove (encryption, IAM, quotas).
 */
import { LambdaEnvironment } from '../../support/processor-harness/environment';
import { EventSourceMappingModel, mappingSettings, type OnFailureRecord } from '../../support/processor-harness/event-source-mapping';
import { kinesisEvent, kinesisRecord, transactions } from '../../support/processor-harness/events';
import { Stores } from '../../support/processor-harness/stores';
import { storesForEachTest } from '../../support/processor-harness/suite';
import { processorTemplate, storeCheck, workload } from '../../support/processor-harness/workload';

let stores: Stores;
const environments = storesForEachTest(started => { stores = started; });

const SETTINGS = mappingSettings(processorTemplate());
const MINUTE = 60_000;

describe('the event source mapping, as the construct configures it', () => {
  test('retries a failing batch with no count limit until its records are 6 hours old, bisecting, with partial batch responses and a failed-records queue', () => {
    expect(SETTINGS).toEqual({
      batchSize: 100,
      bisectOnError: true,
      maxRetryAttempts: -1,
      maxRecordAgeSeconds: 21_600,
      reportBatchItemFailures: true,
      onFailureDestination: true,
    });
  });
});

describe.each([
  ['PostgreSQL', () => stores.postgres.stop(), () => stores.postgres.start()],
  ['Redis', () => stores.redis.stop(), () => stores.redis.start()],
])('%s stopped for 5 minutes in the middle of a stream of four shards', (store, stop, start) => {
  test('every valid transaction is stored exactly once in both stores, every poison record is in the quarantine with its reason, '
    + 'and no valid record goes anywhere else', async () => {
    const load = workload(store.toLowerCase(), { count: 1_600, customers: 120, shards: 4, spanMs: 10 * MINUTE, duplicateEvery: 25, poisonEvery: 80 });
    const shards = [...load.stream.keys()];
    const envs = new Map<string, LambdaEnvironment>();
    for (const shardId of shards) {
      const env = await LambdaEnvironment.start(stores.processorEnv(), { timeoutMs: 1_500 });
      environments.push(env);
      envs.set(shardId, env);
    }
    const discarded: OnFailureRecord[] = [];
    const model = new EventSourceMappingModel(SETTINGS, load.stream, {
      invoke: (shardId, records) => envs.get(shardId)!.invoke(kinesisEvent(records)),
      onFailure: async record => {
        discarded.push(record);
        await stores.queues.send(stores.failedRecordsUrl, JSON.stringify(record));
      },
    }, 'arn:aws:kinesis:sa-east-1:123456789012:stream/lgpd-transactions-dev');

    const started = Date.now();
    await model.runUntil(3 * MINUTE);
    const before = await storeCheck(stores, load.valid);
    await stop();
    await model.runUntil(8 * MINUTE);
    await start();
    await model.runToEnd();
    const realMs = Date.now() - started;

    // The outage was in the middle: part of the stream was stored before it, and it failed batches on every shard.
    expect(before.ids).toBeGreaterThan(0);
    expect(before.ids).toBeLessThan(load.valid.length);
    const stats = Object.values(model.stats);
    for (const s of stats) expect(s.functionErrors).toBeGreaterThan(0);

    // Every valid transaction exactly once, in both stores.
    expect(await storeCheck(stores, load.valid)).toEqual({
      rows: load.valid.length, ids: load.valid.length, missing: 0, unexpected: 0, customersDiffering: 0,
    });
    // Every poison record in the quarantine, once, with its reason; nothing else there.
    const quarantined = (await stores.queues.drain(stores.quarantineUrl)).map(b => JSON.parse(b));
    expect(quarantined.map(m => m.sequenceNumber).sort()).toEqual(load.poison.map(p => p.sequenceNumber).sort());
    for (const p of load.poison) expect(quarantined.find(m => m.sequenceNumber === p.sequenceNumber).reason).toMatch(p.reason);
    // Nothing discarded to the failed-records queue, and no record's content in any log.
    expect(discarded).toEqual([]);
    expect(await stores.queues.drain(stores.failedRecordsUrl)).toEqual([]);
    const logs = [...envs.values()].flatMap(e => e.logs).join('\n');
    for (const p of load.valid.filter((_, i) => i % 50 === 0)) expect(logs).not.toContain(p.transactionId);
    expect(logs).not.toContain('123.456.789-09');

    console.log(`${store} outage of 5 simulated minutes: ${JSON.stringify({
      realSeconds: Math.round(realMs / 100) / 10,
      simulatedMinutes: Math.round(model.clock / 6000) / 10,
      invocations: stats.reduce((n, s) => n + s.invocations, 0),
      functionErrors: stats.reduce((n, s) => n + s.functionErrors, 0),
      bisections: stats.reduce((n, s) => n + s.bisections, 0),
      discarded: stats.reduce((n, s) => n + s.discarded, 0),
      records: [...load.stream.values()].reduce((n, r) => n + r.length, 0),
      valid: load.valid.length,
      poison: load.poison.length,
    })}`);
  }, 180_000);
});

describe('a short outage costs no retry', () => {
  test.each([
    ['PostgreSQL', () => stores.postgres.stop(), () => stores.postgres.start()],
    ['Redis', () => stores.redis.stop(), () => stores.redis.start()],
  ])('%s back within the invocation\'s wait: the batch succeeds in that same invocation, stored once', async (store, stop, start) => {
    const env = await LambdaEnvironment.start(stores.processorEnv(), { timeoutMs: 10_000 });
    environments.push(env);
    const payloads = transactions(`short-${store}`, 40, 6);
    await env.invokeOk(kinesisEvent(payloads.slice(0, 20).map(p => kinesisRecord(p, p.customerId))));

    await stop();
    const invocation = env.invoke(kinesisEvent(payloads.slice(20).map(p => kinesisRecord(p, p.customerId))));
    await new Promise(resolve => setTimeout(resolve, 1_500));
    await start();
    const outcome = await invocation;

    expect(outcome).toMatchObject({ ok: true, response: { batchItemFailures: [] } });
    expect(outcome.ms).toBeGreaterThan(1_500);
    expect(env.logged('store-wait')).toEqual([expect.objectContaining({ store, recovered: true })]);
    expect(await storeCheck(stores, payloads)).toEqual({ rows: 40, ids: 40, missing: 0, unexpected: 0, customersDiffering: 0 });
  }, 60_000);

  test('a store that stays away fails the invocation well before its timeout, with the store named', async () => {
    const env = await LambdaEnvironment.start(stores.processorEnv(), { timeoutMs: 3_000 });
    environments.push(env);
    await stores.postgres.stop();
    try {
      const outcome = await env.invoke(kinesisEvent(transactions('away', 5, 1).map(p => kinesisRecord(p, p.customerId))));
      expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/^PostgreSQL 127\.0\.0\.1:\d+\/pipeline: .*ECONNREFUSED/) });
      // It waited (about two thirds of its time: 3 s less a reserve of 1 s), and returned before Lambda would end it.
      expect(outcome.ms).toBeGreaterThan(1_500);
      expect(outcome.ms).toBeLessThan(3_000);
      expect(env.logged('store-wait')).toEqual([expect.objectContaining({ store: 'PostgreSQL', recovered: false })]);
    } finally {
      await stores.postgres.start();
    }
  }, 60_000);
});

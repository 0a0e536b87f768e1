/**
 * The redrive round trip, on real PostgreSQL 17 and Redis, with moto's Kinesis (the stream the redrive
 * reads again) and SQS (the failed-records and quarantine queues): the bundled processor, driven by
 * the event source mapping model (support/processor-harness/event-source-mapping.ts) with Redis stopped, gives up on its
 * batches, whose on-failure records (shard and sequence range) land in the failed-records queue; with
 * Redis back, the redrive function (`index.redrive` of the same bundle) reads those ranges from the
 * stream and puts them through the processor. Then the quarantine's redrive after a fix.
 *
 * What moto cannot prove, besides what support/processor-harness/queues.ts lists: that Kinesis still holds the records
 * (moto never trims a stream, so the test of a range the stream no longer holds points at sequence
 * numbers that were never there), GetRecords' throughput limits, and Lambda's own on-failure record
 * beyond its documented shape (the model writes it).
 */
import type { RedriveResult } from '../../handlers/transaction-processor/redrive';
import { LambdaEnvironment } from '../../support/processor-harness/environment';
import { EventSourceMappingModel, mappingSettings, type StreamRecord } from '../../support/processor-harness/event-source-mapping';
import { transactions } from '../../support/processor-harness/events';
import { Stores } from '../../support/processor-harness/stores';
import { storesForEachTest } from '../../support/processor-harness/suite';
import { processorTemplate, storeCheck } from '../../support/processor-harness/workload';

let stores: Stores;
const environments = storesForEachTest(started => { stores = started; });

async function environment(timeoutMs: number): Promise<LambdaEnvironment> {
  const env = await LambdaEnvironment.start(stores.processorEnv(), { timeoutMs });
  environments.push(env);
  return env;
}

async function redrive(env: LambdaEnvironment, source: string): Promise<RedriveResult> {
  const outcome = await env.call<RedriveResult>('redrive', { source });
  if (!outcome.ok) throw new Error(`the redrive threw: ${outcome.error}`);
  return outcome.response;
}

describe('the redrive of the failed-records queue', () => {
  test('on-failure pointers -> records read again from the stream -> stored once in both stores (poison quarantined); '
    + 'a second redrive of the same pointers changes nothing', async () => {
    const streamName = `lgpd-redrive-${Date.now()}`;
    const { arn } = await stores.queues.createStream(streamName, 2);
    const valid = transactions('redrive', 60, 8);
    const stream = new Map<string, StreamRecord[]>();
    const put = async (data: Buffer, partitionKey: string) => {
      const { shardId, sequenceNumber } = await stores.queues.put(streamName, data, partitionKey);
      stream.set(shardId, [...(stream.get(shardId) ?? []), { shardId, sequenceNumber, partitionKey, data, arrivalMs: 0 }]);
      return sequenceNumber;
    };
    for (const p of valid) await put(Buffer.from(JSON.stringify(p)), p.customerId);
    const poison = [await put(Buffer.from('{"transactionId":'), 'poison-a'), await put(Buffer.from('[]'), 'poison-b')];
    expect(stream.size).toBe(2);

    // Retries bounded (2) and no bisection, so that the model gives up quickly while Redis is down.
    const settings = mappingSettings(processorTemplate({ retryAttempts: 2, bisectBatchOnError: false }));
    const processor = await environment(1_500);
    await stores.redis.stop();
    const model = new EventSourceMappingModel(settings, stream, {
      invoke: (_, records) => processor.invoke({ Records: records }),
      onFailure: record => stores.queues.send(stores.failedRecordsUrl, JSON.stringify(record)),
    }, arn);
    await model.runToEnd();
    await stores.redis.start();

    const pointers = await stores.queues.drain(stores.failedRecordsUrl);
    expect(pointers.map(p => JSON.parse(p).KinesisBatchInfo.shardId).sort()).toEqual([...stream.keys()].sort());
    for (const p of pointers) await stores.queues.send(stores.failedRecordsUrl, p);

    const env = await environment(120_000);
    const first = await redrive(env, 'failed-records');
    const after = await storeCheck(stores, valid);
    const storedAt = await stores.query('SELECT transaction_id, stored_at FROM transactions ORDER BY transaction_id');
    const quarantined = (await stores.queues.drain(stores.quarantineUrl)).map(b => JSON.parse(b).sequenceNumber);

    for (const p of pointers) await stores.queues.send(stores.failedRecordsUrl, p);
    const second = await redrive(env, 'failed-records');

    expect(first).toEqual({ source: 'failed-records', messages: 2, deleted: 2, records: 62, stored: 60, refused: 2, expired: [], remaining: false });
    expect(after).toEqual({ rows: 60, ids: 60, missing: 0, unexpected: 0, customersDiffering: 0 });
    expect(quarantined.sort()).toEqual([...poison].sort());
    expect(await stores.queues.drain(stores.failedRecordsUrl)).toEqual([]);
    // Idempotent: the same pointers again store nothing new and leave both stores as they were.
    expect(second).toMatchObject({ messages: 2, deleted: 2, records: 62, stored: 60 });
    expect(await storeCheck(stores, valid)).toEqual(after);
    expect(await stores.query('SELECT transaction_id, stored_at FROM transactions ORDER BY transaction_id')).toEqual(storedAt);
  }, 120_000);

  test('a range the stream no longer holds is reported as expired, and its pointer kept in the queue', async () => {
    const streamName = `lgpd-expired-${Date.now()}`;
    const { arn, shardIds } = await stores.queues.createStream(streamName, 1);
    const [p] = transactions('expired', 1, 1);
    const { sequenceNumber } = await stores.queues.put(streamName, Buffer.from(JSON.stringify(p)), p.customerId);
    // As if retention had dropped the range: its first sequence number comes before anything the shard has.
    const gone = String(BigInt(sequenceNumber) - 1_000_000n);
    const pointer = { KinesisBatchInfo: { shardId: shardIds[0], startSequenceNumber: gone, endSequenceNumber: gone, streamArn: arn, batchSize: 1 } };
    await stores.queues.send(stores.failedRecordsUrl, JSON.stringify(pointer));

    const result = await redrive(await environment(60_000), 'failed-records');

    expect(result).toMatchObject({
      messages: 1, deleted: 0, records: 0, expired: [{ shardId: shardIds[0], startSequenceNumber: gone, endSequenceNumber: gone }],
    });
    expect((await stores.query('SELECT count(*)::int AS n FROM transactions'))[0]).toEqual({ n: 0 });
    // Kept, for the operator.
    expect(await stores.queues.depth(stores.failedRecordsUrl)).toBe(1);
    await stores.queues.purge(stores.failedRecordsUrl);
  }, 60_000);
});

describe('the redrive of the quarantine', () => {
  test('after a fix: a quarantined record the processor now accepts is stored once and leaves the queue; one still refused stays', async () => {
    const [accepted] = transactions('fixed', 1, 1);
    const message = (data: string, sequenceNumber: string, reason: string) => JSON.stringify({
      version: 1,
      reason,
      shardId: 'shardId-000000000000',
      sequenceNumber,
      partitionKey: 'p',
      approximateArrivalTimestamp: 1_772_366_400,
      eventSourceARN: 'arn:aws:kinesis:sa-east-1:123456789012:stream/lgpd-transactions-dev',
      data: Buffer.from(data).toString('base64'),
      quarantinedAt: '2026-03-01T12:00:00.000Z',
    });
    // What an earlier processor, with a stricter schema, refused; and a record that is not JSON at all.
    const sequence = (n: number) => String(49_650_000_000_000_000_000_000_000_000_000_000_000_000_000_000n + BigInt(n));
    await stores.queues.send(stores.quarantineUrl, message(JSON.stringify(accepted), sequence(1), 'schema: (an earlier version)'));
    await stores.queues.send(stores.quarantineUrl, message('{"transactionId":', sequence(2), 'not JSON'));
    const env = await environment(60_000);

    const first = await redrive(env, 'quarantine');
    const second = await redrive(env, 'quarantine');

    expect(first).toEqual({ source: 'quarantine', messages: 2, deleted: 1, records: 2, stored: 1, refused: 1, expired: [], remaining: false });
    // The one still refused was kept, and is back in the queue for the next run: redriven again, kept again.
    expect(second).toEqual({ source: 'quarantine', messages: 1, deleted: 0, records: 1, stored: 0, refused: 1, expired: [], remaining: false });
    expect(await stores.queues.depth(stores.quarantineUrl)).toBe(1);
    expect(await storeCheck(stores, [accepted])).toEqual({ rows: 1, ids: 1, missing: 0, unexpected: 0, customersDiffering: 0 });
  }, 60_000);
});

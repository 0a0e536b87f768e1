/**
 * The redrive function's handler (`index.redrive`): puts back through the processor what the event
 * source mapping gave up on, or what the processor quarantined, once the cause is fixed.
 *
 * - `{"source": "failed-records"}` (the default) reads the failed-records queue. Each message is the
 *   mapping's on-failure record: a shard and a sequence range (`KinesisBatchInfo`), not the data. The
 *   records of that range are read again from the stream, while its retention keeps them, and go
 *   through the processor (batch.ts) as the mapping would have sent them; then the message is deleted.
 *   A range the stream no longer holds in full is reported as expired and its message kept.
 * - `{"source": "quarantine"}` reads the quarantine queue: each record goes through the processor again
 *   (after a fix to the processor or the schema); one stored is deleted from the queue, one still
 *   refused is kept there.
 *
 * Both are idempotent: the processor stores nothing twice and its cache updates can be repeated, so a
 * message redriven twice (a retry, two runs at once) changes nothing. A run stops taking messages when
 * its time runs short; run it again until `remaining` is 0.
 *
 *   aws lambda invoke --function-name <redrive function> --cli-binary-format raw-in-base64-out \
 *     --payload '{"source":"failed-records"}' result.json
 */
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, type _Record } from '@aws-sdk/client-kinesis';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamRecord } from 'aws-lambda';
import { processBatch, type Processor } from './batch';
import { log } from './log';
import { theProcessor } from './processor';
import type { QuarantineMessage } from './quarantine';
import { WaitBudget, type InvocationClock } from './wait';

export interface RedriveRequest {
  /** Which queue to redrive: `failed-records` (the default) or `quarantine`. */
  readonly source?: string;
  /** At most this many messages in this run. Default: as many as time allows. */
  readonly maxMessages?: number;
}

/** A range of records the stream no longer holds. */
export interface ExpiredRange {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** The first sequence number the stream still had from it, if any. */
  readonly firstAvailable?: string;
}

export interface RedriveResult {
  readonly source: string;
  /** Messages taken from the queue in this run. */
  readonly messages: number;
  /** Messages deleted: everything they pointed at was stored or quarantined. */
  readonly deleted: number;
  /** Records put through the processor. */
  readonly records: number;
  /** Valid transactions among them (stored, or found stored already). */
  readonly stored: number;
  /** Records refused: quarantined (failed-records) or kept in the quarantine (quarantine). */
  readonly refused: number;
  /** Ranges whose records the stream no longer holds (their messages are kept). */
  readonly expired: readonly ExpiredRange[];
  /** Whether the run stopped for time (or maxMessages) with messages possibly left: run it again. */
  readonly remaining: boolean;
}

/** Records per pass through the processor: the mapping's default batch size. */
const CHUNK = 100;
/** The run stops taking messages this long before its timeout (at most a quarter of it). */
const RESERVE_MS = 60_000;

let kinesis: KinesisClient | undefined;
let sqs: SQSClient | undefined;

export async function redrive(request: RedriveRequest | undefined, context?: InvocationClock): Promise<RedriveResult> {
  const source = request?.source ?? 'failed-records';
  if (source !== 'failed-records' && source !== 'quarantine') {
    throw new Error(`source must be 'failed-records' or 'quarantine', got '${source}'`);
  }
  const processor = theProcessor();
  const queueUrl = source === 'quarantine' ? processor.config.queues.quarantineUrl : processor.config.queues.failedRecordsUrl;
  if (queueUrl === undefined) throw new Error('FAILED_RECORDS_QUEUE_URL must be set to redrive the failed records');
  const remainingAtStart = context?.getRemainingTimeInMillis() ?? 300_000;
  const stopAt = Date.now() + remainingAtStart - Math.min(RESERVE_MS, remainingAtStart / 4);
  const max = request?.maxMessages ?? Number.MAX_SAFE_INTEGER;
  sqs ??= new SQSClient({});

  const result = { source, messages: 0, deleted: 0, records: 0, stored: 0, refused: 0, expired: [] as ExpiredRange[], remaining: false };
  const kept: string[] = [];
  for (;;) {
    if (Date.now() >= stopAt || result.messages >= max) {
      result.remaining = true;
      break;
    }
    const received = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(10, max - result.messages),
      // Invisible for the rest of the run, so a message kept does not come back in it (it is made visible at the end).
      VisibilityTimeout: Math.min(43_200, Math.ceil(remainingAtStart / 1000) + 30),
      WaitTimeSeconds: 1,
    }));
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      result.messages++;
      const done = await redriveMessage(processor, source, message, WaitBudget.of(context), result);
      if (done) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
        result.deleted++;
      } else {
        kept.push(message.ReceiptHandle!);
      }
    }
  }
  // What stays in the queue is there for the next run (and for the operator) at once.
  for (const receiptHandle of kept) {
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: 0 }));
  }
  log('redrive', { ...result, expired: result.expired.length });
  return result;
}

/** Puts one message's records through the processor; whether the message is done with. */
async function redriveMessage(processor: Processor, source: string, message: Message, budget: WaitBudget,
  result: { records: number; stored: number; refused: number; expired: ExpiredRange[] }): Promise<boolean> {
  const body = JSON.parse(message.Body ?? '{}') as Record<string, any>;
  let records: KinesisStreamRecord[];
  if (body.KinesisBatchInfo !== undefined) {
    // The event source mapping's on-failure record.
    const info = body.KinesisBatchInfo as { shardId: string; startSequenceNumber: string; endSequenceNumber: string; streamArn: string };
    const read = await readRange(info.streamArn, info.shardId, info.startSequenceNumber, info.endSequenceNumber);
    if (read.expired !== undefined) {
      result.expired.push(read.expired);
      return false;
    }
    records = read.records;
  } else if (Array.isArray(body.Records)) {
    // An asynchronous invocation that failed (the function's dead-letter queue is the same queue).
    records = body.Records as KinesisStreamRecord[];
  } else if (body.version === 1 && typeof body.sequenceNumber === 'string') {
    const quarantined = body as QuarantineMessage;
    if (quarantined.data !== undefined) {
      records = [fromQuarantine(quarantined)];
    } else {
      const read = await readRange(quarantined.eventSourceARN, quarantined.shardId, quarantined.sequenceNumber, quarantined.sequenceNumber);
      if (read.expired !== undefined) {
        result.expired.push(read.expired);
        return false;
      }
      records = read.records;
    }
  } else {
    throw new Error(`message ${message.MessageId} is neither an on-failure record, a failed event nor a quarantined record`);
  }

  let refused = 0;
  for (let i = 0; i < records.length; i += CHUNK) {
    const outcome = await processBatch(processor, records.slice(i, i + CHUNK), budget, source !== 'quarantine');
    result.records += Math.min(CHUNK, records.length - i);
    result.stored += outcome.stored;
    refused += outcome.refused.length;
  }
  result.refused += refused;
  // A quarantined record that is still refused stays in the quarantine.
  return source !== 'quarantine' || refused === 0;
}

/** The record of a quarantine message, as the event source mapping delivered it. */
function fromQuarantine(m: QuarantineMessage): KinesisStreamRecord {
  return kinesisRecord(m.eventSourceARN, m.shardId, m.sequenceNumber, m.partitionKey, m.data!, m.approximateArrivalTimestamp);
}

/**
 * The records of `shardId` from `start` to `end` (sequence numbers, inclusive), read from the stream.
 * When the stream no longer has `start` (its retention passed), the range is expired.
 */
async function readRange(streamArn: string, shardId: string, start: string, end: string):
Promise<{ records: KinesisStreamRecord[]; expired?: ExpiredRange }> {
  // HTTP/1.1: GetRecords needs no HTTP/2 (the client's default, for SubscribeToShard).
  kinesis ??= new KinesisClient({ requestHandler: new NodeHttpHandler() });
  const last = BigInt(end);
  const records: KinesisStreamRecord[] = [];
  let iterator: string | undefined;
  try {
    iterator = (await kinesis.send(new GetShardIteratorCommand({
      // By name (the ARN's last part): the stream is the pipeline's own, in this account and Region.
      StreamName: streamArn.slice(streamArn.indexOf(':stream/') + ':stream/'.length),
      ShardId: shardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      StartingSequenceNumber: start,
    }))).ShardIterator;
  } catch (e) {
    if ((e as { name?: string }).name === 'InvalidArgumentException' || (e as { name?: string }).name === 'ResourceNotFoundException') {
      return { records, expired: { shardId, startSequenceNumber: start, endSequenceNumber: end } };
    }
    throw e;
  }
  let first: string | undefined;
  while (iterator !== undefined) {
    const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const page: _Record[] = out.Records ?? [];
    for (const r of page) {
      first ??= r.SequenceNumber;
      if (BigInt(r.SequenceNumber!) > last) return done();
      records.push(kinesisRecord(streamArn, shardId, r.SequenceNumber!, r.PartitionKey!, Buffer.from(r.Data!).toString('base64'),
        (r.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000));
    }
    if (page.length === 0 && (out.MillisBehindLatest ?? 0) === 0) break;
    iterator = out.NextShardIterator;
  }
  return done();

  function done() {
    // AT_SEQUENCE_NUMBER starts at `start` itself while the stream has it.
    if (first !== start) return { records: [], expired: { shardId, startSequenceNumber: start, endSequenceNumber: end, firstAvailable: first } };
    return { records };
  }
}

function kinesisRecord(streamArn: string, shardId: string, sequenceNumber: string, partitionKey: string, data: string,
  arrival: number): KinesisStreamRecord {
  return {
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey, sequenceNumber, data, approximateArrivalTimestamp: arrival },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: '',
    awsRegion: streamArn.split(':')[3] ?? '',
    eventSourceARN: streamArn,
  };
}

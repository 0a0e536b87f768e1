import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { KinesisStreamRecord } from 'aws-lambda';

/**
 * What the quarantine queue holds for a record that is not a valid transaction: the record as the
 * event source mapping delivered it (its payload base64, as on the stream), why it was refused, and
 * where it came from. The payload is personal data: it goes to this queue (encrypted with the pipeline
 * key, TLS only) and nowhere else, never to a log.
 */
export interface QuarantineMessage {
  readonly version: 1;
  /** Why the record was refused (`schema: record/amount must match pattern ...`), never its content. */
  readonly reason: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Seconds since the epoch, as Kinesis reports it. */
  readonly approximateArrivalTimestamp: number;
  readonly eventSourceARN: string;
  /** The record's data, base64; absent when it would not fit a message (then `dataOmitted` says so). */
  readonly data?: string;
  readonly dataOmitted?: string;
  readonly quarantinedAt: string;
}

/** A refused record and why. */
export interface Refused {
  readonly record: KinesisStreamRecord;
  readonly reason: string;
}

/**
 * SQS's message size limit that every queue accepts (256 KiB; a queue may be configured for more). A
 * record whose message would be larger keeps its place on the stream instead: the message then holds
 * the shard and sequence number only, and the redrive re-reads the record while the stream keeps it.
 */
export const MAX_MESSAGE_BYTES = 262_144;
/** SendMessageBatch: at most 10 entries and 256 KiB together. */
const MAX_BATCH_ENTRIES = 10;
const ATTEMPTS = 3;

/** The quarantine message of a refused record. */
export function quarantineMessage(refused: Refused, now = new Date()): string {
  const { record, reason } = refused;
  const message: QuarantineMessage = {
    version: 1,
    reason,
    // eventID is "<shard id>:<sequence number>".
    shardId: record.eventID.split(':')[0],
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
    eventSourceARN: record.eventSourceARN,
    data: record.kinesis.data,
    quarantinedAt: now.toISOString(),
  };
  const body = JSON.stringify(message);
  if (Buffer.byteLength(body) <= MAX_MESSAGE_BYTES) return body;
  return JSON.stringify({ ...message, data: undefined, dataOmitted: `larger than a queue message (${MAX_MESSAGE_BYTES} bytes): read it from the stream by shard and sequence number` });
}

/** The quarantine queue (QUARANTINE_QUEUE_URL): encrypted with the pipeline key, reached through the `sqs` endpoint. */
export class Quarantine {
  private client?: SQSClient;

  constructor(private readonly queueUrl: string) {}

  /**
   * Sends every refused record, in batches of up to 10 messages. An entry SQS refuses is sent again
   * (twice); if it still is, this throws, and the invocation fails: the record is retried, not lost.
   * Each record is sent at least once (a retried batch may send one twice: the redrive takes both).
   */
  async send(refused: readonly Refused[]): Promise<void> {
    const client = this.client ??= new SQSClient({});
    for (const batch of batches(refused.map(r => quarantineMessage(r)))) {
      let entries = batch;
      for (let attempt = 1; entries.length > 0; attempt++) {
        const out = await client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = new Set((out.Failed ?? []).map(f => f.Id));
        if (failed.size > 0 && attempt >= ATTEMPTS) {
          const first = out.Failed![0];
          throw new Error(`SQS ${this.queueUrl}: ${failed.size} quarantine message(s) refused: ${first.Code}: ${first.Message ?? ''}`);
        }
        entries = entries.filter(e => failed.has(e.Id));
      }
    }
  }
}

/** Messages in SendMessageBatch batches: at most 10 and 256 KiB each. */
function batches(bodies: readonly string[]): SendMessageBatchRequestEntry[][] {
  const out: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  bodies.forEach((body, i) => {
    const size = Buffer.byteLength(body);
    if (current.length === MAX_BATCH_ENTRIES || (current.length > 0 && bytes + size > MAX_MESSAGE_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push({ Id: `r${i}`, MessageBody: body });
    bytes += size;
  });
  if (current.length > 0) out.push(current);
  return out;
}

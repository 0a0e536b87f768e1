import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** A transaction as a producer puts it on the stream (the schema: docs/processor.md). */
export interface TransactionPayload {
  transactionId: string;
  customerId: string;
  amount: string | number;
  currency: string;
  timestamp: string;
}

const SHARD = 'shardId-000000000000';
const STREAM_ARN = 'arn:aws:kinesis:sa-east-1:123456789012:stream/lgpd-transactions';
let nextSequence = 49_650_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;

/** A Kinesis record as the event source mapping delivers it, with the next sequence number of the shard. */
export function kinesisRecord(data: TransactionPayload | string | Buffer, partitionKey = 'p'): KinesisStreamRecord {
  const sequenceNumber = String(nextSequence++);
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data), 'utf8');
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: bytes.toString('base64'),
      approximateArrivalTimestamp: Date.now() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${SHARD}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/processor',
    awsRegion: 'sa-east-1',
    eventSourceARN: STREAM_ARN,
  };
}

export function kinesisEvent(records: KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: records };
}

export const SHARD_ID = SHARD;

/**
 * `count` valid transactions for `customers` customers, ids prefixed with `tag`, amounts as strings and
 * as numbers, timestamps spread over an hour out of arrival order (so that a customer's newest
 * transaction is often not its last to arrive), some with an offset other than Z.
 */
export function transactions(tag: string, count: number, customers: number, start = Date.UTC(2026, 2, 1, 12)): TransactionPayload[] {
  return Array.from({ length: count }, (_, i) => {
    const when = new Date(start + ((i * 611_953) % 3_600_000));
    const offset = i % 3 === 0 ? 'Z' : '-03:00';
    const timestamp = offset === 'Z' ? when.toISOString() : isoWithOffset(when, -180);
    return {
      transactionId: `${tag}-t${i}`,
      customerId: `${tag}-c${i % customers}`,
      amount: i % 2 === 0 ? `${(i * 37) % 5000}.${String(i % 100).padStart(2, '0')}` : ((i * 131) % 9000) / 100,
      currency: ['BRL', 'USD', 'EUR'][i % 3],
      timestamp,
    };
  });
}

/** The same instant written with a UTC offset in minutes ('2026-03-01T09:00:00.000-03:00'). */
function isoWithOffset(when: Date, offsetMinutes: number): string {
  const local = new Date(when.getTime() + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** What PostgreSQL stores for a payload's amount: numeric(15,2) as text. */
export function storedAmount(amount: string | number): string {
  const [whole, fraction = ''] = String(amount).replace(/^-/, '').split('.');
  return `${String(amount).startsWith('-') ? '-' : ''}${whole}.${fraction.padEnd(2, '0')}`;
}

/** A customer's expected cache state: every transaction id, and the newest (event time, then id). */
export interface ExpectedCustomer {
  readonly transactionIds: string[];
  readonly last: { lastTransactionId: string; lastAmount: string; lastCurrency: string; lastTimestamp: string };
}

/**
 * What the cache should hold after these transactions were processed (in any order, any number of
 * times), worked out here independently of the handler's script. All within one TTL of event time.
 */
export function expectedCache(payloads: readonly TransactionPayload[]): Map<string, ExpectedCustomer> {
  const first = new Map<string, TransactionPayload>();
  for (const p of payloads) if (!first.has(p.transactionId)) first.set(p.transactionId, p);
  const byCustomer = new Map<string, TransactionPayload[]>();
  for (const p of first.values()) byCustomer.set(p.customerId, [...(byCustomer.get(p.customerId) ?? []), p]);
  const expected = new Map<string, ExpectedCustomer>();
  for (const [customerId, list] of byCustomer) {
    const newest = [...list].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || (b.transactionId > a.transactionId ? 1 : -1))[0];
    expected.set(customerId, {
      transactionIds: list.map(p => p.transactionId).sort(),
      last: {
        lastTransactionId: newest.transactionId,
        lastAmount: storedAmount(newest.amount),
        lastCurrency: newest.currency,
        lastTimestamp: new Date(Date.parse(newest.timestamp)).toISOString().replace('Z', '000Z'),
      },
    });
  }
  return expected;
}

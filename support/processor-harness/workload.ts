import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { shardOf, type StreamRecord } from './event-source-mapping';
import { expectedCache, transactions, type TransactionPayload } from './events';
import type { Stores } from './stores';
import { LgpdDataPipeline, TransactionProcessorOptions } from '../../src';

/**
 * A day's traffic in miniature for the outage and redrive tests: valid transactions, some sent twice
 * (a producer's retry), and poison records of several kinds, arriving over a span of simulated time on
 * the shards their partition keys hash to.
 */
export interface Workload {
  /** Each shard's records, in arrival order, with sequence numbers. */
  readonly stream: Map<string, StreamRecord[]>;
  /** The valid transactions, each once. */
  readonly valid: TransactionPayload[];
  /** The poison records: sequence number, and a pattern of the reason the processor must give. */
  readonly poison: Array<{ sequenceNumber: string; reason: RegExp }>;
}

const bad = (over: Record<string, unknown>) => JSON.stringify({ customerId: 'c-poison', amount: '1.00', currency: 'BRL', timestamp: '2026-03-01T12:00:00Z', ...over });
const POISON: Array<[RegExp, (i: number) => string]> = [
  [/^not JSON$/, i => `{"transactionId": "broken-${i}",`],
  [/^schema: record\/amount/, i => bad({ transactionId: `bad-${i}`, amount: '1.001' })],
  [/^schema: record must NOT have additional properties/, i => bad({ transactionId: `cpf-${i}`, cpf: '123.456.789-09' })],
  [/^schema: record\/currency/, i => bad({ transactionId: `cur-${i}`, currency: 'XYZ' })],
];

/** How a workload is made. */
export interface WorkloadShape {
  readonly count: number;
  readonly customers: number;
  readonly shards: number;
  readonly spanMs: number;
  readonly duplicateEvery: number;
  readonly poisonEvery: number;
}

/**
 * `count` valid transactions for `customers` customers, every `duplicateEvery`-th sent twice, and a
 * poison record every `poisonEvery` records, spread evenly over `spanMs` of simulated time on `shards`
 * shards (named as Kinesis names them).
 */
export function workload(tag: string, o: WorkloadShape): Workload {
  const valid = transactions(tag, o.count, o.customers);
  const sent: Array<{ partitionKey: string; data: Buffer; poison?: RegExp }> = [];
  valid.forEach((p, i) => {
    sent.push({ partitionKey: p.customerId, data: Buffer.from(JSON.stringify(p)) });
    if (i % o.duplicateEvery === o.duplicateEvery - 1) sent.push({ partitionKey: p.customerId, data: Buffer.from(JSON.stringify(p)) });
    if (i % o.poisonEvery === o.poisonEvery - 1) {
      const [reason, make] = POISON[Math.floor(i / o.poisonEvery) % POISON.length];
      sent.push({ partitionKey: `poison-${i}`, data: Buffer.from(make(i)), poison: reason });
    }
  });
  const stream = new Map<string, StreamRecord[]>();
  const poison: Workload['poison'] = [];
  const next = new Map<string, bigint>();
  sent.forEach((r, i) => {
    const shardId = `shardId-${String(shardOf(r.partitionKey, o.shards)).padStart(12, '0')}`;
    const first = 49_650_000_000_000_000_000_000_000_000_000_000_000_000_000_000n + BigInt(shardOf(r.partitionKey, o.shards)) * 10n ** 40n;
    const sequence = next.get(shardId) ?? first;
    next.set(shardId, sequence + 1n);
    const arrivalMs = Math.floor((i * o.spanMs) / sent.length);
    const record: StreamRecord = { shardId, sequenceNumber: String(sequence), partitionKey: r.partitionKey, data: r.data, arrivalMs };
    stream.set(shardId, [...(stream.get(shardId) ?? []), record]);
    if (r.poison) poison.push({ sequenceNumber: record.sequenceNumber, reason: r.poison });
  });
  return { stream, valid, poison };
}

/** The synthesized template of a pipeline with one processor built with `options`. */
export function processorTemplate(options: TransactionProcessorOptions = {}): { Resources: Record<string, any> } {
  const stack = new Stack(new App(), 'Test', { env: { region: 'sa-east-1' } });
  new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev', shardCount: 4 }).addProcessor('Processor', options);
  return Template.fromStack(stack).toJSON() as { Resources: Record<string, any> };
}

/** What the stores hold against what they should: rows per id, and customers whose cache differs. */
export async function storeCheck(stores: Stores, valid: readonly TransactionPayload[]): Promise<{
  rows: number; ids: number; missing: number; unexpected: number; customersDiffering: number;
}> {
  const ids = valid.map(p => p.transactionId);
  const [db] = await stores.query<{ rows: string; ids: string; missing: string; unexpected: string }>(`
    SELECT count(*) AS rows, count(DISTINCT transaction_id) AS ids,
      (SELECT count(*) FROM unnest($1::text[]) AS e(id) WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.transaction_id = e.id)) AS missing,
      count(*) FILTER (WHERE NOT transaction_id = ANY($1::text[])) AS unexpected
    FROM transactions`, [ids]);
  const expected = expectedCache(valid);
  const customersDiffering = await stores.redis.admin(async r => {
    let differing = 0;
    const expectedKeys = new Set<string>();
    for (const [customerId, customer] of expected) {
      const keys = stores.keysOf(customerId);
      expectedKeys.add(keys.hash);
      const [hash, members] = await Promise.all([r.hgetall(keys.hash), r.zrange(keys.transactions, 0, -1)]);
      const same = JSON.stringify(hash) === JSON.stringify(customer.last)
        && JSON.stringify([...members].sort()) === JSON.stringify(customer.transactionIds);
      if (!same) differing++;
    }
    return differing + (await r.keys('customer:*')).filter(k => !k.endsWith(':transactions') && !expectedKeys.has(k)).length;
  });
  return { rows: Number(db.rows), ids: Number(db.ids), missing: Number(db.missing), unexpected: Number(db.unexpected), customersDiffering };
}

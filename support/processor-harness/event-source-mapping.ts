import { createHash } from 'node:crypto';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { Outcome } from './environment';

/**
 * A model of a Lambda event source mapping on a Kinesis stream, for the tests that put the processor
 * through store outages: it decides which records go to the function when, and what happens when the
 * function fails, so that a test can check that nothing is lost and nothing is stored twice.
 *
 * Documented by AWS, and modelled as documented:
 * - Lambda polls each shard once per second (base rate) and keeps invoking while records are
 *   available; a shard's records are processed in order, one batch at a time (ParallelizationFactor 1)
 *   (Lambda Developer Guide, "Using Lambda with Kinesis Data Streams", polling and batching).
 * - A batch that succeeds is checkpointed at its highest sequence number; with ReportBatchItemFailures,
 *   a partial failure is checkpointed at the lowest sequence number reported, and Lambda retries from
 *   there (same guide, "Configuring partial batch response with Kinesis Data Streams and Lambda").
 * - On a function error, Lambda retries the batch until it succeeds, its records exceed
 *   MaximumRecordAgeInSeconds, or MaximumRetryAttempts is reached; -1 (the default) means infinite.
 *   With BisectBatchOnFunctionError the batch is split in two and each half retried, and a split does
 *   not count towards the retry quota; with a partial batch response too, the batch is split at the
 *   returned sequence number. A discarded batch is sent to the on-failure destination as a record with
 *   `KinesisBatchInfo` (shard, first and last sequence numbers), not the data (same guide, "Retain
 *   discarded batch records for a Kinesis Data Streams event source in Lambda";
 *   CreateEventSourceMapping API reference for the defaults).
 *
 * Assumed, because AWS does not document it:
 * - The delay before a retry: `RETRY_DELAY` below, exponential from 1 s to 60 s.
 * - When the maximum age is checked: before each invocation; the expired records (the oldest, at the
 *   front of the batch) are discarded and the rest invoked.
 * - That the halves of a split batch are processed in order, the first first, then normal batching
 *   resumes after the second; and that a partial failure counts as a retry.
 *
 * It runs on a simulated clock so that an outage of minutes takes seconds: each shard's clock advances
 * by the real time of its invocations plus the modelled delays (polls and retries), and shards run
 * concurrently. A test that stops a store does so at a barrier (`runUntil`): every shard has reached
 * that simulated time, and none has an invocation in flight.
 */

/** The settings of an AWS::Lambda::EventSourceMapping that the model follows. */
export interface MappingSettings {
  readonly batchSize: number;
  readonly bisectOnError: boolean;
  /** -1: infinite. */
  readonly maxRetryAttempts: number;
  /** -1: infinite. */
  readonly maxRecordAgeSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly onFailureDestination: boolean;
}

/** The settings of the one event source mapping in a synthesized template, Lambda's defaults where a property is absent. */
export function mappingSettings(template: { Resources: Record<string, any> }): MappingSettings {
  const mappings = Object.values(template.Resources).filter(r => r.Type === 'AWS::Lambda::EventSourceMapping');
  if (mappings.length !== 1) throw new Error(`expected one event source mapping, found ${mappings.length}`);
  const p = mappings[0].Properties;
  if ((p.ParallelizationFactor ?? 1) !== 1) throw new Error('the model runs one batch per shard at a time (ParallelizationFactor 1)');
  return {
    batchSize: p.BatchSize ?? 100,
    bisectOnError: p.BisectBatchOnFunctionError ?? false,
    maxRetryAttempts: p.MaximumRetryAttempts ?? -1,
    maxRecordAgeSeconds: p.MaximumRecordAgeInSeconds ?? -1,
    reportBatchItemFailures: (p.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    onFailureDestination: p.DestinationConfig?.OnFailure?.Destination !== undefined,
  };
}

/** Documented base polling rate: once per second. */
export const POLL_INTERVAL_MS = 1_000;
/** Assumed: the delay before the n-th consecutive retry of a shard (1 s, 2 s, 4 s ... at most 60 s). */
export const RETRY_DELAY = (failures: number) => Math.min(60_000, 1_000 * 2 ** Math.max(0, failures - 1));

/** A record as the stream holds it. */
export interface StreamRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Buffer;
  /** When it arrived on the stream, simulated ms. */
  readonly arrivalMs: number;
}

/**
 * The shard a partition key goes to, as Kinesis maps it: the MD5 of the key as a 128-bit number, in
 * one of `shards` equal hash-key ranges.
 */
export function shardOf(partitionKey: string, shards: number): number {
  const hash = BigInt(`0x${createHash('md5').update(partitionKey).digest('hex')}`);
  return Number(hash / (2n ** 128n / BigInt(shards) + 1n));
}

/** The documented on-failure record of a discarded batch. */
export interface OnFailureRecord {
  readonly requestContext: { readonly condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded'; readonly approximateInvokeCount: number };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

export interface MappingTarget {
  /** Invokes the function with a batch of a shard (each shard has its own execution environment). */
  invoke(shardId: string, records: KinesisStreamRecord[]): Promise<Outcome>;
  /** The on-failure destination. */
  onFailure(record: OnFailureRecord): Promise<void>;
}

/** What happened on one shard. */
export interface ShardStats {
  invocations: number;
  functionErrors: number;
  partialFailures: number;
  bisections: number;
  discarded: number;
  /** Simulated ms the shard spent on failed invocations and their retry delays. */
  failingMs: number;
}

interface Batch {
  /** Indices [from, to) of the shard's records. */
  readonly from: number;
  readonly to: number;
  attempts: number;
}

class ShardPoller {
  clock = 0;
  cursor = 0;
  batch?: Batch;
  readonly pending: Batch[] = [];
  failures = 0;
  readonly stats: ShardStats = { invocations: 0, functionErrors: 0, partialFailures: 0, bisections: 0, discarded: 0, failingMs: 0 };

  constructor(readonly shardId: string, readonly records: readonly StreamRecord[], private readonly model: EventSourceMappingModel) {}

  get done(): boolean {
    return this.batch === undefined && this.pending.length === 0 && this.cursor >= this.records.length;
  }

  async step(): Promise<void> {
    const settings = this.model.settings;
    if (this.batch === undefined) {
      this.batch = this.pending.shift();
      if (this.batch === undefined) {
        let to = this.cursor;
        while (to < this.records.length && to - this.cursor < settings.batchSize && this.records[to].arrivalMs <= this.clock) to++;
        if (to === this.cursor) {
          // Nothing yet: the next poll (once a second) that finds the next record.
          const next = this.records[this.cursor].arrivalMs;
          this.clock += Math.max(1, Math.ceil((next - this.clock) / POLL_INTERVAL_MS)) * POLL_INTERVAL_MS;
          return;
        }
        this.batch = { from: this.cursor, to, attempts: 0 };
      }
    }
    const batch = this.batch;

    // Records past the maximum age are discarded before the invocation (the oldest come first).
    if (settings.maxRecordAgeSeconds >= 0) {
      let expired = batch.from;
      while (expired < batch.to && this.clock - this.records[expired].arrivalMs > settings.maxRecordAgeSeconds * 1000) expired++;
      if (expired > batch.from) {
        await this.discard(batch.from, expired, 'RecordAgeExceeded', batch.attempts);
        if (expired === batch.to) {
          this.finish(batch);
          return;
        }
        this.batch = { from: expired, to: batch.to, attempts: batch.attempts };
        return;
      }
    }

    const started = Date.now();
    const outcome = await this.model.target.invoke(this.shardId, this.records.slice(batch.from, batch.to).map(r => this.model.toEvent(r)));
    const elapsed = Date.now() - started;
    this.clock += elapsed;
    this.stats.invocations++;
    const failed = outcome.ok ? outcome.response.batchItemFailures ?? [] : [];

    if (outcome.ok && (failed.length === 0 || !settings.reportBatchItemFailures)) {
      this.failures = 0;
      this.finish(batch);
      return;
    }

    this.failures++;
    this.stats.failingMs += elapsed;
    if (outcome.ok) {
      // A partial failure: checkpoint at the lowest reported sequence number, retry from there.
      this.stats.partialFailures++;
      const lowest = failed.map(f => BigInt(f.itemIdentifier)).reduce((a, b) => (a < b ? a : b));
      const at = this.records.findIndex((r, i) => i >= batch.from && i < batch.to && BigInt(r.sequenceNumber) === lowest);
      this.cursor = Math.max(this.cursor, at);
      this.batch = { from: at, to: batch.to, attempts: batch.attempts + 1 };
    } else if (settings.bisectOnError && batch.to - batch.from > 1) {
      // Split in two; the split does not count towards the retry quota.
      this.stats.functionErrors++;
      this.stats.bisections++;
      const mid = batch.from + Math.ceil((batch.to - batch.from) / 2);
      this.batch = { from: batch.from, to: mid, attempts: batch.attempts };
      this.pending.unshift({ from: mid, to: batch.to, attempts: batch.attempts });
    } else {
      this.stats.functionErrors++;
      batch.attempts++;
    }
    const current = this.batch!;
    if (settings.maxRetryAttempts >= 0 && current.attempts > settings.maxRetryAttempts) {
      await this.discard(current.from, current.to, 'RetryAttemptsExhausted', current.attempts);
      this.finish(current);
      return;
    }
    const delay = RETRY_DELAY(this.failures);
    this.clock += delay;
    this.stats.failingMs += delay;
  }

  private finish(batch: Batch): void {
    this.cursor = Math.max(this.cursor, batch.to);
    this.batch = undefined;
  }

  private async discard(from: number, to: number, condition: OnFailureRecord['requestContext']['condition'], attempts: number): Promise<void> {
    this.stats.discarded += to - from;
    if (!this.model.settings.onFailureDestination) return;
    const first = this.records[from];
    const last = this.records[to - 1];
    await this.model.target.onFailure({
      requestContext: { condition, approximateInvokeCount: attempts + 1 },
      version: '1.0',
      timestamp: this.model.isoAt(this.clock),
      KinesisBatchInfo: {
        shardId: this.shardId,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: this.model.isoAt(first.arrivalMs),
        approximateArrivalOfLastRecord: this.model.isoAt(last.arrivalMs),
        batchSize: to - from,
        streamArn: this.model.streamArn,
      },
    });
  }
}

export class EventSourceMappingModel {
  private readonly pollers: ShardPoller[];

  /**
   * @param settings the mapping's settings (`mappingSettings` of the construct's template)
   * @param stream each shard's records, in order (what the model reads)
   * @param target the function and the on-failure destination
   * @param streamArn the stream's ARN, in events and on-failure records
   * @param epochMs the real time simulated time 0 stands for (events' arrival timestamps)
   */
  constructor(readonly settings: MappingSettings, stream: ReadonlyMap<string, readonly StreamRecord[]>,
    readonly target: MappingTarget, readonly streamArn: string, private readonly epochMs = Date.UTC(2026, 2, 1, 12)) {
    this.pollers = [...stream].map(([shardId, records]) => new ShardPoller(shardId, records, this));
  }

  /** Runs every shard until its clock reaches `simulatedMs` (or it has processed everything), concurrently. */
  async runUntil(simulatedMs: number): Promise<void> {
    await Promise.all(this.pollers.map(async poller => {
      while (poller.clock < simulatedMs && !poller.done) await poller.step();
    }));
  }

  /** Runs until every record of every shard is processed or discarded. */
  async runToEnd(): Promise<void> {
    await this.runUntil(Number.POSITIVE_INFINITY);
  }

  /** Each shard's statistics. */
  get stats(): Record<string, ShardStats> {
    return Object.fromEntries(this.pollers.map(p => [p.shardId, p.stats]));
  }

  /** The latest shard clock, simulated ms. */
  get clock(): number {
    return Math.max(...this.pollers.map(p => p.clock));
  }

  /** A record as the mapping delivers it. */
  toEvent(r: StreamRecord): KinesisStreamRecord {
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.partitionKey,
        sequenceNumber: r.sequenceNumber,
        data: r.data.toString('base64'),
        approximateArrivalTimestamp: (this.epochMs + r.arrivalMs) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${r.shardId}:${r.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/processor',
      awsRegion: this.streamArn.split(':')[3],
      eventSourceARN: this.streamArn,
    };
  }

  isoAt(simulatedMs: number): string {
    return new Date(this.epochMs + simulatedMs).toISOString();
  }
}

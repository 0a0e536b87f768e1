/**
 * One batch of Kinesis records through the processor, the same for the event source mapping's
 * invocations (handler) and for the redrive (redrive.ts):
 * - each record is decoded and checked (transaction.ts); a valid one is stored in PostgreSQL, then
 *   applied to its customer's state in Redis (convergence.ts), both idempotently;
 * - a record that is not a valid transaction goes to the quarantine queue with its payload and the
 *   reason, and is then acknowledged: no retry sees it again;
 * - a store that is away is waited for within the invocation (wait.ts); one that stays away, or a
 *   quarantine that cannot be written, fails the batch: nothing is acknowledged that was not kept.
 * Stores first, quarantine last: a batch that fails on a store quarantines nothing, so a retry does
 * not quarantine twice.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import type { CustomerCache } from './cache';
import type { ProcessorConfig } from './config';
import { CacheConvergence } from './convergence';
import { TransactionTable } from './database';
import { log } from './log';
import { Quarantine, type Refused } from './quarantine';
import { isRejected, parseRecord, type IncomingTransaction } from './transaction';
import type { WaitBudget } from './wait';
import { ERASED_RECORDS_DROPPED_METRIC } from '../../src/private/subject-contract';
import { metricFields } from '../common/metrics';

/** What a batch goes through: the stores and the quarantine, one of each per execution environment. */
export interface Processor {
  readonly table: TransactionTable;
  readonly cache: CustomerCache;
  readonly convergence: CacheConvergence;
  readonly quarantine: Quarantine;
  readonly config: ProcessorConfig;
  /** The keyed hash of a customer id, with the subject key (read once per execution environment). */
  readonly subjectHasher: () => Promise<(customerId: string) => string>;
}

export interface BatchOutcome {
  /** Valid transactions (the first copy of each id) stored. */
  readonly stored: number;
  /** Valid transactions of erased subjects, which the fence dropped (in PostgreSQL or the cache). */
  readonly dropped: number;
  /** Records refused, with why; sent to the quarantine unless the caller asked otherwise. */
  readonly refused: readonly Refused[];
}

/**
 * Processes `records`. Throws when a store stays away past the budget, refuses the batch, or the
 * quarantine cannot be written: the caller then acknowledges nothing.
 *
 * @param quarantine send refused records to the quarantine queue (false: the redrive of quarantined
 *   records, which keeps a record that is still refused where it is)
 */
export async function processBatch(p: Processor, records: readonly KinesisStreamRecord[], budget: WaitBudget,
  quarantine = true): Promise<BatchOutcome> {
  const started = Date.now();
  const valid: IncomingTransaction[] = [];
  const refused: Refused[] = [];
  const ids = new Set<string>();
  for (const record of records) {
    const parsed = parseRecord(record);
    if (isRejected(parsed)) {
      refused.push({ record, reason: parsed.reason });
    } else if (!ids.has(parsed.transactionId)) {
      // The same transaction twice in a batch: the first copy is the one stored.
      ids.add(parsed.transactionId);
      valid.push(parsed);
    }
  }

  let databaseMs = 0;
  let cacheMs = 0;
  let dropped = 0;
  if (valid.length > 0) {
    // Each subject by its keyed hash (src/private/subject-contract.ts), computed in the process.
    const hashOf = await p.subjectHasher();
    const stored = await budget.run('PostgreSQL', () => p.table.store(valid, hashOf));
    const returnedAt = Date.now();
    databaseMs = returnedAt - started;
    // PostgreSQL's fence dropped the rows of erased subjects: neither inserted nor read back.
    dropped = valid.length - stored.length;
    dropped += await budget.run('Redis', () => p.convergence.apply(stored, returnedAt, budget));
    cacheMs = Date.now() - returnedAt;
  }
  if (quarantine && refused.length > 0) {
    await p.quarantine.send(refused);
  }

  log('batch', {
    records: records.length,
    stored: valid.length,
    // Why, by sequence number: never a record's content, which is personal data.
    rejected: refused.map(r => ({ sequenceNumber: r.record.kinesis.sequenceNumber, reason: r.reason })),
    quarantined: quarantine ? refused.length : 0,
    ms: Date.now() - started,
    databaseMs,
    cacheMs,
    // As a metric too (embedded metric format): what the fence dropped.
    ...metricFields(p.config.subjects.pipeline, { [ERASED_RECORDS_DROPPED_METRIC]: dropped }),
  });
  return { stored: valid.length - dropped, dropped, refused };
}

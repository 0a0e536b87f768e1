/**
 * The reference transaction processor: a Lambda function behind a Kinesis event source mapping with
 * `FunctionResponseTypes: ReportBatchItemFailures`. Each record is a transaction
 * (transaction-processor/transaction.schema.json); the batch's valid ones are stored in PostgreSQL
 * (idempotently, one statement) and then applied to their customers' state in Redis (idempotently,
 * pipelined, with a TTL).
 *
 * - A record that is not a valid transaction is reported in `batchItemFailures` (the event source
 *   mapping retries from it, then hands it to the on-failure destination); the rest are stored.
 * - A store that cannot be reached fails the whole batch (the handler throws): nothing is acknowledged
 *   that was not stored in both. The retry stores nothing twice.
 * - Configuration, secrets and connections live at module scope: reused across invocations.
 *
 * Bundled by `npx projen bundle` into assets/handlers/transaction-processor/index.js, handler
 * `index.handler`. Environment variables: transaction-processor/config.ts and docs/processor.md.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { CustomerCache } from './transaction-processor/cache';
import { readConfig } from './transaction-processor/config';
import { TransactionTable } from './transaction-processor/database';
import { log } from './transaction-processor/log';
import { isRejected, parseRecord, type IncomingTransaction, type RejectedRecord } from './transaction-processor/transaction';

interface Stores {
  readonly table: TransactionTable;
  readonly cache: CustomerCache;
}

let stores: Stores | undefined;

/** Built on the first invocation, so that a configuration error fails invocations, with its message. */
function theStores(): Stores {
  if (stores === undefined) {
    const config = readConfig();
    stores = { table: new TransactionTable(config.database), cache: new CustomerCache(config.cache) };
  }
  return stores;
}

export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  const started = Date.now();
  const { table, cache } = theStores();

  const valid: IncomingTransaction[] = [];
  const rejected: RejectedRecord[] = [];
  const ids = new Set<string>();
  for (const record of event.Records) {
    const parsed = parseRecord(record);
    if (isRejected(parsed)) {
      rejected.push(parsed);
    } else if (!ids.has(parsed.transactionId)) {
      // The same transaction twice in a batch: the first copy is the one stored.
      ids.add(parsed.transactionId);
      valid.push(parsed);
    }
  }

  let databaseMs = 0;
  let cacheMs = 0;
  if (valid.length > 0) {
    const stored = await table.store(valid);
    databaseMs = Date.now() - started;
    await cache.update(stored);
    cacheMs = Date.now() - started - databaseMs;
  }

  log('batch', {
    records: event.Records.length,
    stored: valid.length,
    rejected: rejected.map(r => ({ sequenceNumber: r.sequenceNumber, reason: r.reason })),
    ms: Date.now() - started,
    databaseMs,
    cacheMs,
  });
  return { batchItemFailures: rejected.map(r => ({ itemIdentifier: r.sequenceNumber })) };
}

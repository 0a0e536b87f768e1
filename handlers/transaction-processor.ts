/**
 * The reference transaction processor: a Lambda function behind a Kinesis event source mapping. Each
 * record is a transaction (transaction-processor/transaction.schema.json); the batch's valid ones are
 * stored in PostgreSQL (idempotently, one statement) and then applied to their customers' state in
 * Redis (idempotently, pipelined, with a TTL). transaction-processor/batch.ts has the details:
 *
 * - A record that is not a valid transaction goes to the quarantine queue, with its payload and the
 *   reason, and is acknowledged: a retry never sees it again.
 * - A store that is away is waited for within the invocation, up to a bound below its remaining time;
 *   one that stays away fails the whole batch (the handler throws): nothing is acknowledged that was not
 *   stored in both. The event source mapping retries it until the records' maximum age; the retry
 *   stores nothing twice.
 * - After a cache failover, what the promoted replica lacks is re-applied from PostgreSQL.
 * - Configuration, secrets and connections live at module scope: reused across invocations.
 *
 * A second entry point, `redrive`, is the redrive function's (transaction-processor/redrive.ts).
 *
 * Bundled by `npx projen bundle` into assets/handlers/transaction-processor/index.js, handlers
 * `index.handler` and `index.redrive`. Environment variables: transaction-processor/config.ts and
 * docs/processor.md.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { processBatch } from './transaction-processor/batch';
import { theProcessor } from './transaction-processor/processor';
import { WaitBudget, type InvocationClock } from './transaction-processor/wait';

export { redrive } from './transaction-processor/redrive';

export async function handler(event: KinesisStreamEvent, context?: InvocationClock): Promise<KinesisStreamBatchResponse> {
  const processor = theProcessor();
  await processBatch(processor, event.Records, WaitBudget.of(context));
  // Everything was stored or quarantined: nothing for the event source mapping to retry.
  return { batchItemFailures: [] };
}

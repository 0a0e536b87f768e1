import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DatabaseAuthentication } from '../database-login';
import { checkInt, checkSeconds, fail } from '../private/validation';

/**
 * Options of a transaction processor: `pipeline.addProcessor(id, options)`. Every value is checked at
 * synth time.
 */
export interface TransactionProcessorOptions {
  /**
   * The processor's code. Leave it out to run the reference processor shipped with this library,
   * which stores each transaction in PostgreSQL and the customer's state in Redis (README, "The
   * transaction processor").
   *
   * @default - the reference processor
   */
  readonly code?: lambda.Code;

  /**
   * The handler, for your own `code`.
   *
   * @default 'index.handler'
   */
  readonly handler?: string;

  /**
   * The runtime, for your own `code`.
   *
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Memory, 128 to 10240 MiB.
   *
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * How long one batch may take, at most 15 minutes.
   *
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;

  /**
   * More environment variables for your own `code` (the pipeline's endpoints and secrets are set
   * already: README lists them).
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * Records per batch, 1 to 10000.
   *
   * @default 100
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before it invokes, up to 5 minutes.
   *
   * @default - none: a batch is invoked as soon as records arrive
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Where a new processor starts reading.
   *
   * @default lambda.StartingPosition.TRIM_HORIZON (the oldest record kept: nothing is skipped)
   */
  readonly startingPosition?: lambda.StartingPosition;

  /**
   * Concurrent batches per shard, 1 to 10 (records of one partition key stay in order).
   *
   * @default 1
   */
  readonly parallelizationFactor?: number;

  /**
   * Split a failing batch in two and retry each half, so one bad record does not hold back the rest.
   *
   * @default true
   */
  readonly bisectBatchOnError?: boolean;

  /**
   * Retries of a failing batch before its records go to the failed-records queue, 0 to 10000
   * (never unbounded: a poison record would block its shard until the record expires).
   *
   * @default 10
   */
  readonly retryAttempts?: number;

  /**
   * Records older than this go to the failed-records queue instead of being processed, 60 seconds
   * up to the stream's retention, so the record can still be read from the stream by its shard and
   * sequence number when it gets there.
   *
   * @default Duration.hours(1)
   */
  readonly maxRecordAge?: Duration;

  /**
   * The processor reports the records it could not process (`batchItemFailures`), so only those are
   * retried; the reference processor does.
   *
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;

  /**
   * How the processor's PostgreSQL role, `lgpd_processor` (INSERT and SELECT on the transactions table,
   * nothing else), signs in. Every processor of a pipeline signs in as that role, so all must agree.
   * The processor never reads the master secret.
   *
   * @default DatabaseAuthentication.IAM
   */
  readonly databaseAuthentication?: DatabaseAuthentication;

  /**
   * How long a customer's state stays in the cache after their last transaction, 1 second to 365 days.
   *
   * @default Duration.days(1)
   */
  readonly cacheTtl?: Duration;

  /**
   * Concurrent executions reserved for the processor (and the most it may use). A Kinesis event source
   * never runs more than shards x parallelizationFactor at once. Lambda refuses a reservation that leaves
   * the account fewer than 100 unreserved executions, which many new accounts cannot, so none is made
   * unless asked for.
   *
   * @default - none: the processor shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * Fails on an option out of range, naming it with its `processor.` prefix.
 *
 * @param options the user's options
 * @param streamRetention the stream's retention, which bounds `maxRecordAge`
 */
export function validateProcessorOptions(options: TransactionProcessorOptions, streamRetention: Duration): void {
  checkInt('processor.memorySize', options.memorySize, 128, 10240);
  checkSeconds('processor.timeout', options.timeout, 1, 900);
  checkInt('processor.batchSize', options.batchSize, 1, 10000);
  checkSeconds('processor.maxBatchingWindow', options.maxBatchingWindow, 0, 300);
  checkInt('processor.parallelizationFactor', options.parallelizationFactor, 1, 10);
  checkInt('processor.retryAttempts', options.retryAttempts, 0, 10000, 'never unbounded: a poison record would block its shard');
  checkSeconds('processor.maxRecordAge', options.maxRecordAge, 60, Math.min(604800, streamRetention.isUnresolved() ? 604800 : streamRetention.toSeconds()),
    'at most the stream\'s retention, so a failed record can still be read from the stream');
  checkSeconds('processor.cacheTtl', options.cacheTtl, 1, 365 * 86400);
  checkInt('processor.reservedConcurrentExecutions', options.reservedConcurrentExecutions, 1, 10000);
  if ((options.handler !== undefined || options.runtime !== undefined) && options.code === undefined) {
    fail('processor.handler', options.handler ?? options.runtime?.name, 'must be given together with processor.code (the reference processor has its own)');
  }
}

import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ITERATOR_AGE_PERIOD, ITERATOR_AGE_PERIODS, iteratorAgeAlarmDelay } from './alarms';
import { DatabaseAuthentication } from '../database-login';
import { checkInt, checkSeconds, fail, render } from '../private/validation';

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
   * Retries of a failing batch before its records go to the failed-records queue, 0 to 10000. Leave it
   * unset for the reference processor: a record that can never succeed goes to the quarantine queue and
   * is acknowledged, so what fails a batch is a store outage, which is waited out in time
   * (`maxRecordAge`), not in a number of retries that an outage uses up in minutes.
   *
   * @default - unbounded: a failing batch is retried until its records reach `maxRecordAge`
   */
  readonly retryAttempts?: number;

  /**
   * How long a failing batch is retried: records older than this go to the failed-records queue (their
   * shard and sequence numbers, for the redrive function) instead of being processed. At least twice
   * the time the iterator-age alarm takes to go off (`iteratorAgeAlarmThreshold` plus one minute), so
   * that an operator hears of an outage while nothing is lost yet; at most the stream's retention less
   * one hour, so that the records of a failed-records pointer can still be read from the stream.
   *
   * @default Duration.hours(6): a Multi-AZ failover of the database or the cache (1-2 minutes), or a
   * maintenance window (30 minutes and more), passes with nothing discarded; 18 of the default 24 hours
   * of stream retention remain to redrive what does reach it
   */
  readonly maxRecordAge?: Duration;

  /**
   * Alarm (`PROCESSOR_ITERATOR_AGE`) when the processor is handed records older than this (Lambda's
   * `IteratorAge`, the maximum over a minute): it is behind, most likely retrying through an outage.
   * With `maxRecordAge` it must leave time to act: the alarm goes off within half of `maxRecordAge`.
   *
   * @default - 10 minutes, or a quarter of `maxRecordAge` if that is shorter
   */
  readonly iteratorAgeAlarmThreshold?: Duration;

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

/** `maxRecordAge` when not given (its `@default` says why). */
export const DEFAULT_MAX_RECORD_AGE = Duration.hours(6);
/** The stream keeps a failed-records pointer's records at least this long after they reach `maxRecordAge`. */
export const REDRIVE_WINDOW = Duration.hours(1);
/** Lambda's largest `MaximumRecordAgeInSeconds`. */
const LAMBDA_MAX_RECORD_AGE_SECONDS = 604800;

/** The maximum record age of a processor with these options. */
export function maxRecordAgeOf(options: TransactionProcessorOptions): Duration {
  return options.maxRecordAge ?? DEFAULT_MAX_RECORD_AGE;
}

/** The iterator-age alarm's threshold of a processor with these options (its `@default` says how). */
export function iteratorAgeThresholdOf(options: TransactionProcessorOptions): Duration {
  if (options.iteratorAgeAlarmThreshold !== undefined) return options.iteratorAgeAlarmThreshold;
  const maxAge = maxRecordAgeOf(options);
  if (maxAge.isUnresolved()) return Duration.minutes(10);
  return Duration.seconds(Math.min(600, Math.floor(maxAge.toSeconds() / 4)));
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
  checkInt('processor.retryAttempts', options.retryAttempts, 0, 10000, 'or unset: retried until the records reach processor.maxRecordAge');
  const retention = streamRetention.isUnresolved() ? undefined : streamRetention.toSeconds();
  const maxAgeLimit = retention === undefined ? LAMBDA_MAX_RECORD_AGE_SECONDS
    : Math.min(LAMBDA_MAX_RECORD_AGE_SECONDS, retention - REDRIVE_WINDOW.toSeconds());
  checkSeconds('processor.maxRecordAge', options.maxRecordAge, 60, maxAgeLimit,
    `at most the stream's retention (${retention === undefined ? 'a token' : streamRetention.toHumanString()}) less ${REDRIVE_WINDOW.toHumanString()}, `
    + 'so that the records of a failed-records pointer can still be read from the stream to redrive them, and at most Lambda\'s 604800');
  checkSeconds('processor.iteratorAgeAlarmThreshold', options.iteratorAgeAlarmThreshold, 1, LAMBDA_MAX_RECORD_AGE_SECONDS);
  checkSeconds('processor.cacheTtl', options.cacheTtl, 1, 365 * 86400);
  checkInt('processor.reservedConcurrentExecutions', options.reservedConcurrentExecutions, 1, 10000);
  if ((options.handler !== undefined || options.runtime !== undefined) && options.code === undefined) {
    fail('processor.handler', options.handler ?? options.runtime?.name, 'must be given together with processor.code (the reference processor has its own)');
  }
}

/**
 * Fails unless the iterator-age alarm goes off well before records reach their maximum age: within half
 * of it, so that an operator hears of an outage while nothing is lost yet. Called only when the alarm
 * exists (alarms on, `PROCESSOR_ITERATOR_AGE` not disabled). Names the option the user set; both when
 * both were.
 */
export function validateIteratorAgeAlarm(options: TransactionProcessorOptions): void {
  const maxAge = maxRecordAgeOf(options);
  const threshold = iteratorAgeThresholdOf(options);
  if (maxAge.isUnresolved() || threshold.isUnresolved()) return;
  const firesAfter = iteratorAgeAlarmDelay(threshold);
  if (firesAfter.toSeconds() * 2 <= maxAge.toSeconds()) return;
  const why = `the iterator-age alarm (threshold ${threshold.toHumanString()}, plus one minute of evaluation) goes off after ${firesAfter.toHumanString()}, `
    + `which must be at most half of processor.maxRecordAge (${maxAge.toHumanString()}), so that an outage is heard of before any record is discarded`;
  if (options.iteratorAgeAlarmThreshold !== undefined) {
    const most = Math.floor(maxAge.toSeconds() / 2) - ITERATOR_AGE_PERIOD.toSeconds() * ITERATOR_AGE_PERIODS;
    const withAge = `with processor.maxRecordAge ${render(maxAge)}${options.maxRecordAge ? '' : ' (the default)'}`;
    fail('processor.iteratorAgeAlarmThreshold', options.iteratorAgeAlarmThreshold,
      most > 0 ? `${why}: at most ${Duration.seconds(most).toHumanString()} ${withAge}` : `${why}: none fits ${withAge}; raise processor.maxRecordAge`);
  }
  fail('processor.maxRecordAge', maxAge, `${why}: at least ${Duration.seconds(firesAfter.toSeconds() * 2).toHumanString()}`);
}

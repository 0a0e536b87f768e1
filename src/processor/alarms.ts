import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PipelineAlarm, PipelineAlarmOptions } from '../monitoring/pipeline-alarm';

/** What a processor's alarms watch, and the limits they speak of. */
export interface ProcessorResources {
  /** The processor's function. */
  readonly function: lambda.IFunction;
  /** Its failed-records queue. */
  readonly failedRecords: sqs.IQueue;
  /** Its quarantine queue. */
  readonly quarantine: sqs.IQueue;
  /** Records older than this are discarded to the failed-records queue. */
  readonly maxRecordAge: Duration;
  /** The iterator-age alarm's threshold. */
  readonly iteratorAgeThreshold: Duration;
}

/** The iterator-age alarm's period, and how many of them must breach. */
export const ITERATOR_AGE_PERIOD = Duration.minutes(1);
export const ITERATOR_AGE_PERIODS = 1;

/**
 * How long after the processor falls behind by `threshold` its iterator-age alarm goes off: the
 * threshold, then the periods that must breach.
 */
export function iteratorAgeAlarmDelay(threshold: Duration): Duration {
  return Duration.seconds(threshold.toSeconds() + ITERATOR_AGE_PERIOD.toSeconds() * ITERATOR_AGE_PERIODS);
}

const GTE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
const GT = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;

/**
 * The alarms of a transaction processor, by construct-id suffix, each named `<processor>-<slug>` in the
 * pipeline's monitoring. Each says what failed, what is at stake, and what the operator does
 * (docs/processor.md, "Which failure goes where").
 */
export function processorAlarms(p: ProcessorResources): Record<string, Omit<PipelineAlarmOptions, 'name'> & { readonly slug: string }> {
  const maxAge = p.maxRecordAge.toHumanString();
  return {
    Errors: {
      kind: PipelineAlarm.PROCESSOR_ERRORS,
      slug: 'errors',
      metric: p.function.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: GTE,
      description: 'The transaction processor has failed batches for 15 minutes: a store is unreachable or refuses them. '
        + `Nothing is lost yet: each batch is retried until its records are ${maxAge} old. Bring the store back; the retries then store everything once.`,
    },
    IteratorAge: {
      kind: PipelineAlarm.PROCESSOR_ITERATOR_AGE,
      slug: 'iterator-age',
      metric: p.function.metric('IteratorAge', { statistic: 'Maximum', period: ITERATOR_AGE_PERIOD }),
      threshold: p.iteratorAgeThreshold.toMilliseconds(),
      evaluationPeriods: ITERATOR_AGE_PERIODS,
      comparisonOperator: GT,
      description: `The transaction processor is handed records more than ${p.iteratorAgeThreshold.toHumanString()} old: it is behind, most likely retrying `
        + `through a store outage. Records still unprocessed at ${maxAge} go to the failed-records queue: bring the store back before then.`,
    },
    FailedRecords: {
      kind: PipelineAlarm.PROCESSOR_FAILED_RECORDS,
      slug: 'failed-records',
      metric: p.failedRecords.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: GT,
      description: `Records reached the processor's maximum record age (${maxAge}) or its retry limit unprocessed: their shard and sequence ranges are `
        + 'in the failed-records queue. Fix the cause, then run the redrive function before the stream\'s retention drops the records.',
    },
    Quarantined: {
      kind: PipelineAlarm.PROCESSOR_QUARANTINED,
      slug: 'quarantined',
      metric: p.quarantine.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: GT,
      description: 'Records that are not valid transactions are in the quarantine queue, with their payload and the reason (kept 14 days). '
        + 'Fix the producer, or the processor if it was wrong, then redrive the quarantine.',
    },
  };
}

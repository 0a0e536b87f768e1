import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PipelineAlarm, PipelineAlarmOptions } from '../monitoring/pipeline-alarm';

/** What a processor's alarms watch. */
export interface ProcessorResources {
  /** The processor's function. */
  readonly function: lambda.IFunction;
  /** Its failed-records queue. */
  readonly failedRecords: sqs.IQueue;
}

/**
 * The alarms of a transaction processor, by construct-id suffix, each named `<processor>-<slug>` in the
 * pipeline's monitoring (the stream's iterator-age alarm covers the processor's lag).
 */
export function processorAlarms(p: ProcessorResources): Record<string, Omit<PipelineAlarmOptions, 'name'> & { readonly slug: string }> {
  return {
    Errors: {
      kind: PipelineAlarm.PROCESSOR_ERRORS,
      slug: 'errors',
      metric: p.function.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description: 'The transaction processor has failed batches for 15 minutes: a store is unreachable or records cannot be stored; they are retried, then their positions go to the failed-records queue.',
    },
    FailedRecords: {
      kind: PipelineAlarm.PROCESSOR_FAILED_RECORDS,
      slug: 'failed-records',
      metric: p.failedRecords.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: 'Records the transaction processor gave up on wait in its failed-records queue (shard and sequence numbers): read them from the stream before its retention ends, and process them again.',
    },
  };
}

import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ILgpdDataPipeline } from '../add-on';

/** Lambda's longest timeout: what a consumer whose function is not found here may take. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** What the stream's consumers allow, read from the synthesized event source mappings. */
export interface StreamConsumerLimits {
  /** The longest a record can wait before a consumer processes it: a mapping's maximum record age, at most the retention. */
  readonly maxRecordAgeSeconds: number;
  /** The longest one invocation of a consumer can take: its function's timeout. */
  readonly maxInvocationSeconds: number;
}

/**
 * The limits of every Lambda event source mapping that reads the pipeline's stream in its stack: the
 * reference processors and any consumer of your own. Call it lazily (at synth time, in a `Lazy`), so
 * that consumers added after the data-subject rights count too.
 *
 * A mapping without a maximum record age (or -1, unbounded) may process a record as long as the stream
 * keeps it. A mapping whose function is not a function of this stack may take Lambda's longest timeout.
 */
export function streamConsumerLimits(pipeline: ILgpdDataPipeline): StreamConsumerLimits {
  const stack = Stack.of(pipeline);
  const retention = pipeline.streamRetention.toSeconds();
  const stream = JSON.stringify(stack.resolve(pipeline.stream.streamArn));
  const functions = stack.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction);
  let maxRecordAgeSeconds = 0;
  let maxInvocationSeconds = 0;
  for (const mapping of stack.node.findAll()) {
    if (!(mapping instanceof lambda.CfnEventSourceMapping) || JSON.stringify(stack.resolve(mapping.eventSourceArn)) !== stream) continue;
    const age = stack.resolve(mapping.maximumRecordAgeInSeconds);
    maxRecordAgeSeconds = Math.max(maxRecordAgeSeconds, typeof age === 'number' && age >= 0 ? Math.min(age, retention) : retention);
    const target = JSON.stringify(stack.resolve(mapping.functionName));
    const fn = functions.find(f => [f.ref, f.attrArn, f.functionName].some(v => v !== undefined && JSON.stringify(stack.resolve(v)) === target));
    const timeout = fn === undefined ? undefined : stack.resolve(fn.timeout);
    // CloudFormation's default timeout is 3 seconds.
    maxInvocationSeconds = Math.max(maxInvocationSeconds, fn === undefined ? LAMBDA_MAX_TIMEOUT_SECONDS : typeof timeout === 'number' ? timeout : 3);
  }
  return { maxRecordAgeSeconds, maxInvocationSeconds };
}

/**
 * How long a cache tombstone must live: longer than any record of the subject could still reach a
 * consumer. A record put on the stream just before the erasure can be read for the stream's retention,
 * can wait up to a consumer's maximum record age, and its invocation can then run for the function's
 * timeout. (PostgreSQL's tombstone never expires, and the processor updates the cache only with rows
 * PostgreSQL stored: the cache tombstone guards the batches in flight while the erasure runs.)
 */
export function tombstoneTtl(pipeline: ILgpdDataPipeline): Duration {
  const limits = streamConsumerLimits(pipeline);
  return Duration.seconds(pipeline.streamRetention.toSeconds() + Math.max(limits.maxRecordAgeSeconds, 0) + limits.maxInvocationSeconds + 1);
}

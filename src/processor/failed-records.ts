import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantQueue, pipelineQueue, QueueAccess } from '../private/queues';

/** Properties of {@link FailedRecordsDestination.create}. */
export interface FailedRecordsDestinationProps {
  /** The queue's name. */
  readonly queueName: string;
  /** The pipeline key, which encrypts the queue. */
  readonly encryptionKey: kms.IKey;
  /** What happens to the queue when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Where a Kinesis event source mapping sends the shard and sequence numbers of the records its function
 * gave up on (with the processor's defaults: records that reached their maximum age): a pipeline queue
 * (encrypted with the pipeline key, TLS only, 14 days), which the redrive function reads.
 *
 * Written by hand in the shape of aws-cdk-lib's `SqsDlq`: that one grants in `bind` through the target's
 * role (here immutable, whose permissions live in a customer-managed policy) and grants the key's
 * `kms:*` wildcards; `grantSend` grants `sqs:SendMessage` and the key's two actions, through SQS only.
 */
export class FailedRecordsDestination implements lambda.IEventSourceDlq {
  /** Creates the queue, with the construct id `FailedRecords`, in `scope`. */
  public static create(scope: Construct, props: FailedRecordsDestinationProps): FailedRecordsDestination {
    return new FailedRecordsDestination(pipelineQueue(scope, 'FailedRecords', props), props.encryptionKey);
  }

  private constructor(
    /** The queue. */
    public readonly queue: sqs.Queue,
    private readonly encryptionKey: kms.IKey,
  ) {}

  /** The queue's ARN as the mapping's on-failure destination (the permission comes from `grantSend`). */
  public bind(): lambda.DlqDestinationConfig {
    return { destination: this.queue.queueArn };
  }

  /** Lets `principal` send to the queue: `sqs:SendMessage`, and the data key it needs, through SQS only. */
  public grantSend(principal: iam.IPrincipal): void {
    grantQueue(principal, this.queue, this.encryptionKey, QueueAccess.SEND);
  }

  /** Lets `principal` receive and delete the queue's messages, and decrypt them, through SQS only. */
  public grantConsume(principal: iam.IPrincipal): void {
    grantQueue(principal, this.queue, this.encryptionKey, QueueAccess.CONSUME);
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantQueue, pipelineQueue, QueueAccess } from '../private/queues';

/** Properties of {@link QuarantineQueue.create}. */
export interface QuarantineQueueProps {
  /** The queue's name. */
  readonly queueName: string;
  /** The pipeline key, which encrypts the queue. */
  readonly encryptionKey: kms.IKey;
  /** What happens to the queue when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Where the reference processor puts a record that is not a valid transaction, with its payload, the
 * reason, and its shard and sequence number, before it acknowledges it (so that no retry sees it
 * again). The payload is personal data: a pipeline queue, encrypted with the pipeline key, TLS only,
 * messages kept 14 days; the redrive function puts them through the processor again after a fix.
 */
export class QuarantineQueue {
  /** Creates the queue, with the construct id `Quarantine`, in `scope`. */
  public static create(scope: Construct, props: QuarantineQueueProps): QuarantineQueue {
    return new QuarantineQueue(pipelineQueue(scope, 'Quarantine', props), props.encryptionKey);
  }

  private constructor(
    /** The queue. */
    public readonly queue: sqs.Queue,
    private readonly encryptionKey: kms.IKey,
  ) {}

  /** Lets `principal` send to the queue, encrypting with the pipeline key through SQS only. */
  public grantSend(principal: iam.IPrincipal): void {
    grantQueue(principal, this.queue, this.encryptionKey, QueueAccess.SEND);
  }

  /** Lets `principal` receive and delete the queue's messages, and decrypt them, through SQS only. */
  public grantConsume(principal: iam.IPrincipal): void {
    grantQueue(principal, this.queue, this.encryptionKey, QueueAccess.CONSUME);
  }
}

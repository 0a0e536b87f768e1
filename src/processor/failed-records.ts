import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

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
 * gave up on: an SQS queue encrypted with the pipeline key, TLS only, kept 14 days (SQS's maximum).
 *
 * Written by hand in the shape of aws-cdk-lib's `SqsDlq`: that one grants in `bind` through the target's
 * role (here immutable, whose permissions live in a customer-managed policy) and grants the key's
 * `kms:*` wildcards; `grantSend` grants `sqs:SendMessage` and the key's two actions, through SQS only.
 */
export class FailedRecordsDestination implements lambda.IEventSourceDlq {
  /** Creates the queue, with the construct id `FailedRecords`, in `scope`. */
  public static create(scope: Construct, props: FailedRecordsDestinationProps): FailedRecordsDestination {
    const queue = new sqs.Queue(scope, 'FailedRecords', {
      queueName: props.queueName,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    return new FailedRecordsDestination(queue, props.encryptionKey);
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

  /**
   * Lets `principal` send to the queue: `sqs:SendMessage`, and the data key it needs from the pipeline
   * key, through SQS only.
   */
  public grantSend(principal: iam.IPrincipal): void {
    const region = Stack.of(this.queue).region;
    principal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    principal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } },
    }));
  }
}

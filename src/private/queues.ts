import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Properties of {@link pipelineQueue}. */
export interface PipelineQueueProps {
  /** The queue's name. */
  readonly queueName: string;
  /** The pipeline key, which encrypts the queue. */
  readonly encryptionKey: kms.IKey;
  /** What happens to the queue when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The one recipe for the pipeline's SQS queues (a processor's failed-records and quarantine queues):
 * encrypted with the pipeline key (SSE-KMS), TLS only (a queue policy denies the rest), messages kept
 * 14 days (SQS's maximum: the time an operator has to act on them), removed per the pipeline's rules.
 */
export function pipelineQueue(scope: Construct, id: string, props: PipelineQueueProps): sqs.Queue {
  return new sqs.Queue(scope, id, {
    queueName: props.queueName,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: props.encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: props.removalPolicy,
  });
}

/** What a principal does with a pipeline queue. */
export enum QueueAccess {
  /** Send messages (the key's data key to encrypt them). */
  SEND = 'SEND',
  /** Receive and delete messages (the key to decrypt them). */
  CONSUME = 'CONSUME',
}

/**
 * Grants `access` to a queue encrypted with `key`: the SQS actions on the queue, and the key's actions
 * it needs, through SQS only (`kms:ViaService`). Narrower than aws-cdk-lib's `grantSendMessages` and
 * `grantConsumeMessages`, which grant the key's `kms:ReEncrypt*` and `kms:GenerateDataKey*` wildcards.
 */
export function grantQueue(principal: iam.IPrincipal, queue: sqs.IQueue, key: kms.IKey, access: QueueAccess): void {
  const send = access === QueueAccess.SEND;
  principal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: send ? ['sqs:SendMessage'] : ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
    resources: [queue.queueArn],
  }));
  principal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: send ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'],
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(queue).region}.amazonaws.com` } },
  }));
}

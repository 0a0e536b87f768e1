import {
  CreateStreamCommand, DescribeStreamCommand, KinesisClient, ListShardsCommand, PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The AWS APIs around the processor that cannot be reached from here, emulated by moto's server: the
 * quarantine and failed-records queues (SQS) and, for the redrive, the stream (Kinesis).
 *
 * What moto cannot prove, and so the tests do not: the queues' KMS encryption and TLS-only policy
 * (moto stores messages in the clear and takes any credentials), IAM on the queues, the stream and the
 * keys, SQS's and Kinesis's quotas and message size limits, the stream's retention (moto never trims a
 * record), and the path through the VPC endpoints. The construct's side of each is tested on the
 * synthesized template.
 */
export class MotoQueues {
  readonly sqs: SQSClient;
  readonly kinesis: KinesisClient;

  constructor(readonly endpoint: string, region: string) {
    const common = { region, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    this.sqs = new SQSClient(common);
    // HTTP/1.1, which moto speaks (the Kinesis client's default is HTTP/2).
    this.kinesis = new KinesisClient({ ...common, requestHandler: new NodeHttpHandler() });
  }

  /** Creates a standard queue and returns its URL. */
  async createQueue(name: string): Promise<string> {
    return (await this.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  }

  /** Every message in the queue now, each received once and deleted (the queue is left empty). */
  async drain(queueUrl: string): Promise<string[]> {
    const bodies: string[] = [];
    for (;;) {
      const out = await this.sqs.send(new ReceiveMessageCommand({
        QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 0,
      }));
      const messages = out.Messages ?? [];
      if (messages.length === 0) return bodies;
      bodies.push(...messages.map(m => m.Body!));
      await this.sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }));
    }
  }

  /** Messages in the queue, visible or not. */
  async depth(queueUrl: string): Promise<number> {
    const out = await this.sqs.send(new GetQueueAttributesCommand({
      QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }));
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  async send(queueUrl: string, body: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  }

  async purge(queueUrl: string): Promise<void> {
    await this.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  }

  /** Creates a stream of `shards` shards and returns its ARN and shard ids, once it is active. */
  async createStream(name: string, shards: number): Promise<{ arn: string; shardIds: string[] }> {
    await this.kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    for (;;) {
      const described = await this.kinesis.send(new DescribeStreamCommand({ StreamName: name }));
      if (described.StreamDescription?.StreamStatus === 'ACTIVE') {
        const listed = await this.kinesis.send(new ListShardsCommand({ StreamName: name }));
        return { arn: described.StreamDescription.StreamARN!, shardIds: (listed.Shards ?? []).map(s => s.ShardId!) };
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  /** Puts a record on a shard (by an explicit hash key of that shard's range) and returns its sequence number. */
  async put(streamName: string, data: Buffer, partitionKey: string, explicitHashKey?: string):
  Promise<{ shardId: string; sequenceNumber: string }> {
    const out = await this.kinesis.send(new PutRecordCommand({
      StreamName: streamName, Data: data, PartitionKey: partitionKey, ExplicitHashKey: explicitHashKey,
    }));
    return { shardId: out.ShardId!, sequenceNumber: out.SequenceNumber! };
  }

  destroy(): void {
    this.sqs.destroy();
    this.kinesis.destroy();
  }
}

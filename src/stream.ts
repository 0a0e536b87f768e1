import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge } from './private/acknowledge';
import { grantKeyViaService } from './private/grants';
import { MAX_SHARDS } from './private/limits';
import { RemovalRules } from './private/removal';
import { checkHours, checkInt, fail } from './private/validation';

/** What a consumer needs on the stream (aws-cdk-lib's Stream.grantRead, without its key grant). */
const READ_ACTIONS = ['kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards',
  'kinesis:SubscribeToShard', 'kinesis:DescribeStream', 'kinesis:ListStreams', 'kinesis:DescribeStreamConsumer'];

/** Properties of {@link PipelineStream}: the pipeline's stream props, and what the pipeline decided. */
export interface PipelineStreamProps {
  /** The stream name. */
  readonly streamName: string;
  /** The key the stream is encrypted with. */
  readonly encryptionKey: kms.IKey;
  /** Capacity mode; provisioned when undefined. */
  readonly streamMode?: kinesis.StreamMode;
  /** Number of shards, provisioned mode only; 1 when undefined. */
  readonly shardCount?: number;
  /** How long records are kept, 24 hours to 365 days; 24 hours when undefined. */
  readonly streamRetention?: Duration;
  /** The pipeline's removal rules. */
  readonly removal: RemovalRules;
}

/**
 * The Kinesis Data Stream that ingests transactions, encrypted with the pipeline's customer-managed key.
 *
 * Internal: the pipeline exposes the stream as `LgpdDataPipeline.stream`, and its grants.
 */
export class PipelineStream extends Construct {
  /** The stream. */
  public readonly stream: kinesis.Stream;
  /** How long the stream keeps records. */
  public readonly retentionPeriod: Duration;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: PipelineStreamProps) {
    super(scope, id);
    const mode = props.streamMode ?? kinesis.StreamMode.PROVISIONED;
    if (mode === kinesis.StreamMode.ON_DEMAND && props.shardCount !== undefined) {
      fail('shardCount', props.shardCount, 'must be left unset when streamMode is ON_DEMAND (on-demand streams scale their own shards)');
    }
    checkInt('shardCount', props.shardCount, 1, MAX_SHARDS, 'the default Kinesis shard quota per account');
    checkHours('streamRetention', props.streamRetention, 24, 8760);
    this.key = props.encryptionKey;
    this.retentionPeriod = props.streamRetention ?? Duration.hours(24);

    this.stream = new kinesis.Stream(this, 'Resource', {
      streamName: props.streamName,
      streamMode: mode,
      shardCount: mode === kinesis.StreamMode.PROVISIONED ? props.shardCount ?? 1 : undefined,
      retentionPeriod: this.retentionPeriod,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removal.keep,
    });

    // The stream is encrypted with the pipeline's customer-managed key on purpose: its key policy,
    // rotation and audit trail are ours, and revoking it makes the data unreadable. AwsSolutions-KDS3
    // prefers the AWS-managed key (alias/aws/kinesis), which gives none of that.
    acknowledge(this.stream, 'AwsSolutions-KDS3',
      'The stream is encrypted with the pipeline customer-managed KMS key on purpose (LGPD Art. 46): its key policy, rotation and CloudTrail record are controlled by the owner, which the AWS-managed alias/aws/kinesis key this rule prefers does not allow.');
  }

  /**
   * Grants putting records, including the one key permission a producer needs (`kms:GenerateDataKey`),
   * without the `kms:ReEncrypt*` and `kms:GenerateDataKey*` wildcards of the generic key grant, and
   * only through Kinesis (`kms:ViaService`).
   */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    const grant = this.stream.grant(grantee, 'kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords');
    grantKeyViaService(grantee, this.key, 'kinesis', 'kms:GenerateDataKey');
    return grant;
  }

  /** Grants reading records, including decrypting them with the key through Kinesis only (`kms:ViaService`). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const grant = this.stream.grant(grantee, ...READ_ACTIONS);
    grantKeyViaService(grantee, this.key, 'kinesis', 'kms:Decrypt');
    return grant;
  }
}

import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RemovalRules } from './private/removal';

/** Properties of {@link PipelineKey}. */
export interface PipelineKeyProps {
  /** The alias of the key, for example `alias/lgpd-pipeline-dev`. */
  readonly alias: string;
  /** The pipeline's removal rules. */
  readonly removal: RemovalRules;
}

/**
 * The customer-managed KMS key that encrypts every data store of the pipeline: the stream, the
 * database storage, Performance Insights, the secrets, the cache and the log groups.
 *
 * Rotation is on, and the key policy lets exactly the services that need the key without a caller's
 * IAM principal (CloudWatch Logs for the encrypted log groups, CloudWatch for encrypted alarm topics)
 * use it, each restricted to this account and region.
 *
 * Internal: the pipeline exposes the key as `LgpdDataPipeline.encryptionKey`.
 */
export class PipelineKey extends Construct {
  /** The key. */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: PipelineKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Resource', {
      alias: props.alias,
      description: `LGPD data pipeline key (${props.alias})`,
      enableKeyRotation: true,
      removalPolicy: props.removal.keep,
      // A destroyable test environment should not keep a key pending deletion for a month.
      pendingWindow: props.removal.destroyable ? Duration.days(7) : Duration.days(30),
    });

    // CloudWatch Logs encrypts log groups with the key; it acts without a caller's IAM principal, so it
    // needs the key policy. Scoped to log groups of this account and region.
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsForThisAccountLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
        },
      },
    }));

    // CloudWatch alarms publish to an SNS topic encrypted with this key.
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }));
  }
}

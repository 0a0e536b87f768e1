import { CfnResource } from 'aws-cdk-lib';
import { NagPack, NagPackProps } from 'cdk-nag/lib/nag-pack';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { IConstruct } from 'constructs';

/**
 * Properties of {@link LgpdChecks}.
 */
export interface LgpdChecksProps extends NagPackProps {
  /**
   * Regions where personal data may be stored (LGPD Art. 33, international transfer). Resources that
   * store data in any other region, or in an env-agnostic stack, are reported.
   *
   * @default ['sa-east-1']
   */
  readonly allowedRegions?: string[];
}

interface LgpdRule {
  readonly rule: (node: CfnResource) => NagRuleCompliance;
  readonly info: string;
  readonly explanation: string;
}

const ART_46 = 'LGPD Art. 46, security measures';
const ART_16 = 'LGPD Art. 16, end of processing';
const ART_37 = 'LGPD Art. 37, records of processing';
const ART_33 = 'LGPD Art. 33, international transfer';
const ART_48 = 'LGPD Art. 48, communication of security incidents';
const ART_18 = 'LGPD Art. 18, rights of the data subject';

/**
 * cdk-nag rules for the LGPD (Lei Geral de Proteção de Dados, Brazil's data-protection law). Each rule
 * names the article it serves; it applies to any CDK app, not only to `LgpdDataPipeline`.
 *
 * Rule ids are `LGPD-<RuleName>`; acknowledge one on a construct with
 * `Validations.of(construct).acknowledge({ id: 'LGPD-LogGroupBoundedRetention', reason: '...' })`.
 *
 * @example
 * declare const app: App;
 * const report = new LgpdChecks(app, { allowedRegions: ['sa-east-1'] }).validateScope(app);
 */
export class LgpdChecks extends NagPack {
  /** The name of the pack, also the prefix of its rule ids. */
  public readonly name = 'LGPD';
  private readonly rules: LgpdRule[];

  /**
   * Like cdk-nag's own packs: `new LgpdChecks(app)` or `new LgpdChecks(app, { allowedRegions })`.
   *
   * @param scope the app; needed only for cdk-nag's `writeSuppressionsToCloudFormation`
   * @param props allowed regions and cdk-nag options
   */
  constructor(scope?: IConstruct, props: LgpdChecksProps = {}) {
    super(scope, props);
    this.packName = 'LGPD';
    const allowedRegions = props.allowedRegions ?? ['sa-east-1'];
    // Loaded here rather than imported at the top: see rules/index.ts.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const r: typeof import('./rules') = require('./rules');
    this.rules = [
      {
        rule: r.KinesisStreamCustomerManagedKey,
        info: `The Kinesis stream is not encrypted with a customer-managed KMS key (${ART_46}).`,
        explanation: 'Encrypt the stream with a key whose policy, rotation and use you control (StreamEncryption EncryptionType KMS with your own KeyId), so access to the records can be audited and revoked.',
      },
      {
        rule: r.RDSStorageCustomerManagedKey,
        info: `The RDS instance or cluster does not encrypt its storage with a customer-managed KMS key (${ART_46}).`,
        explanation: 'Set StorageEncrypted with your own KmsKeyId; snapshots and replicas inherit it.',
      },
      {
        rule: r.RDSTransportEncryptionEnforced,
        info: `The RDS instance or cluster accepts unencrypted connections (${ART_46}, data in transit).`,
        explanation: 'Attach a parameter group with rds.force_ssl = 1 (PostgreSQL, SQL Server) or require_secure_transport = ON (MySQL, MariaDB); the default parameter group allows plain-text connections.',
      },
      {
        rule: r.RDSAuditLogsExported,
        info: `The RDS instance or cluster does not export its logs to CloudWatch Logs (${ART_37}).`,
        explanation: 'Export the database logs (EnableCloudwatchLogsExports) so connections and access to personal data leave an audit trail outside the database.',
      },
      {
        rule: r.ComputeRoleNoRDSMasterSecret,
        info: `The compute role (a Lambda function's, an ECS task's or an EC2 instance's) may read an RDS master secret, and so act as the master user on every table (${ART_46}).`,
        explanation: 'Give each job its own database role with only the privileges it needs, signing in with IAM database authentication or a secret of its own; leave the master secret to the one job that makes the schema, and acknowledge the finding on that role.',
      },
      {
        rule: r.ElastiCacheCustomerManagedKey,
        info: `The ElastiCache cache is not encrypted at rest with a customer-managed KMS key (${ART_46}).`,
        explanation: 'Use a replication group or serverless cache with AtRestEncryptionEnabled and your own KmsKeyId; stand-alone cache clusters cannot be encrypted at rest.',
      },
      {
        rule: r.ElastiCacheTransitEncryptionRequired,
        info: `The ElastiCache cache does not require TLS (${ART_46}, data in transit).`,
        explanation: 'Set TransitEncryptionEnabled, and TransitEncryptionMode required (not preferred, which still accepts plain-text clients).',
      },
      {
        rule: r.S3CustomerManagedKey,
        info: `The S3 bucket does not encrypt objects by default with a customer-managed KMS key (${ART_46}).`,
        explanation: 'Use SSE-KMS (or DSSE-KMS) with your own KMSMasterKeyID as the bucket default encryption.',
      },
      {
        rule: r.S3TransportEncryptionEnforced,
        info: `The S3 bucket does not deny requests made without TLS (${ART_46}, data in transit).`,
        explanation: 'Add a bucket policy statement that denies s3:* to every principal when aws:SecureTransport is false (enforceSSL: true on the L2 Bucket).',
      },
      {
        rule: r.S3BoundedRetention,
        info: `The S3 bucket keeps objects forever: no enabled lifecycle rule expires them (${ART_16}).`,
        explanation: 'Add a lifecycle rule with an expiration that matches how long the purpose of the processing needs the data.',
      },
      {
        rule: r.DynamoDBCustomerManagedKey,
        info: `The DynamoDB table is not encrypted with a customer-managed KMS key (${ART_46}).`,
        explanation: 'Set SSESpecification with SSEEnabled, SSEType KMS and your own KMSMasterKeyId (for global tables, a key for every replica).',
      },
      {
        rule: r.DynamoDBBoundedRetention,
        info: `The DynamoDB table has no time to live, so items are kept forever (${ART_16}).`,
        explanation: 'Enable TimeToLiveSpecification on an attribute that holds the expiry of each item.',
      },
      {
        rule: r.LogGroupCustomerManagedKey,
        info: `The CloudWatch Logs log group is not encrypted with a customer-managed KMS key (${ART_46}).`,
        explanation: 'Set KmsKeyId on the log group; log lines often carry personal data. The key policy must let the logs service principal use the key.',
      },
      {
        rule: r.LogGroupBoundedRetention,
        info: `The CloudWatch Logs log group keeps logs forever: it has no retention (${ART_16}).`,
        explanation: 'Set RetentionInDays to the period your records-of-processing policy requires.',
      },
      {
        rule: r.SecretCustomerManagedKey,
        info: `The Secrets Manager secret is not encrypted with a customer-managed KMS key (${ART_46}).`,
        explanation: 'Set KmsKeyId on the secret so that reading it needs a decrypt permission on a key you control.',
      },
      {
        rule: r.SQSCustomerManagedKey,
        info: `The SQS queue is not encrypted with a customer-managed KMS key (${ART_46}).`,
        explanation: 'Set KmsMasterKeyId to your own key (SSE-KMS): a queue of the pipeline holds personal data, or where to read it. SSE-SQS and alias/aws/sqs leave the key policy and audit trail out of your hands.',
      },
      {
        rule: r.SQSTransportEncryptionEnforced,
        info: `The SQS queue does not deny requests made without TLS (${ART_46}, data in transit).`,
        explanation: 'Add a queue policy statement that denies sqs:* to every principal when aws:SecureTransport is false (enforceSSL: true on the L2 Queue).',
      },
      {
        rule: r.VPCFlowLogsAllTraffic,
        info: `The VPC has no flow log recording all traffic (${ART_37}).`,
        explanation: 'Add a flow log with TrafficType ALL on the VPC, delivered to an encrypted destination with a retention.',
      },
      {
        rule: r.StreamConsumerFailedRecordsEncrypted,
        info: `The consumer of a stream keeps the records it fails to process nowhere, or in a destination not encrypted with a customer-managed KMS key (${ART_46}).`,
        explanation: 'Give the Lambda event source mapping an on-failure destination (an SQS queue or SNS topic) encrypted with your own KMS key, so what could not be processed is kept, and kept encrypted, until someone processes it again.',
      },
      {
        rule: r.PersonalDataStoreAlarmed,
        info: `The store of personal data has no CloudWatch alarm with an action on its metrics (${ART_48}).`,
        explanation: 'Alarm on the store (throttling, errors, free storage, replication) and send the alarm to a topic someone reads: the controller must detect an incident to communicate it to the ANPD and the data subjects.',
      },
      {
        rule: r.AlarmActionDeliverable,
        info: `The alarm notifies an SNS topic whose topic policy or encryption key does not let CloudWatch deliver the notification (${ART_48}).`,
        explanation: 'A topic policy replaces the SNS default policy: allow cloudwatch.amazonaws.com to sns:Publish (scoped with aws:SourceAccount and aws:SourceArn of your alarms), and let it use the topic key (kms:Decrypt, kms:GenerateDataKey*); the AWS-managed alias/aws/sns key cannot be used for alarms.',
      },
      {
        rule: r.PersonalDataErasurePath,
        info: `The database or cache keeps personal data but declares no erasure path: no process can find and erase one data subject's records in it (${ART_18}).`,
        explanation: 'Give the store a process that confirms, exports and erases one subject\'s data, and tag the store lgpd:erasure-path with its name: '
          + 'LgpdDataPipeline\'s addDataSubjectRights does both for the pipeline\'s database and cache. A store that keeps no personal data: acknowledge the rule with that reason.',
      },
      {
        rule: r.personalDataInAllowedRegions(allowedRegions),
        info: `The resource stores data outside the allowed regions (${allowedRegions.join(', ')}), or its stack names no region (${ART_33}).`,
        explanation: 'Deploy stores of personal data only to the allowed regions, in stacks with an explicit env region; add a region to allowedRegions only where the transfer is lawful under LGPD Art. 33.',
      },
    ];
  }

  /**
   * Applies every LGPD rule to one resource; cdk-nag calls it for each resource of the scope it checks.
   *
   * @param node the CloudFormation resource to check
   */
  protected checkResource(node: CfnResource): void {
    for (const r of this.rules) {
      this.applyRule({
        ruleSuffixOverride: r.rule.name,
        info: r.info,
        explanation: r.explanation,
        level: NagMessageLevel.ERROR,
        rule: r.rule,
        node,
      });
    }
  }
}

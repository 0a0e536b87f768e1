/**
 * The stacks of the integration test cases, shared by the integ apps (test/integ.*.ts) and the unit
 * tests that check them (test/integ-destroyable.test.ts), so both build exactly the same stacks.
 *
 * Not named `integ.*`: integ-runner only runs files whose name starts with `integ.`.
 */
import * as path from 'path';
import { App, CfnOutput, CfnResource, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CacheNodeType, CacheUser, DatabaseAuthentication, DatabaseRole, LgpdDataPipeline, LgpdDataPipelineProps, TransactionProcessor } from '../../src';
import { acknowledge, acknowledgeCheckov } from '../../src/private/acknowledge';

/** Every case deploys to São Paulo: the pipeline's data-residency guard allows only sa-east-1. */
export const INTEG_REGION = 'sa-east-1';

/** The environment suffix of each case: physical names carry it, so the cases never collide. */
export const SUFFIXES = {
  default: 'integ-default',
  production: 'integ-prod',
  bringYourOwn: 'integ-byo',
} as const;

/**
 * The stack the assertions of a case live in. It must be in the same environment as the case's
 * stacks, or the assertions could not reference their resources.
 */
export function assertionStack(app: App, id: string): Stack {
  return new Stack(app, id, {
    env: { region: INTEG_REGION },
    description: `cdk-lgpd-data-pipeline integration test assertions (${id})`,
  });
}

/** The record the assertions put on the stream and expect the consumer to read back. */
export function testRecord(suffix: string): string {
  return JSON.stringify(testTransaction(suffix));
}

/** The test record as a transaction of the reference processor's schema (handlers/transaction-processor/transaction.schema.json). */
export function testTransaction(suffix: string) {
  return { transactionId: `tx-${suffix}`, customerId: `customer-${suffix}`, amount: '42.00', currency: 'BRL', timestamp: '2026-12-01T12:00:00Z' };
}

/**
 * Reads the one record at a sequence number of a shard and returns its data as text. Inline, so the
 * integ stack has no asset to upload; the Node.js runtime ships the AWS SDK v3.
 */
const CONSUMER_CODE = `
const { KinesisClient, GetShardIteratorCommand, GetRecordsCommand } = require('@aws-sdk/client-kinesis');
const kinesis = new KinesisClient({});
exports.handler = async (event) => {
  let { ShardIterator: iterator } = await kinesis.send(new GetShardIteratorCommand({
    StreamName: event.streamName,
    ShardId: event.shardId,
    ShardIteratorType: 'AT_SEQUENCE_NUMBER',
    StartingSequenceNumber: event.sequenceNumber,
  }));
  for (let attempt = 0; attempt < 10 && iterator; attempt++) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1 }));
    const record = (page.Records || []).find(r => r.SequenceNumber === event.sequenceNumber);
    if (record) return Buffer.from(record.Data).toString('utf8');
    iterator = page.NextShardIterator;
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error('record ' + event.sequenceNumber + ' not found on ' + event.shardId);
};
`;

/**
 * A small stream consumer for the round-trip assertion: given a stream, a shard and a sequence number,
 * it reads that record back through the pipeline's read grant (which includes decrypting with the key).
 * It has no environment variables (so none to encrypt).
 */
/**
 * The log group of a test function: created by the stack, encrypted and destroyed with it (test
 * scaffolding, not pipeline data), rather than by Lambda on first invocation, which would leave it behind.
 */
function scaffoldingLogGroup(scope: Construct, pipeline: LgpdDataPipeline): logs.LogGroup {
  return new logs.LogGroup(scope, 'Logs', {
    encryptionKey: pipeline.encryptionKey,
    retention: logs.RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/**
 * What checkov and cfn-lint say of a test function the assertion provider invokes (listed in
 * docs/first-deploy.md): no concurrency to reserve, no dead-letter queue for a synchronous invocation,
 * and aws-cdk-lib's DependsOn on the role that the role's GetAtt already implies (cfn-lint W3005).
 */
function acknowledgeScaffolding(fn: lambda.Function): CfnResource {
  const resource = fn.node.defaultChild as CfnResource;
  acknowledgeCheckov(resource, 'CKV_AWS_115', 'Integration-test scaffolding invoked by the assertion provider during a run; no concurrency to reserve in the test account.');
  acknowledgeCheckov(resource, 'CKV_AWS_116', 'Invoked synchronously (RequestResponse) by the assertion provider, which reports a failure; a dead-letter queue only receives asynchronous invocations.');
  resource.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
  return resource;
}

export class StreamConsumer extends Construct {
  /** The function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, pipeline: LgpdDataPipeline) {
    super(scope, id);
    this.function = new lambda.Function(this, 'Function', {
      description: `Reads a record back from ${pipeline.environmentSuffix}'s stream (integration test)`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(CONSUMER_CODE),
      timeout: Duration.seconds(30),
      memorySize: 256,
      logGroup: scaffoldingLogGroup(this, pipeline),
    });
    pipeline.grantRead(this.function);
    acknowledgeCheckov(acknowledgeScaffolding(this.function), 'CKV_AWS_117',
      'Reads the stream through the Kinesis API only; it exists for the test run and needs no VPC.');
  }
}

/**
 * The look-up the processor round trip asserts with: a function in the application subnets that reads
 * what the processor stored for a transaction (test/integ-helpers/lookup-function.ts, bundled by esbuild
 * at synth), with the processor's own environment, network access and logins.
 */
export class ProcessorLookup extends Construct {
  /** The function. */
  public readonly function: lambdaNodejs.NodejsFunction;

  constructor(scope: Construct, id: string, pipeline: LgpdDataPipeline, processor: TransactionProcessor) {
    super(scope, id);
    this.function = new lambdaNodejs.NodejsFunction(this, 'Function', {
      description: `Reads what the transaction processor of ${pipeline.environmentSuffix} stored (integration test)`,
      entry: path.join(__dirname, 'lookup-function.ts'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(30),
      memorySize: 256,
      vpc: pipeline.vpc,
      vpcSubnets: pipeline.clientSubnets,
      allowAllOutbound: false,
      environment: processor.environment,
      environmentEncryption: pipeline.encryptionKey,
      logGroup: scaffoldingLogGroup(this, pipeline),
      bundling: { minify: true, externalModules: ['pg-native', 'cloudflare:sockets'], forceDockerBundling: false },
    });
    pipeline.allowFrom(this.function);
    // Signs in as the processor does: its role with IAM database authentication, its Redis user.
    pipeline.databaseLogin(DatabaseRole.PROCESSOR, DatabaseAuthentication.IAM).grantConnect(this.function);
    pipeline.cacheLogin(CacheUser.PROCESSOR).grantRead(this.function);
    pipeline.subjectKeySecret.grantRead(this.function);
    acknowledgeScaffolding(this.function);
  }
}

/** Properties of a {@link PipelineCaseStack}. */
export interface PipelineCaseStackProps extends StackProps {
  /** The pipeline's props. */
  readonly pipeline: LgpdDataPipelineProps;
  /**
   * Run the reference transaction processor, and the look-up that reads what it stored.
   *
   * @default false
   */
  readonly withProcessor?: boolean;
}

/**
 * A stack with one pipeline, the consumer the assertions use, and the outputs an operator needs.
 */
export class PipelineCaseStack extends Stack {
  public readonly pipeline: LgpdDataPipeline;
  public readonly consumer: StreamConsumer;
  /**
   * A queue subscribed to the alarm topic, where the alarm-delivery assertion reads what CloudWatch sent.
   * SQS-managed encryption: SNS delivers from the KMS-encrypted topic to it with no key permission (a
   * queue under a customer-managed key would need that key to admit sns.amazonaws.com).
   */
  public readonly alarmInbox: sqs.Queue;
  /** The transaction processor and its look-up, when the case runs one. */
  public readonly processor?: { readonly processor: TransactionProcessor; readonly lookup: ProcessorLookup };

  constructor(scope: Construct, id: string, props: PipelineCaseStackProps) {
    super(scope, id, { env: { region: INTEG_REGION }, ...props });
    this.pipeline = new LgpdDataPipeline(this, 'Pipeline', props.pipeline);
    this.consumer = new StreamConsumer(this, 'Consumer', this.pipeline);
    if (props.withProcessor) {
      const processor = this.pipeline.addProcessor('Processor');
      this.processor = { processor, lookup: new ProcessorLookup(this, 'Lookup', this.pipeline, processor) };
      // The case that runs the data path also deploys the data subjects' erasure path.
      this.pipeline.addDataSubjectRights('Rights');
    } else {
      for (const store of [this.pipeline.database.node.defaultChild as CfnResource, this.pipeline.cacheReplicationGroup]) {
        Validations.of(store).acknowledge({
          id: 'LGPD-PersonalDataErasurePath',
          reason: 'This integration case deploys the stores without a data path and keeps no personal data; the default case deploys the processor '
            + 'and data-subject rights, which test:rights proves on real PostgreSQL and Redis.',
        });
      }
    }
    this.alarmInbox = new sqs.Queue(this, 'AlarmInbox', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.hours(1),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.pipeline.alarmTopic!.addSubscription(new subscriptions.SqsSubscription(this.alarmInbox));
    acknowledgeCheckov(this.alarmInbox.node.defaultChild as CfnResource, 'CKV_AWS_27',
      'Encrypted at rest with SQS-managed keys (SqsManagedSseEnabled); checkov\'s CKV_AWS_27 looks only for KmsMasterKeyId. '
      + 'The AWS-managed alias/aws/sqs key would stop SNS from delivering, and a customer-managed key would need its own key policy for a test queue.');
    acknowledge(this.alarmInbox, 'LGPD-SQSCustomerManagedKey',
      'Test scaffolding that receives the alarm notifications (no personal data), encrypted with SQS-managed keys: the AWS-managed alias/aws/sqs key '
      + 'would stop SNS from delivering, and a customer-managed key would need its own key policy for a test queue.');

    new CfnOutput(this, 'StreamName', { value: this.pipeline.stream.streamName });
    new CfnOutput(this, 'DatabaseEndpoint', { value: this.pipeline.database.dbInstanceEndpointAddress });
    new CfnOutput(this, 'CacheEndpoint', { value: this.pipeline.cacheEndpointAddress });
  }
}

/**
 * `default`: the FastShop dev shape, two AZs, one shard, and destroyable: nothing retained, no
 * deletion protection.
 */
export function defaultCaseStack(app: App): PipelineCaseStack {
  return new PipelineCaseStack(app, 'LgpdIntegDefault', {
    description: 'cdk-lgpd-data-pipeline integration test: default (FastShop dev shape with its processor, destroyable)',
    withProcessor: true,
    pipeline: {
      environmentSuffix: SUFFIXES.default,
      azCount: 2,
      shardCount: 1,
      cacheNodeType: CacheNodeType.BURSTABLE4_GRAVITON_SMALL,
      removalPolicy: RemovalPolicy.DESTROY,
    },
  });
}

/**
 * `production`: three AZs, a Multi-AZ database, retained data (the construct's default removal
 * policy: the stream, key, secrets and logs are retained; the database and cache leave final
 * snapshots; the database has deletion protection) and a cluster-mode cache with two node groups.
 */
export function productionCaseStack(app: App): PipelineCaseStack {
  return new PipelineCaseStack(app, 'LgpdIntegProduction', {
    description: 'cdk-lgpd-data-pipeline integration test: production (3 AZs, Multi-AZ, retained data, cluster mode)',
    pipeline: {
      environmentSuffix: SUFFIXES.production,
      azCount: 3,
      shardCount: 2,
      cacheNodeType: CacheNodeType.BURSTABLE4_GRAVITON_SMALL,
      cacheNodeGroups: 2,
      cacheNodesPerGroup: 2,
      database: { multiAz: true },
    },
  });
}

/** The stacks of the `bring-your-own` case. */
export interface BringYourOwnStacks {
  /** The stack that owns the existing VPC and key. */
  readonly base: Stack;
  /** The existing VPC. */
  readonly vpc: ec2.Vpc;
  /** The existing key. */
  readonly key: kms.Key;
  /** The stack with the pipeline, which is given the VPC and the key. */
  readonly pipelineStack: PipelineCaseStack;
}

/**
 * `bring-your-own`: a VPC and a customer-managed key that already exist (in a stack of their own)
 * are passed to the pipeline. Destroyable.
 */
export function bringYourOwnCaseStacks(app: App): BringYourOwnStacks {
  const base = new Stack(app, 'LgpdIntegBringYourOwnBase', {
    env: { region: INTEG_REGION },
    description: 'cdk-lgpd-data-pipeline integration test: bring-your-own, the existing VPC and key',
  });
  const vpc = new ec2.Vpc(base, 'ExistingVpc', {
    vpcName: `existing-${SUFFIXES.bringYourOwn}`,
    maxAzs: 2,
    natGateways: 0,
    restrictDefaultSecurityGroup: false,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  const key = new kms.Key(base, 'ExistingKey', {
    alias: `alias/existing-${SUFFIXES.bringYourOwn}`,
    description: 'An existing customer-managed key (cdk-lgpd-data-pipeline bring-your-own integration test)',
    enableKeyRotation: true,
    pendingWindow: Duration.days(7),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // What the README asks of a key you bring: CloudWatch Logs may use it for this account's log groups.
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsForThisAccountLogGroups',
    principals: [new iam.ServicePrincipal(`logs.${base.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${base.partition}:logs:${base.region}:${base.account}:log-group:*` },
    },
  }));
  // And CloudWatch may use it for the alarm topic it encrypts (docs/first-deploy.md, what a key you bring needs).
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': base.account } },
  }));

  const pipelineStack = new PipelineCaseStack(app, 'LgpdIntegBringYourOwn', {
    description: 'cdk-lgpd-data-pipeline integration test: bring-your-own VPC and key',
    pipeline: {
      environmentSuffix: SUFFIXES.bringYourOwn,
      vpc,
      encryptionKey: key,
      shardCount: 1,
      cacheNodeType: CacheNodeType.BURSTABLE4_GRAVITON_MICRO,
      database: { multiAz: false },
      removalPolicy: RemovalPolicy.DESTROY,
    },
  });
  pipelineStack.addDependency(base);
  // Single-AZ on purpose: this case covers multiAz false (the pipeline's default is Multi-AZ).
  acknowledgeCheckov(pipelineStack.pipeline.database.node.defaultChild as CfnResource, 'CKV_AWS_157',
    'The bring-your-own integration case covers database.multiAz false on purpose; the pipeline defaults to Multi-AZ.');
  return { base, vpc, key, pipelineStack };
}

/**
 * The TypeScript reference consumer: the same two stacks, with the same props, as the Python, Java
 * and Go consumers (consumers/python/app.py, consumers/java/.../ConsumerApp.java, consumers/go/app.go).
 * consumers/compare.ts compares their templates with this one's.
 *
 * It imports the library by its package name: consumers/run.sh copies this file into a fresh npm
 * project that installed cdk-lgpd-data-pipeline from the local registry, compiles it with tsc against
 * the package's type declarations, and runs it (`node app.js`, templates into $CONSUMER_OUTDIR).
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CacheEngineVersion, CacheNodeType, ClientEndpoints, DatabaseAuthentication, ErasureMode, LgpdDataPipeline } from 'cdk-lgpd-data-pipeline';

/** Builds the consumer app: a pipeline with its own VPC and key, and one that brings both. */
export function buildConsumerApp(outdir: string): App {
  const app = new App({ outdir });
  const env = { region: 'sa-east-1' };

  // 1. Non-default props: three AZs, four shards, an r7g cache, destroyable, and a grant.
  const stack = new Stack(app, 'LgpdConsumer', { env });
  const pipeline = new LgpdDataPipeline(stack, 'Pipeline', {
    environmentSuffix: 'consumer',
    azCount: 3,
    shardCount: 4,
    streamRetention: Duration.hours(48),
    cacheNodeType: CacheNodeType.MEMORY7_GRAVITON_LARGE,
    cacheEngineVersion: CacheEngineVersion.VALKEY_8_0,
    cacheNodesPerGroup: 3,
    cachePort: 6390,
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: logs.RetentionDays.THREE_MONTHS,
    allowedRegions: ['sa-east-1'],
    dataClassification: 'payment-data',
    clientEndpoints: ClientEndpoints.PIPELINE_AND_CONTAINERS,
    database: {
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE),
      allocatedStorage: 50,
      backupRetention: Duration.days(14),
      databaseName: 'orders',
    },
  });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  pipeline.grantWrite(writer);
  const client = new ec2.SecurityGroup(stack, 'Client', { vpc: pipeline.vpc, allowAllOutbound: false });
  pipeline.allowFrom(client);
  // The reference processor (its bundled asset ships in the package) with non-default options.
  pipeline.addProcessor('Processor', { batchSize: 200, parallelizationFactor: 2, maxRecordAge: Duration.hours(2) });
  // Data-subject rights, blocking and minimizing under a legal basis (an enum-like class with a Duration).
  pipeline.addDataSubjectRights('Rights', {
    controller: 'Consumer Ltda.', dueIn: Duration.days(10), erasure: ErasureMode.retainMinimized('CTN art. 173', Duration.days(1825)),
  });

  // 2. Bring your own VPC and key; on-demand stream; a node type and engine built from strings.
  const byo = new Stack(app, 'LgpdConsumerByo', { env });
  const key = new kms.Key(byo, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
  key.grantEncryptDecrypt(new iam.ServicePrincipal('logs.sa-east-1.amazonaws.com'));
  // What README asks of a brought key: CloudWatch alarms may use it for the alarm topic it encrypts.
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': byo.account } },
  }));
  const vpc = new ec2.Vpc(byo, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const byoPipeline = new LgpdDataPipeline(byo, 'Pipeline', {
    environmentSuffix: 'byo',
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    encryptionKey: key,
    streamMode: kinesis.StreamMode.ON_DEMAND,
    cacheNodeType: CacheNodeType.of('cache.r7g.xlarge'),
    cacheEngineVersion: CacheEngineVersion.redis('7.0'),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const reader = new iam.Role(byo, 'Reader', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  byoPipeline.grantRead(reader);
  byoPipeline.grantSecretsRead(reader);
  byoPipeline.grantDatabaseConnect(reader, 'app');
  // A processor of your own code, signing in to PostgreSQL as the processor's role with IAM.
  byoPipeline.addProcessor('Audit', {
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
    databaseAuthentication: DatabaseAuthentication.IAM,
    startingPosition: lambda.StartingPosition.LATEST,
  });
  byoPipeline.addDataSubjectRights('Rights');
  return app;
}

/**
 * The tag names, read as every language reads them (static members), and the tags they name on the
 * stream of the first stack. Throws when either differs.
 */
export function checkTagNames(app: App): void {
  // In the order CloudFormation gets them: sorted by key.
  const expected = { [LgpdDataPipeline.DATA_CLASSIFICATION_TAG]: 'payment-data', [LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG]: 'consumer' };
  if (LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG !== 'lgpd:environment-suffix' || LgpdDataPipeline.DATA_CLASSIFICATION_TAG !== 'lgpd:data-classification') {
    throw new Error(`unexpected tag names: ${Object.keys(expected).join(', ')}`);
  }
  Template.fromStack(app.node.findChild('LgpdConsumer') as Stack).hasResourceProperties('AWS::Kinesis::Stream', {
    Tags: Match.arrayWith(Object.entries(expected).map(([Key, Value]) => ({ Key, Value }))),
  });
}

if (require.main === module) {
  const app = buildConsumerApp(process.env.CONSUMER_OUTDIR ?? 'cdk.out');
  const assembly = app.synth();
  for (const s of assembly.stacks) console.log(`typescript: ${s.stackName} -> ${assembly.directory}/${s.templateFile}`);
  checkTagNames(app);
  console.log(`typescript: tags ${LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG} and ${LgpdDataPipeline.DATA_CLASSIFICATION_TAG} on the stream`);
}

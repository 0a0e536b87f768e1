import * as path from 'path';
import { CfnResource, Duration, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { processorAlarms } from './alarms';
import { FailedRecordsDestination } from './failed-records';
import {
  iteratorAgeThresholdOf, maxRecordAgeOf, TransactionProcessorOptions, validateIteratorAgeAlarm, validateProcessorOptions,
} from './options';
import { QuarantineQueue } from './quarantine';
import { ProcessorRedrive } from './redrive';
import { grantStoreAccess, processorStoreLogins, storeCredentials } from './store-access';
import { ILgpdDataPipeline } from '../add-on';
import { DatabaseAuthentication } from '../database-login';
import { PipelineAlarm } from '../monitoring/pipeline-alarm';
import { acknowledgeInPacks, HIPAA_NIST } from '../private/acknowledge';
import { kebabCase } from '../private/names';
import { grantNetworkInterfaces } from '../private/network-interfaces';
import { lambdaPrincipal } from '../private/policy-principal';
import { PROCESSOR_VARIABLES, processorEnvironment } from '../private/processor-contract';
import { RDS_CA_BUNDLE_PATH } from '../private/rds-ca-bundle';

/** Where the build bundles the reference processor (handlers/transaction-processor.ts, by esbuild). */
const REFERENCE_PROCESSOR = path.join(__dirname, '..', '..', 'assets', 'handlers', 'transaction-processor');

/**
 * The runtime's bundle of Amazon's certificate authorities, RDS's among them, for your own `code`: Node.js
 * 20 and newer Lambda runtimes no longer trust them by default; NODE_EXTRA_CA_CERTS adds them to Node's
 * own. The reference processor ships RDS's certificate authorities beside its bundle instead
 * (src/private/rds-ca-bundle.ts): this file has missed newly issued RDS roots before.
 */
const LAMBDA_AMAZON_CA_BUNDLE = '/var/runtime/ca-cert.pem';

/** Properties of {@link TransactionProcessor}. */
export interface TransactionProcessorProps extends TransactionProcessorOptions {
  /** The pipeline whose stream the processor reads and whose stores it writes. */
  readonly pipeline: ILgpdDataPipeline;
}

/**
 * A Lambda function that consumes the pipeline's stream and writes to its stores, wired the way the
 * pipeline's data needs: in the client subnets with its own security group opened by `allowFrom`,
 * reading the stream, signing in to PostgreSQL as its own role (`lgpd_processor`, which may only INSERT
 * and SELECT transactions) and to the cache as its own user (only its script, on its keys), a Kinesis
 * event source that retries a failing batch until its records reach a maximum age (with bisection and
 * partial batch responses), an on-failure destination that keeps the shard and sequence numbers of what
 * expired, a quarantine queue for records that are not valid transactions (both SQS queues encrypted
 * with the pipeline key, TLS only), a redrive function for both, a log group encrypted with the key, and
 * alarms on errors, the processor's lag, expired and quarantined records (docs/processor.md, "Which
 * failure goes where").
 *
 * It binds to the pipeline through `ILgpdDataPipeline` only, as any add-on does.
 *
 * @example
 * declare const pipeline: LgpdDataPipeline;
 * const processor = pipeline.addProcessor('Processor', { batchSize: 200 });
 */
export class TransactionProcessor extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The function. */
  public readonly function: lambda.Function;
  /** The Kinesis event source mapping. */
  public readonly eventSourceMapping: lambda.EventSourceMapping;
  /** Where Lambda sends the shard and sequence numbers of records it gave up on (that reached `maxRecordAge`). */
  public readonly failedRecordsQueue: sqs.Queue;
  /** Where the reference processor puts records that are not valid transactions, with their payload and the reason. */
  public readonly quarantineQueue: sqs.Queue;
  /**
   * The redrive function (the reference processor only): run it with `aws lambda invoke` to put the
   * failed-records queue's ranges, or the quarantined records, through the processor again.
   *
   * @default - none with your own `code`
   */
  public readonly redriveFunction?: lambda.Function;
  /** The function's security group. */
  public readonly connections: ec2.Connections;
  /** The function's role. */
  public readonly grantPrincipal: iam.IPrincipal;
  /**
   * The environment variables the function runs with: the stores' endpoints, the secrets and the CA
   * bundle (and your own). A client of the stores elsewhere, an ECS task say, can be given the same.
   */
  public readonly environment: Record<string, string>;

  /**
   * @param scope the construct that holds the processor (`pipeline.addProcessor` uses the pipeline)
   * @param id the construct id, part of the processor's physical names (letters and digits)
   * @param props the pipeline to process, and batching, retries, code and database authentication
   */
  constructor(scope: Construct, id: string, props: TransactionProcessorProps) {
    super(scope, id);
    const pipeline = props.pipeline;
    const functionName = pipeline.conventions.physicalName('processor', id);
    validateProcessorOptions(props, pipeline.streamRetention);

    // No fixed name: an update that replaces the group would fail on a name the old group still holds.
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: pipeline.vpc,
      description: `Transaction processor ${functionName}: egress only to the pipeline stores and endpoints`,
      allowAllOutbound: false,
    });

    const failedRecords = FailedRecordsDestination.create(this, {
      queueName: `${functionName}-failed`,
      encryptionKey: pipeline.encryptionKey,
      removalPolicy: pipeline.conventions.removalPolicy,
    });
    this.failedRecordsQueue = failedRecords.queue;
    const quarantine = QuarantineQueue.create(this, {
      queueName: `${functionName}-quarantine`,
      encryptionKey: pipeline.encryptionKey,
      removalPolicy: pipeline.conventions.removalPolicy,
    });
    this.quarantineQueue = quarantine.queue;
    pipeline.conventions.acknowledge(this.quarantineQueue, 'AwsSolutions-SQS3',
      'The quarantine is itself where records that can never be processed are kept. Only the redrive function receives from it, and it leaves a record '
      + 'that is still refused in the queue on purpose; a redrive policy would move such a record out after a few redrives, to a queue nobody reads.');

    // The function's permissions live in one customer-managed policy (no inline policy: HIPAA, NIST and
    // PCI IAMNoInlinePolicy), which every grant below writes to.
    const principal = lambdaPrincipal(this, {
      roleDescription: `Transaction processor ${functionName}`,
      policyDescription: `Transaction processor ${functionName}: read the stream and the store credentials, write its logs and failed records`,
    });

    const logins = processorStoreLogins(pipeline, props.databaseAuthentication ?? DatabaseAuthentication.IAM);
    const code = props.code ?? lambda.Code.fromAsset(REFERENCE_PROCESSOR);
    const logGroup = pipeline.conventions.logGroup(this, 'Logs', `/aws/lambda/${functionName}`);

    this.environment = {
      ...props.environment,
      ...processorEnvironment({
        databaseHost: pipeline.database.dbInstanceEndpointAddress,
        databasePort: Tokenization.stringifyNumber(pipeline.databasePort),
        databaseName: pipeline.databaseName,
        ...storeCredentials(logins),
        cacheHost: pipeline.cacheEndpointAddress,
        cachePort: pipeline.cacheEndpointPort,
        cacheClusterMode: String(pipeline.cacheClusterMode),
        cacheTtlSeconds: String((props.cacheTtl ?? Duration.days(1)).toSeconds()),
        quarantineQueueUrl: this.quarantineQueue.queueUrl,
        subjectKeySecretArn: pipeline.subjectKeySecret.secretArn,
        pipeline: pipeline.environmentSuffix,
      }),
      NODE_EXTRA_CA_CERTS: props.code ? LAMBDA_AMAZON_CA_BUNDLE : RDS_CA_BUNDLE_PATH,
    };

    this.function = new lambda.Function(this, 'Function', {
      functionName,
      description: `Transaction processor of LGPD pipeline ${pipeline.environmentSuffix}: stream ${pipeline.stream.streamName} to PostgreSQL and the cache`,
      code,
      handler: props.handler ?? 'index.handler',
      runtime: props.runtime ?? lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(1),
      vpc: pipeline.vpc,
      vpcSubnets: pipeline.clientSubnets,
      securityGroups: [securityGroup],
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      // The function's own grants are the policy's; aws-cdk-lib's would go inline.
      role: principal.role.withoutPolicyUpdates(),
      environmentEncryption: pipeline.encryptionKey,
      // Never invoked asynchronously (the event source invokes it synchronously); should anyone, what
      // fails lands with the failed records.
      deadLetterQueue: this.failedRecordsQueue,
      logGroup,
      environment: this.environment,
    });
    this.grantPrincipal = principal;
    this.connections = this.function.connections;
    // Lambda checks at create time that the role may manage the function's network interfaces.
    this.function.node.addDependency(principal.policy);
    // aws-cdk-lib makes a function depend on its role, which its GetAtt of the role already implies
    // (cfn-lint W3005): acknowledged on this one resource.
    (this.function.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });

    principal.policy.addStatements(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    grantNetworkInterfaces(principal, { vpc: pipeline.vpc, subnets: pipeline.clientSubnets, securityGroup });
    failedRecords.grantSend(principal);
    quarantine.grantSend(principal);
    // The quarantine is reached from the client subnets through the SQS endpoint.
    pipeline.addClientEndpoint(ec2.InterfaceVpcEndpointAwsService.SQS);

    pipeline.allowFrom(this.function);
    grantStoreAccess(pipeline, logins, principal);

    // The event source mapping polls the stream from the Lambda service with the function's role, which
    // must read the stream (and decrypt with the key) before the mapping is created.
    pipeline.grantRead(principal);
    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'Source', {
      target: this.function,
      eventSourceArn: pipeline.stream.streamArn,
      batchSize: props.batchSize ?? 100,
      maxBatchingWindow: props.maxBatchingWindow,
      startingPosition: props.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON,
      parallelizationFactor: props.parallelizationFactor,
      bisectBatchOnError: props.bisectBatchOnError ?? true,
      retryAttempts: props.retryAttempts,
      maxRecordAge: maxRecordAgeOf(props),
      reportBatchItemFailures: props.reportBatchItemFailures ?? true,
      onFailure: failedRecords,
    });
    if (props.retryAttempts === undefined) {
      // Lambda's default too, written out: retried until the records reach their maximum age.
      (this.eventSourceMapping.node.defaultChild as lambda.CfnEventSourceMapping).maximumRetryAttempts = -1;
    }
    // Batches arrive once the role may read the stream, and the schema migrations made the table and the role.
    this.eventSourceMapping.node.addDependency(principal.policy, logins.database.schema);

    if (props.code === undefined) {
      const redrive = new ProcessorRedrive(this, 'Redrive', {
        pipeline,
        functionName: pipeline.conventions.physicalName('redrive', id),
        code,
        environment: { ...this.environment, [PROCESSOR_VARIABLES.failedRecordsQueueUrl]: this.failedRecordsQueue.queueUrl },
        logins,
        failedRecords,
        quarantine,
      });
      this.redriveFunction = redrive.function;
    }

    const slug = kebabCase(id);
    const alarms = processorAlarms({
      function: this.function,
      failedRecords: this.failedRecordsQueue,
      quarantine: this.quarantineQueue,
      maxRecordAge: maxRecordAgeOf(props),
      iteratorAgeThreshold: iteratorAgeThresholdOf(props),
    });
    for (const [alarmId, { slug: alarmSlug, ...alarm }] of Object.entries(alarms)) {
      const created = pipeline.addAlarm(`${id}${alarmId}`, { ...alarm, name: `${slug}-${alarmSlug}` });
      // An outage must be heard of while nothing is lost yet: when there is an iterator-age alarm.
      if (created !== undefined && alarm.kind === PipelineAlarm.PROCESSOR_ITERATOR_AGE) validateIteratorAgeAlarm(props);
    }

    if (props.reservedConcurrentExecutions === undefined) {
      acknowledgeInPacks(this.function.node.defaultChild as CfnResource, HIPAA_NIST, 'LambdaConcurrency',
        'Lambda refuses a reservation that would leave the account fewer than 100 unreserved concurrent executions, '
        + 'which the quota of many new accounts cannot, and the first deploy would fail. A Kinesis event source runs at most '
        + 'shards x parallelizationFactor at once; reservedConcurrentExecutions reserves that where the account allows it.', 'CKV_AWS_115');
    }
  }
}

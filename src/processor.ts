import * as path from 'path';
import { ArnFormat, CfnResource, Duration, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeInPacks, HIPAA_NIST } from './private/acknowledge';
import type { LgpdDataPipeline } from './lgpd-data-pipeline';
import { encryptedLogGroup } from './private/log-group';
import { ManagedPolicyPrincipal } from './private/policy-principal';
import { processorEnvironment } from './private/processor-contract';
import { checkInt, fail } from './private/validation';

/** Where the build bundles the reference processor (handlers/transaction-processor.ts, by esbuild). */
const REFERENCE_PROCESSOR = path.join(__dirname, '..', 'assets', 'handlers', 'transaction-processor');

/**
 * The runtime's bundle of Amazon's certificate authorities, RDS's among them. Node.js 20 and newer
 * Lambda runtimes no longer trust them by default; NODE_EXTRA_CA_CERTS adds them to Node's own.
 */
const LAMBDA_AMAZON_CA_BUNDLE = '/var/runtime/ca-cert.pem';

/** How the processor signs in to PostgreSQL. */
export class ProcessorDatabaseAccess {
  /** With the RDS-managed master secret, read from Secrets Manager (and re-read when RDS rotates it). */
  public static readonly MASTER_SECRET = new ProcessorDatabaseAccess();

  /**
   * With IAM database authentication as `user`, a PostgreSQL role you create once with
   * `CREATE USER <user>; GRANT rds_iam TO <user>;` and the privileges on the transactions table.
   * The processor then reads no database secret.
   *
   * @param user the PostgreSQL user name
   */
  public static iamUser(user: string): ProcessorDatabaseAccess {
    if (!Token.isUnresolved(user) && !/^[a-z_][a-z0-9_]{0,62}$/.test(user)) {
      fail('processor.databaseAccess', user, 'must be a lower-case PostgreSQL user name: letters, digits and underscores, 1-63, not starting with a digit');
    }
    return new ProcessorDatabaseAccess(user);
  }

  private constructor(
    /** The IAM-authenticated PostgreSQL user, or undefined for the master secret. */
    public readonly user?: string,
  ) {}
}

/**
 * Options of a transaction processor: `pipeline.addProcessor(id, options)`. Every value is checked at
 * synth time.
 */
export interface TransactionProcessorOptions {
  /**
   * The processor's code. Leave it out to run the reference processor shipped with this library,
   * which stores each transaction in PostgreSQL and the customer's state in Redis (README, "The
   * transaction processor").
   *
   * @default - the reference processor
   */
  readonly code?: lambda.Code;

  /**
   * The handler, for your own `code`.
   *
   * @default 'index.handler'
   */
  readonly handler?: string;

  /**
   * The runtime, for your own `code`.
   *
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Memory, 128 to 10240 MiB.
   *
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * How long one batch may take, at most 15 minutes.
   *
   * @default Duration.minutes(1)
   */
  readonly timeout?: Duration;

  /**
   * More environment variables for your own `code` (the pipeline's endpoints and secrets are set
   * already: README lists them).
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * Records per batch, 1 to 10000.
   *
   * @default 100
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before it invokes, up to 5 minutes.
   *
   * @default - none: a batch is invoked as soon as records arrive
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Where a new processor starts reading.
   *
   * @default lambda.StartingPosition.TRIM_HORIZON (the oldest record kept: nothing is skipped)
   */
  readonly startingPosition?: lambda.StartingPosition;

  /**
   * Concurrent batches per shard, 1 to 10 (records of one partition key stay in order).
   *
   * @default 1
   */
  readonly parallelizationFactor?: number;

  /**
   * Split a failing batch in two and retry each half, so one bad record does not hold back the rest.
   *
   * @default true
   */
  readonly bisectBatchOnError?: boolean;

  /**
   * Retries of a failing batch before its records go to the failed-records queue, 0 to 10000
   * (never unbounded: a poison record would block its shard until the record expires).
   *
   * @default 10
   */
  readonly retryAttempts?: number;

  /**
   * Records older than this go to the failed-records queue instead of being processed, 60 seconds
   * up to the stream's retention, so the record can still be read from the stream by its shard and
   * sequence number when it gets there.
   *
   * @default Duration.hours(1)
   */
  readonly maxRecordAge?: Duration;

  /**
   * The processor reports the records it could not process (`batchItemFailures`), so only those are
   * retried; the reference processor does.
   *
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;

  /**
   * How the processor signs in to PostgreSQL.
   *
   * @default ProcessorDatabaseAccess.MASTER_SECRET
   */
  readonly databaseAccess?: ProcessorDatabaseAccess;

  /**
   * How long a customer's state stays in the cache after their last transaction, 1 second to 365 days.
   *
   * @default Duration.days(1)
   */
  readonly cacheTtl?: Duration;

  /**
   * Concurrent executions reserved for the processor (and the most it may use). A Kinesis event source
   * never runs more than shards x parallelizationFactor at once. Lambda refuses a reservation that leaves
   * the account fewer than 100 unreserved executions, which many new accounts cannot, so none is made
   * unless asked for.
   *
   * @default - none: the processor shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
}

/** Properties of {@link TransactionProcessor}. */
export interface TransactionProcessorProps extends TransactionProcessorOptions {
  /** The pipeline whose stream the processor reads and whose stores it writes. */
  readonly pipeline: LgpdDataPipeline;
}

/**
 * A Lambda function that consumes the pipeline's stream and writes to its stores, wired the way the
 * pipeline's data needs: in the client subnets with its own security group opened by `allowFrom`,
 * reading the stream and the secrets it needs (or signing in with IAM), a Kinesis event source with
 * bounded retries, bisection and partial batch responses, an on-failure destination that keeps the
 * shard and sequence numbers of what could not be processed in an SQS queue encrypted with the
 * pipeline key, a log group encrypted with the key, and alarms on errors and failed records.
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
  /** Where Lambda sends the shard and sequence numbers of records it gave up on. */
  public readonly failedRecordsQueue: sqs.Queue;
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
   * @param props the pipeline to process, and batching, retries, code and database access
   */
  constructor(scope: Construct, id: string, props: TransactionProcessorProps) {
    super(scope, id);
    const pipeline = props.pipeline;
    const internals = pipeline._internals;
    const stack = Stack.of(this);
    const names = internals.names.processor(id);
    checkInt('processor.memorySize', props.memorySize, 128, 10240);
    checkSeconds('processor.timeout', props.timeout, 1, 900);
    checkInt('processor.batchSize', props.batchSize, 1, 10000);
    checkSeconds('processor.maxBatchingWindow', props.maxBatchingWindow, 0, 300);
    checkInt('processor.parallelizationFactor', props.parallelizationFactor, 1, 10);
    checkInt('processor.retryAttempts', props.retryAttempts, 0, 10000, 'never unbounded: a poison record would block its shard');
    checkSeconds('processor.maxRecordAge', props.maxRecordAge, 60, Math.min(604800, internals.streamRetention.isUnresolved() ? 604800 : internals.streamRetention.toSeconds()),
      'at most the stream\'s retention, so a failed record can still be read from the stream');
    checkSeconds('processor.cacheTtl', props.cacheTtl, 1, 365 * 86400);
    checkInt('processor.reservedConcurrentExecutions', props.reservedConcurrentExecutions, 1, 10000);
    if ((props.handler !== undefined || props.runtime !== undefined) && props.code === undefined) {
      fail('processor.handler', props.handler ?? props.runtime?.name, 'must be given together with processor.code (the reference processor has its own)');
    }

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: pipeline.vpc,
      securityGroupName: names.function,
      description: `Transaction processor ${names.function}: egress only to the pipeline stores and endpoints`,
      allowAllOutbound: false,
    });

    this.failedRecordsQueue = new sqs.Queue(this, 'FailedRecords', {
      queueName: names.failedRecordsQueue,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: pipeline.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: internals.removal.keep,
    });

    // The function's permissions live in one customer-managed policy (no inline policy: HIPAA, NIST and
    // PCI IAMNoInlinePolicy), which every grant below writes to.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Transaction processor ${names.function}`,
    });
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Transaction processor ${names.function}: read the stream and the store credentials, write its logs and failed records`,
      roles: [role],
    });
    const principal = new ManagedPolicyPrincipal(role, policy);

    const access = props.databaseAccess ?? ProcessorDatabaseAccess.MASTER_SECRET;
    const logGroup = encryptedLogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${names.function}`,
      encryptionKey: pipeline.encryptionKey,
      retention: internals.logRetention,
      removalPolicy: internals.removal.keep,
    });

    this.environment = {
      ...props.environment,
      ...processorEnvironment({
        databaseHost: pipeline.database.dbInstanceEndpointAddress,
        databasePort: Tokenization.stringifyNumber(internals.databasePort),
        databaseName: internals.databaseName,
        ...(access.user ? { databaseIamUser: access.user } : { databaseSecretArn: pipeline.databaseSecret.secretArn }),
        cacheHost: pipeline.cacheEndpointAddress,
        cachePort: pipeline.cacheEndpointPort,
        cacheAuthSecretArn: pipeline.cacheAuthSecret.secretArn,
        cacheClusterMode: String(internals.cacheClusterMode),
        cacheTtlSeconds: String((props.cacheTtl ?? Duration.days(1)).toSeconds()),
      }),
      NODE_EXTRA_CA_CERTS: LAMBDA_AMAZON_CA_BUNDLE,
    };

    this.function = new lambda.Function(this, 'Function', {
      functionName: names.function,
      description: `Transaction processor of LGPD pipeline ${pipeline.environmentSuffix}: stream ${pipeline.stream.streamName} to PostgreSQL and the cache`,
      code: props.code ?? lambda.Code.fromAsset(REFERENCE_PROCESSOR),
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
      role: role.withoutPolicyUpdates(),
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
    this.function.node.addDependency(policy);
    // aws-cdk-lib makes a function depend on its role, which its GetAtt of the role already implies
    // (cfn-lint W3005): acknowledged on this one resource.
    (this.function.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });

    policy.addStatements(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      // The actions of AWSLambdaVPCAccessExecutionRole, which Lambda needs to manage the function's
      // network interfaces, narrowed: the writes to network interfaces in the function's own subnets and
      // security group; the Describe actions have no resource-level permissions.
      new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }),
      new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: [
          stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
          ...pipeline.vpc.selectSubnets(pipeline.clientSubnets).subnetIds
            .map(subnetId => stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: subnetId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })),
          stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: securityGroup.securityGroupId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
        ],
      }),
      // The failed-records queue is encrypted with the pipeline key: sending needs a data key, through SQS only.
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.failedRecordsQueue.queueArn] }),
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [pipeline.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
      }),
    );
    acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]',
      'ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets, which Lambda needs for a function in a VPC, support no resource-level permissions (read-only).');
    const eniArn = (region: string, account: string) => `arn:<AWS::Partition>:ec2:${region}:${account}:network-interface/*`;
    acknowledge(policy, `AwsSolutions-IAM5[Resource::${eniArn(literalOr(stack.region, '<AWS::Region>'), literalOr(stack.account, '<AWS::AccountId>'))}]`,
      'Lambda creates and deletes the function\'s network interfaces, whose ids are not known before: the writes are limited to network interfaces, in the function\'s own subnets and security group.');

    pipeline.allowFrom(this.function);
    if (access.user) {
      pipeline.grantDatabaseConnect(principal, access.user);
      internals.grantCacheAuthTokenRead(principal);
    } else {
      pipeline.grantSecretsRead(principal);
    }

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
      retryAttempts: props.retryAttempts ?? 10,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(1),
      reportBatchItemFailures: props.reportBatchItemFailures ?? true,
      // The destination only: the permission to send is in the policy above, without SqsDlq's key wildcards.
      onFailure: { bind: () => ({ destination: this.failedRecordsQueue.queueArn }) },
    });
    this.eventSourceMapping.node.addDependency(policy);

    internals.monitorProcessor(id, names.kebab, this.function, this.failedRecordsQueue);

    if (props.reservedConcurrentExecutions === undefined) {
      const reason = 'Lambda refuses a reservation that would leave the account fewer than 100 unreserved concurrent executions, '
        + 'which the quota of many new accounts cannot, and the first deploy would fail. A Kinesis event source runs at most '
        + 'shards x parallelizationFactor at once; reservedConcurrentExecutions reserves that where the account allows it.';
      acknowledgeInPacks(this.function.node.defaultChild as CfnResource, HIPAA_NIST, 'LambdaConcurrency', reason, 'CKV_AWS_115');
    }
  }
}

/** A duration within [min, max] seconds; tokens pass. */
function checkSeconds(prop: string, value: Duration | undefined, min: number, max: number, why = ''): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    fail(prop, value, `must be a whole number of seconds from ${min} to ${max}${why ? ` (${why})` : ''}`);
  }
}

/** The value as cdk-nag shows it in a finding: itself when literal, else the pseudo parameter's name. */
function literalOr(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? pseudo : value;
}

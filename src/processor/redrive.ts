import { CfnResource, Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FailedRecordsDestination } from './failed-records';
import { QuarantineQueue } from './quarantine';
import { grantStoreAccess, ProcessorStoreLogins } from './store-access';
import { ILgpdDataPipeline } from '../add-on';
import { acknowledgeInPacks, HIPAA_NIST } from '../private/acknowledge';
import { grantNetworkInterfaces } from '../private/network-interfaces';
import { lambdaPrincipal } from '../private/policy-principal';

/** Properties of {@link ProcessorRedrive}. */
export interface ProcessorRedriveProps {
  /** The pipeline the processor belongs to. */
  readonly pipeline: ILgpdDataPipeline;
  /** The redrive function's name. */
  readonly functionName: string;
  /** The reference processor's bundle, whose `index.redrive` is the redrive's handler. */
  readonly code: lambda.Code;
  /** The processor's environment, with the failed-records queue's URL. */
  readonly environment: Record<string, string>;
  /** The processor's logins to the stores; the redrive does the processor's job and signs in with them. */
  readonly logins: ProcessorStoreLogins;
  /** The queue of the event source mapping's on-failure records, which the redrive reads. */
  readonly failedRecords: FailedRecordsDestination;
  /** The quarantine queue, which the redrive reads, and writes what a redrive of failed records finds invalid. */
  readonly quarantine: QuarantineQueue;
}

/**
 * The redrive function of a reference processor (`index.redrive` of the same bundle): an operator runs
 * it with `aws lambda invoke` after fixing what made records fail. It reads the failed-records queue
 * (shard and sequence ranges), reads those records from the stream again, and puts them through the
 * processor's own code, as the event source mapping would; or it puts the quarantined records through
 * it again. Both are idempotent (docs/processor.md, "Redrive").
 *
 * It runs where the processor runs (the client subnets, its own security group opened by the
 * pipeline's `allowFrom`) and signs in to the stores as the processor does; it reads the stream through
 * the Kinesis endpoint and the queues through the SQS endpoint. Up to 15 minutes a run.
 */
export class ProcessorRedrive extends Construct {
  /** The function. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: ProcessorRedriveProps) {
    super(scope, id);
    const { pipeline, functionName } = props;
    // No fixed name: an update that replaces the group would fail on a name the old group still holds.
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: pipeline.vpc,
      description: `Redrive ${functionName}: egress only to the pipeline stores and endpoints`,
      allowAllOutbound: false,
    });
    const principal = lambdaPrincipal(this, {
      roleDescription: `Redrive ${functionName}`,
      policyDescription: `Redrive ${functionName}: read the failed-records and quarantine queues and the stream, sign in to the stores, write its logs`,
    });
    const logGroup = pipeline.conventions.logGroup(this, 'Logs', `/aws/lambda/${functionName}`);

    this.function = new lambda.Function(this, 'Function', {
      functionName,
      description: `Redrive of LGPD pipeline ${pipeline.environmentSuffix}: failed-records pointers and quarantined records back through the processor`,
      code: props.code,
      handler: 'index.redrive',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.minutes(15),
      vpc: pipeline.vpc,
      vpcSubnets: pipeline.clientSubnets,
      securityGroups: [securityGroup],
      role: principal.role.withoutPolicyUpdates(),
      environmentEncryption: pipeline.encryptionKey,
      logGroup,
      environment: props.environment,
    });
    this.function.node.addDependency(principal.policy);
    (this.function.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });

    principal.policy.addStatements(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    grantNetworkInterfaces(principal, { vpc: pipeline.vpc, subnets: pipeline.clientSubnets, securityGroup });
    pipeline.allowFrom(this.function);
    grantStoreAccess(props.pipeline, props.logins, principal);
    pipeline.grantRead(principal);
    props.failedRecords.grantConsume(principal);
    props.quarantine.grantConsume(principal);
    props.quarantine.grantSend(principal);
    // GetRecords from the client subnets, through the Kinesis endpoint (the processor's mapping reads
    // the stream from the Lambda service instead).
    pipeline.addClientEndpoint(ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS);

    const resource = this.function.node.defaultChild as CfnResource;
    acknowledgeInPacks(resource, HIPAA_NIST, 'LambdaConcurrency',
      'Run by an operator with aws lambda invoke, one run at a time; a reservation would take from an account quota that many new accounts do not have '
      + '(Lambda keeps 100 executions unreserved).', 'CKV_AWS_115');
    acknowledgeInPacks(resource, HIPAA_NIST, 'LambdaDLQ',
      'Invoked synchronously by an operator (aws lambda invoke), who gets a failed run\'s error and runs it again; the messages it works on stay in '
      + 'their queues until it deletes them, so a dead-letter queue (which receives only asynchronous invocations) would keep nothing more.', 'CKV_AWS_116');
  }
}

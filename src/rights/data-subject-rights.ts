import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { rightsAlarms } from './alarms';
import { exportBucket } from './export-bucket';
import { DataSubjectRightsOptions, resolveRightsOptions } from './options';
import { residualCopies } from './residual-copies';
import { RightsFunction } from './rights-function';
import { streamConsumerLimits, tombstoneTtl } from './stream-consumers';
import { RightsWorkflow } from './workflow';
import { ILgpdDataPipeline } from '../add-on';
import { grantKeyViaService, grantSecretsRead } from '../private/grants';
import { kebabCase } from '../private/names';
import { EXPORT_PREFIX, rightsEnvironment, RIGHTS_STEPS } from '../private/rights-contract';
import { SUBJECT_KEY_SECRET_VARIABLE } from '../private/subject-contract';
import { ERASURE_PATH_TAG } from '../private/tags';
import { fail } from '../private/validation';

/** Properties of {@link DataSubjectRights}. */
export interface DataSubjectRightsProps extends DataSubjectRightsOptions {
  /** The pipeline whose data subjects' rights this answers. */
  readonly pipeline: ILgpdDataPipeline;
}

/** The pipelines that have their data-subject rights already: one each (they share the rights tables). */
const bound = new WeakSet<ILgpdDataPipeline>();

/**
 * Data-subject rights (LGPD Art. 18 and 19) across the pipeline: confirm, access and erase a customer's
 * data in PostgreSQL and Redis, and keep it erased.
 *
 * - A request function in the client subnets takes `{ type, customerId, reference? }` from the callers you
 *   allow with `grantSubmit`: CONFIRM answers at once, ACCESS and ERASE record the request and start a
 *   durable workflow, STATUS says where a request is.
 * - A Step Functions Standard workflow carries only the request id: an erasure fences the subject first
 *   (tombstones in PostgreSQL and Redis, which the processor honours), then deletes, waits for the
 *   stream consumers' in-flight batches, sweeps and verifies; an access writes a JSON export with the
 *   declaration of Art. 19 II to a bucket encrypted with the pipeline key.
 * - Every request and step goes to an append-only, hash-chained audit record that holds keyed hashes of
 *   subjects only; alarms watch due dates, workflow failures and the chain.
 *
 * It binds to the pipeline through `ILgpdDataPipeline` only. docs/data-subject-rights.md has the request
 * format, the answers, the residual copies and what stays out of scope.
 *
 * @example
 * declare const pipeline: LgpdDataPipeline;
 * declare const backOffice: iam.IRole;
 * const rights = pipeline.addDataSubjectRights('Rights', { controller: 'FastShop Ltda., dpo@fastshop.example' });
 * rights.grantSubmit(backOffice);
 */
export class DataSubjectRights extends Construct {
  /** The function that takes requests (invoke it synchronously; `grantSubmit`). */
  public readonly requestFunction: lambda.Function;
  /** The function behind every step of the workflow, and the hourly deadline check. */
  public readonly workerFunction: lambda.Function;
  /** The workflow of ACCESS and ERASE requests. */
  public readonly stateMachine: sfn.StateMachine;
  /** Where access exports are written (`exports/<request id>.json`); `grantReadExports`. */
  public readonly exportBucket: s3.Bucket;

  /**
   * @param scope the construct that holds the rights (`pipeline.addDataSubjectRights` uses the pipeline)
   * @param id the construct id, part of the physical names (letters and digits)
   * @param props the pipeline, the declaration of Art. 19, due dates, exports and what an erasure does
   */
  constructor(scope: Construct, id: string, props: DataSubjectRightsProps) {
    super(scope, id);
    const pipeline = props.pipeline;
    if (bound.has(pipeline)) {
      fail('data-subject rights', id, 'must be added once per pipeline: its requests, tombstones and audit record are the pipeline\'s');
    }
    bound.add(pipeline);
    const options = resolveRightsOptions(props);
    const name = pipeline.conventions.physicalName('rights', id);
    const erasure = JSON.stringify({
      mode: options.erasure.mode,
      ...(options.erasure.legalBasis !== undefined
        ? { legalBasis: options.erasure.legalBasis, retainDays: options.erasure.retention!.toDays() } : {}),
    });

    // The request function reaches Step Functions, and the worker S3, from the client subnets.
    pipeline.addClientEndpoint(ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS);
    pipeline.addClientGatewayEndpoint(ec2.GatewayVpcEndpointAwsService.S3);

    this.exportBucket = exportBucket(this, pipeline, options.exportExpiration);

    const worker = new RightsFunction(this, 'Worker', {
      pipeline,
      functionName: pipeline.conventions.physicalName('rights', `${id}Worker`),
      description: `Data-subject rights worker of LGPD pipeline ${pipeline.environmentSuffix}: fence, erase, sweep, export, deadlines`,
      bundle: 'rights-worker',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment: rightsEnvironment({
        exportBucket: this.exportBucket.bucketName,
        exportExpirationDays: String(options.exportExpiration.toDays()),
        dueWarningSeconds: String(options.dueWarning.toSeconds()),
        tombstoneTtlSeconds: Lazy.string({ produce: () => String(tombstoneTtl(pipeline).toSeconds()) }),
        erasure,
        declaration: JSON.stringify(options.declaration),
        residualCopies: Lazy.string({ produce: () => JSON.stringify(residualCopies(pipeline, options.exportExpiration)) }),
      }),
      noDeadLetterQueue: 'The workflow invokes the worker synchronously and retries a failed step itself; the hourly deadline check runs again the next hour.',
    });
    this.workerFunction = worker.function;
    // Writes and deletes exports, nothing else of the bucket; the key through S3 only.
    worker.principal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: [this.exportBucket.arnForObjects(`${EXPORT_PREFIX}*`)],
    }));
    grantKeyViaService(worker.principal, pipeline.encryptionKey, 's3', 'kms:GenerateDataKey');
    pipeline.conventions.acknowledge(worker.principal.policy,
      `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.exportBucket.node.defaultChild as s3.CfnBucket)}.Arn>/${EXPORT_PREFIX}*]`,
      'Exports are named by request ids, unknown before: the worker may put and delete objects under exports/ of its own bucket only.');

    const workflow = new RightsWorkflow(this, 'Workflow', {
      pipeline,
      stateMachineName: name,
      worker: this.workerFunction,
      sweepDelaySeconds: () => streamConsumerLimits(pipeline).maxInvocationSeconds,
      timeout: options.dueIn.minus(options.dueWarning),
    });
    this.stateMachine = workflow.stateMachine;

    const requests = new RightsFunction(this, 'Requests', {
      pipeline,
      functionName: pipeline.conventions.physicalName('rights', `${id}Requests`),
      description: `Data-subject requests of LGPD pipeline ${pipeline.environmentSuffix}: CONFIRM, ACCESS, ERASE, STATUS`,
      bundle: 'rights-requests',
      memorySize: 512,
      timeout: Duration.seconds(30),
      environment: {
        [SUBJECT_KEY_SECRET_VARIABLE]: pipeline.subjectKeySecret.secretArn,
        ...rightsEnvironment({
          stateMachineArn: this.stateMachine.stateMachineArn,
          dueSeconds: String(options.dueIn.toSeconds()),
          dueWarningSeconds: String(options.dueWarning.toSeconds()),
          erasure,
        }),
      },
      noDeadLetterQueue: 'Callers invoke the request function synchronously and get its answer or error; nothing is queued.',
    });
    this.requestFunction = requests.function;
    this.stateMachine.grantStartExecution(requests.principal);
    grantSecretsRead(requests.principal, pipeline.encryptionKey, [{ secret: pipeline.subjectKeySecret }]);

    // The deadline check, the audit chain check and the purge of retained rows whose time is up.
    new events.Rule(this, 'DeadlineCheck', {
      description: `Hourly deadline and audit-chain check of ${name}`,
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(this.workerFunction, {
        event: events.RuleTargetInput.fromObject({ step: RIGHTS_STEPS.deadlines }),
        retryAttempts: 2,
      })],
    });

    const slug = kebabCase(id);
    for (const [alarmId, { slug: alarmSlug, ...alarm }] of Object.entries(rightsAlarms(pipeline.environmentSuffix, this.stateMachine))) {
      pipeline.addAlarm(`${id}${alarmId}`, { ...alarm, name: `${slug}-${alarmSlug}` });
    }

    // The stores' erasure path, for LgpdChecks (Art. 18) and the record of processing.
    (pipeline.database.node.defaultChild as rds.CfnDBInstance).tags.setTag(ERASURE_PATH_TAG, name);
    pipeline.cacheReplicationGroup.tags.setTag(ERASURE_PATH_TAG, name);
  }

  /**
   * Lets `grantee` submit data-subject requests (invoke the request function).
   *
   * @param grantee the principal of the system that takes subjects' requests (a back office, a privacy portal)
   */
  public grantSubmit(grantee: iam.IGrantable): iam.Grant {
    return this.requestFunction.grantInvoke(grantee);
  }

  /**
   * Lets `grantee` read access exports (and decrypt them with the pipeline key), to hand them to the subject.
   *
   * @param grantee the principal that delivers exports
   */
  public grantReadExports(grantee: iam.IGrantable): iam.Grant {
    return this.exportBucket.grantRead(grantee, `${EXPORT_PREFIX}*`);
  }
}

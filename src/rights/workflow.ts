import { ArnFormat, CfnResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ILgpdDataPipeline } from '../add-on';
import { acknowledge } from '../private/acknowledge';
import { ManagedPolicyPrincipal, servicePrincipal } from '../private/policy-principal';
import { REQUEST_ID_PREFIX, RIGHTS_STEPS } from '../private/rights-contract';

/** Properties of {@link RightsWorkflow}. */
export interface RightsWorkflowProps {
  readonly pipeline: ILgpdDataPipeline;
  readonly stateMachineName: string;
  /** The worker, every task state's function. */
  readonly worker: lambda.IFunction;
  /** How long the erasure waits before it sweeps again: the stream consumers' longest invocation. */
  readonly sweepDelaySeconds: () => number;
  /** When the execution gives up: before the request's due date, so that its failure alarms in time. */
  readonly timeout: Duration;
}

/**
 * The durable workflow of ACCESS and ERASE requests: a Step Functions Standard state machine (exactly-once
 * state transitions, executions of up to a year, a Wait state that costs nothing while it waits, and an
 * execution history kept 90 days: docs/data-subject-rights.md says why Standard). Its input and every
 * state's output are `{ "requestId": ... }` and nothing else: each task sends the worker the request id
 * and a step name, and discards the worker's result, so the history holds no personal data.
 *
 * - ERASE (request ids `erase-...`): fence, erase, wait for the consumers' in-flight invocations, sweep.
 * - ACCESS: export.
 * - A step that keeps failing (retried with backoff for about half an hour) marks the request failed, and
 *   the execution fails, which alarms.
 */
export class RightsWorkflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly principal: ManagedPolicyPrincipal;

  constructor(scope: Construct, id: string, props: RightsWorkflowProps) {
    super(scope, id);
    const pipeline = props.pipeline;
    const step = (stateId: string, name: string) => new tasks.LambdaInvoke(this, stateId, {
      lambdaFunction: props.worker,
      payload: sfn.TaskInput.fromObject({ requestId: sfn.JsonPath.stringAt('$.requestId'), step: name }),
      payloadResponseOnly: true,
      resultPath: sfn.JsonPath.DISCARD,
      retryOnServiceExceptions: false,
    }).addRetry({ errors: [sfn.Errors.ALL], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 8, maxDelay: Duration.minutes(10) });

    const failed = step('MarkFailed', RIGHTS_STEPS.fail).next(new sfn.Fail(this, 'Failed', {
      error: 'RequestFailed',
      cause: 'A step kept failing: the request is marked FAILED; its worker logs say why. Start an execution with the same input to try again.',
    }));
    const done = new sfn.Succeed(this, 'Answered');
    const guarded = (task: sfn.TaskStateBase) => task.addCatch(failed, { errors: [sfn.Errors.ALL], resultPath: sfn.JsonPath.DISCARD });

    const erasure = guarded(step('Fence', RIGHTS_STEPS.fence))
      .next(guarded(step('Erase', RIGHTS_STEPS.erase)))
      .next(new sfn.Wait(this, 'WaitForInFlightBatches', {
        time: sfn.WaitTime.duration(Duration.seconds(Lazy.number({ produce: () => props.sweepDelaySeconds() }))),
      }))
      .next(guarded(step('Sweep', RIGHTS_STEPS.sweep)))
      .next(done);
    const access = guarded(step('Export', RIGHTS_STEPS.export)).next(done);
    const definition = new sfn.Choice(this, 'AccessOrErasure')
      .when(sfn.Condition.stringMatches('$.requestId', `${REQUEST_ID_PREFIX.ERASE}*`), erasure)
      .otherwise(access);

    // The role's permissions live in one customer-managed policy, written here explicitly (the state
    // machine's own grants would go inline): invoking the worker, delivering logs, tracing.
    const stack = Stack.of(this);
    // Step Functions assumes the role for this state machine of this account only (the confused deputy).
    this.principal = servicePrincipal(this, 'states.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: props.stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
      roleDescription: `Data-subject rights workflow ${props.stateMachineName}`,
      policyDescription: `Data-subject rights workflow ${props.stateMachineName}: invoke its worker, deliver its logs and traces`,
    });
    this.principal.policy.addStatements(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.worker.functionArn, `${props.worker.functionArn}:*`] }),
      // CloudWatch Logs delivery and X-Ray take no resource-level permissions.
      new iam.PolicyStatement({
        actions: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
          'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], resources: ['*'] }),
    );
    acknowledge(this.principal.policy, 'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs log delivery (how Step Functions writes its logs) and X-Ray tracing support no resource-level permissions.');
    acknowledge(this.principal.policy, `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(props.worker.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
      'The versions and aliases of the worker function (how Step Functions may name it); no other function.');

    const logGroup = pipeline.conventions.logGroup(this, 'Logs', `/aws/vendedlogs/states/${props.stateMachineName}`);
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      role: this.principal.role.withoutPolicyUpdates(),
      timeout: props.timeout,
      tracingEnabled: true,
      // Every event, without its input and output (they are request ids anyway).
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.stateMachine.node.addDependency(this.principal.policy);
    // aws-cdk-lib makes the state machine depend on its role, which its GetAtt of the role already implies
    // (cfn-lint W3005): acknowledged on this one resource, as on the functions.
    (this.stateMachine.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
  }
}

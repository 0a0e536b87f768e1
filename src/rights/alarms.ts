import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { PipelineAlarm, PipelineAlarmOptions } from '../monitoring/pipeline-alarm';
import { RIGHTS_METRICS } from '../private/rights-contract';
import { METRICS_NAMESPACE, PIPELINE_DIMENSION } from '../private/subject-contract';

/** A metric the rights worker publishes (embedded metric format), by its name in the contract. */
export function rightsMetric(suffix: string, metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { [PIPELINE_DIMENSION]: suffix }, statistic: 'Maximum', period });
}

/** The alarms of data-subject rights, by construct-id suffix, each named `<rights>-<slug>`. */
export function rightsAlarms(suffix: string, stateMachine: sfn.StateMachine): Record<string, Omit<PipelineAlarmOptions, 'name'> & { readonly slug: string }> {
  const period = Duration.minutes(5);
  return {
    WorkflowFailed: {
      kind: PipelineAlarm.RIGHTS_WORKFLOW_FAILED,
      slug: 'workflow-failed',
      metric: new cloudwatch.MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: stateMachine.metricFailed({ statistic: 'Sum', period }),
          timedOut: stateMachine.metricTimedOut({ statistic: 'Sum', period }),
          aborted: stateMachine.metricAborted({ statistic: 'Sum', period }),
        },
        period,
        label: 'Rights workflow executions failed, timed out or aborted',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description: 'A data-subject request\'s workflow failed, timed out (it gives up before the due date) or was aborted: the request is FAILED. '
        + 'Read the worker\'s log for the request id, fix the cause, and start an execution with the same input {"requestId": ...}.',
    },
    RequestsNearDue: {
      kind: PipelineAlarm.RIGHTS_REQUESTS_NEAR_DUE,
      slug: 'requests-near-due',
      metric: rightsMetric(suffix, RIGHTS_METRICS.nearDue, Duration.hours(1)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description: 'A data-subject request is not answered and its due date (LGPD Art. 19: 15 days at most) is near or past. '
        + 'Find it in lgpd_rights_requests (status <> COMPLETED, by due_at) and answer it.',
    },
    AuditChainBroken: {
      kind: PipelineAlarm.RIGHTS_AUDIT_CHAIN_BROKEN,
      slug: 'audit-chain-broken',
      metric: rightsMetric(suffix, RIGHTS_METRICS.auditChainBroken, Duration.hours(1)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description: 'The hash chain of the data-subject-rights audit record (lgpd_rights_audit) is broken: a row was changed or removed. '
        + 'SELECT * FROM lgpd_rights_audit_verify() names the first broken row; treat it as a security incident (LGPD Art. 48).',
    },
  };
}

/**
 * Custom metrics as CloudWatch embedded metric format: fields of a JSON log line that CloudWatch Logs
 * turns into metrics (no PutMetricData call, so no `monitoring` VPC endpoint). Namespace and dimension:
 * src/private/subject-contract.ts. Shared by the processor (its batch line) and the rights worker.
 */
import { METRICS_NAMESPACE, PIPELINE_DIMENSION } from '../../src/private/subject-contract';

/** The fields that make a log line carry `values` as metrics of the pipeline `pipeline` (its environment suffix). */
export function metricFields(pipeline: string, values: Record<string, number>): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{
        Namespace: METRICS_NAMESPACE,
        Dimensions: [[PIPELINE_DIMENSION]],
        Metrics: Object.keys(values).map(Name => ({ Name, Unit: 'Count' })),
      }],
    },
    [PIPELINE_DIMENSION]: pipeline,
    ...values,
  };
}

/** Writes `values` as metrics, on a line of their own. */
export function publishMetrics(pipeline: string, values: Record<string, number>): void {
  console.log(JSON.stringify(metricFields(pipeline, values)));
}

/**
 * Custom metrics as CloudWatch embedded metric format: one JSON log line that CloudWatch Logs turns into
 * metrics (no PutMetricData call, so no `monitoring` VPC endpoint). Namespace and dimension:
 * src/private/subject-contract.ts.
 */
import { METRICS_NAMESPACE, PIPELINE_DIMENSION } from '../../src/private/subject-contract';

/** Writes `values` as metrics of the pipeline `pipeline` (its environment suffix). */
export function publishMetrics(pipeline: string, values: Record<string, number>): void {
  console.log(JSON.stringify({
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
  }));
}

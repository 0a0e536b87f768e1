import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { PipelineMetrics } from './metrics';
import { PipelineAlarm } from './pipeline-alarm';

/** What the dashboard shows. */
export interface PipelineDashboardProps {
  /** The dashboard's name. */
  readonly dashboardName: string;
  /** The pipeline's metrics. */
  readonly metrics: PipelineMetrics;
  /** Every alarm created, for the alarm status widget. */
  readonly alarms: cloudwatch.Alarm[];
  /** The alarms of one kind, whose threshold a graph shows as an annotation. */
  readonly alarmsOf: (which: PipelineAlarm) => cloudwatch.Alarm[];
}

/**
 * A CloudWatch dashboard of the pipeline: one graph per metric (two where they belong together), each
 * with its alarm's threshold, and the status of every alarm.
 */
export function pipelineDashboard(scope: Construct, id: string, props: PipelineDashboardProps): cloudwatch.Dashboard {
  const { stream, database, cache } = props.metrics;
  const graph = (title: string, metrics: cloudwatch.IMetric[], ...kinds: PipelineAlarm[]) => new cloudwatch.GraphWidget({
    title,
    left: metrics,
    width: 8,
    leftAnnotations: kinds.flatMap(k => props.alarmsOf(k).slice(0, 1).map(a => a.toAnnotation())),
  });
  const dashboard = new cloudwatch.Dashboard(scope, id, { dashboardName: props.dashboardName });
  dashboard.addWidgets(
    graph('Stream: iterator age (ms)', [stream.metricGetRecordsIteratorAgeMilliseconds()], PipelineAlarm.STREAM_ITERATOR_AGE),
    graph('Stream: throttled (share)', [stream.metricWriteProvisionedThroughputExceeded(), stream.metricReadProvisionedThroughputExceeded()],
      PipelineAlarm.STREAM_WRITE_THROTTLED),
    graph('Database: CPU (%)', [database.metricCPUUtilization()], PipelineAlarm.DATABASE_CPU),
  );
  dashboard.addWidgets(
    graph('Database: free storage (bytes)', [database.metricFreeStorageSpace()], PipelineAlarm.DATABASE_FREE_STORAGE),
    graph('Database: connections', [database.metricDatabaseConnections()], PipelineAlarm.DATABASE_CONNECTIONS),
    graph('Cache: CPU and engine CPU (%)', [cache.metricCPUUtilization(), cache.metricEngineCPUUtilization()], PipelineAlarm.CACHE_CPU),
  );
  dashboard.addWidgets(
    graph('Cache: memory (%)', [cache.metricDatabaseMemoryUsagePercentage()], PipelineAlarm.CACHE_MEMORY),
    graph('Cache: evictions', [cache.metricEvictions()], PipelineAlarm.CACHE_EVICTIONS),
    graph('Cache: replication lag (s)', [cache.metricReplicationLag()], PipelineAlarm.CACHE_REPLICATION_LAG),
  );
  if (props.alarms.length > 0) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24 }));
  }
  return dashboard;
}

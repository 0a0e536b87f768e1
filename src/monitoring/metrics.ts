import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DEFAULT_CACHE_NODES_PER_GROUP, MAX_METRICS_PER_ALARM } from '../private/limits';
import { cacheNodeIds } from '../private/names';

/**
 * The metrics of a pipeline, each defined once, named after its official CloudWatch metric, and
 * grouped by service. The alarms and the dashboard read them from here.
 *
 * Metrics name the stream, the instance and the cache nodes by their physical names rather than by
 * reference, so alarms do not wait for the resources at deploy time. That also lets another stack
 * (a central monitoring account's, say) build the metrics of a pipeline it does not own.
 *
 * @example
 * declare const pipeline: LgpdDataPipeline;
 * const age = pipeline.metrics.stream.metricGetRecordsIteratorAgeMilliseconds({ period: Duration.minutes(5) });
 */
export class PipelineMetrics {
  /** Kinesis metrics of the stream. */
  public readonly stream: StreamMetrics;
  /** RDS metrics of the database instance. */
  public readonly database: DatabaseMetrics;
  /** ElastiCache metrics of the cache nodes, aggregated over the nodes. */
  public readonly cache: CacheMetrics;

  /** @param props the physical names of the stream, the database instance and the cache */
  constructor(props: PipelineMetricsProps) {
    this.stream = new StreamMetrics(props.streamName);
    this.database = new DatabaseMetrics(props.databaseInstanceIdentifier);
    const nodesPerGroup = props.cacheNodesPerGroup ?? DEFAULT_CACHE_NODES_PER_GROUP;
    this.cache = new CacheMetrics(cacheNodeIds(props.cacheReplicationGroupId, props.cacheNodeGroups, nodesPerGroup));
  }
}

/** Properties of {@link PipelineMetrics}: the physical names the metrics carry as dimensions. */
export interface PipelineMetricsProps {
  /** The Kinesis stream name, for example `lgpd-transactions-dev`. */
  readonly streamName: string;
  /** The DB instance identifier, lowercase, for example `lgpd-db-dev`. */
  readonly databaseInstanceIdentifier: string;
  /** The ElastiCache replication group id, lowercase, for example `lgpd-cache-dev`. */
  readonly cacheReplicationGroupId: string;
  /**
   * Node groups of the cache (cluster mode on).
   *
   * @default - cluster mode off
   */
  readonly cacheNodeGroups?: number;
  /**
   * Nodes per node group.
   *
   * @default 2
   */
  readonly cacheNodesPerGroup?: number;
}

/** Metrics of the Kinesis stream (namespace `AWS/Kinesis`), each over 1 minute by default. */
export class StreamMetrics {
  /** @param streamName the stream name the metrics carry */
  constructor(private readonly streamName: string) {}

  /**
   * `GetRecords.IteratorAgeMilliseconds`: age of the oldest record not yet read, ms (Maximum).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricGetRecordsIteratorAgeMilliseconds(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('GetRecords.IteratorAgeMilliseconds', 'Maximum', props);
  }

  /**
   * `WriteProvisionedThroughputExceeded`: share of records rejected by write throttling, 0 to 1 (Average).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricWriteProvisionedThroughputExceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('WriteProvisionedThroughputExceeded', 'Average', props);
  }

  /**
   * `ReadProvisionedThroughputExceeded`: share of GetRecords calls throttled, 0 to 1 (Average).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricReadProvisionedThroughputExceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReadProvisionedThroughputExceeded', 'Average', props);
  }

  private metric(metricName: string, statistic: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Kinesis',
      metricName,
      dimensionsMap: { StreamName: this.streamName },
      statistic,
      period: Duration.minutes(1),
      ...props,
    });
  }
}

/** Metrics of the RDS instance (namespace `AWS/RDS`), each over 5 minutes by default. */
export class DatabaseMetrics {
  /** @param instanceIdentifier the DB instance identifier the metrics carry */
  constructor(private readonly instanceIdentifier: string) {}

  /**
   * `CPUUtilization`: CPU of the instance, percent (Average).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricCPUUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CPUUtilization', 'Average', props);
  }

  /**
   * `FreeStorageSpace`: free storage, bytes (Minimum).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricFreeStorageSpace(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('FreeStorageSpace', 'Minimum', props);
  }

  /**
   * `DatabaseConnections`: client connections (Maximum).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricDatabaseConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DatabaseConnections', 'Maximum', props);
  }

  private metric(metricName: string, statistic: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/RDS',
      metricName,
      dimensionsMap: { DBInstanceIdentifier: this.instanceIdentifier },
      statistic,
      period: Duration.minutes(5),
      ...props,
    });
  }
}

/** How one ElastiCache node metric is read and aggregated over the nodes. */
interface NodeMetric {
  /** Short id of the per-node inputs in expressions (unique per metric, so one graph can show several). */
  readonly id: string;
  /** The per-node statistic. */
  readonly statistic: string;
  /** How the nodes are aggregated: the busiest node, or the sum over all. */
  readonly aggregate: 'MAX' | 'SUM';
  /** The period. */
  readonly period: Duration;
}

/** The ElastiCache node metrics the pipeline reads, each defined here once. */
const NODE_METRICS: Record<string, NodeMetric> = {
  CPUUtilization: { id: 'cpu', statistic: 'Average', aggregate: 'MAX', period: Duration.minutes(5) },
  EngineCPUUtilization: { id: 'engine', statistic: 'Average', aggregate: 'MAX', period: Duration.minutes(5) },
  DatabaseMemoryUsagePercentage: { id: 'memory', statistic: 'Maximum', aggregate: 'MAX', period: Duration.minutes(5) },
  Evictions: { id: 'evictions', statistic: 'Sum', aggregate: 'SUM', period: Duration.minutes(5) },
  ReplicationLag: { id: 'lag', statistic: 'Maximum', aggregate: 'MAX', period: Duration.minutes(1) },
};

/**
 * Metrics of the cache (namespace `AWS/ElastiCache`). ElastiCache publishes them per node
 * (`CacheClusterId` `<group>-001`, or `<group>-0001-001` with cluster mode on); each method returns a
 * metric-math expression over every node: the busiest node (`MAX`), or the sum for evictions.
 */
export class CacheMetrics {
  /** @param nodeIds the member cluster ids of the nodes */
  constructor(private readonly nodeIds: string[]) {}

  /**
   * `CPUUtilization`: host CPU of the busiest node, percent (Average over 5 minutes).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricCPUUtilization(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.aggregates('CPUUtilization', props)[0];
  }

  /**
   * `EngineCPUUtilization`: CPU of the engine thread of the busiest node, percent (Average over 5 minutes).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricEngineCPUUtilization(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.aggregates('EngineCPUUtilization', props)[0];
  }

  /**
   * `DatabaseMemoryUsagePercentage`: share of `maxmemory` in use on the fullest node, percent (Maximum over 5 minutes).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricDatabaseMemoryUsagePercentage(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.aggregates('DatabaseMemoryUsagePercentage', props)[0];
  }

  /**
   * `Evictions`: keys evicted, summed over the nodes (Sum over 5 minutes).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricEvictions(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.aggregates('Evictions', props)[0];
  }

  /**
   * `ReplicationLag`: how far the furthest replica is behind its primary, seconds (Maximum over 1 minute).
   *
   * @param props options that override the metric's period, statistic, label or other properties
   */
  public metricReplicationLag(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.aggregates('ReplicationLag', props)[0];
  }

  /**
   * The same aggregate in chunks of at most 10 nodes, the most one alarm may evaluate: one chunk unless
   * cluster mode has more than 10 nodes.
   *
   * @internal
   */
  public _perAlarm(metricName: string): cloudwatch.IMetric[] {
    return this.aggregates(metricName, undefined, MAX_METRICS_PER_ALARM);
  }

  private aggregates(metricName: string, props?: cloudwatch.MetricOptions, chunkSize = Number.MAX_SAFE_INTEGER): cloudwatch.IMetric[] {
    const def = NODE_METRICS[metricName];
    const period = props?.period ?? def.period;
    const statistic = props?.statistic ?? def.statistic;
    const chunks: string[][] = [];
    for (let i = 0; i < this.nodeIds.length; i += chunkSize) chunks.push(this.nodeIds.slice(i, i + chunkSize));
    return chunks.map(ids => {
      const usingMetrics: Record<string, cloudwatch.IMetric> = {};
      ids.forEach((nodeId, i) => {
        usingMetrics[`${def.id}${i}`] = new cloudwatch.Metric({
          namespace: 'AWS/ElastiCache',
          metricName,
          dimensionsMap: { CacheClusterId: nodeId },
          statistic,
          period,
          unit: props?.unit,
        });
      });
      const nodes = `${ids[0]}${ids.length > 1 ? ` .. ${ids[ids.length - 1]}` : ''}`;
      return new cloudwatch.MathExpression({
        expression: `${def.aggregate}([${Object.keys(usingMetrics).join(',')}])`,
        usingMetrics,
        period,
        label: props?.label ?? `${metricName} (${def.aggregate === 'MAX' ? 'busiest node' : 'all nodes'}, ${nodes})`,
        color: props?.color,
      });
    });
  }
}

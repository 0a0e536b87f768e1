// The public API. Each part (network, key, stream, database, cache, monitoring) is internal: the
// pipeline exposes the resources it creates, and these are the types its props and members use.
export { LgpdDataPipeline } from './lgpd-data-pipeline';
export type { LgpdDataPipelineProps } from './lgpd-data-pipeline';
export type { DatabaseOptions } from './database';
export { CacheNodeType, CacheEngineVersion } from './cache';
export { ClientEndpoints } from './endpoints';
export { TransactionProcessor, ProcessorDatabaseAccess } from './processor';
export type { TransactionProcessorOptions, TransactionProcessorProps } from './processor';
export { PipelineAlarm } from './monitoring/alarms';
export type { MonitoringOptions } from './monitoring/alarms';
export { PipelineMetrics, StreamMetrics, DatabaseMetrics, CacheMetrics } from './monitoring/metrics';
export type { PipelineMetricsProps } from './monitoring/metrics';


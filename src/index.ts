// The public API. Each part (network, key, stream, database, cache, monitoring) is internal: the
// pipeline exposes the resources it creates, and these are the types its props and members use.
export { LgpdDataPipeline } from './lgpd-data-pipeline';
export type { LgpdDataPipelineProps } from './pipeline-props';
export type { ILgpdDataPipeline, IPipelineAddOn } from './add-on';
export { PipelineConventions } from './conventions';
export type { DatabaseOptions } from './database';
export { CacheNodeType, CacheEngineVersion } from './cache-types';
export { CacheAccess, CacheUser, CacheLogin } from './cache-users';
export { DatabaseRole, DatabaseAuthentication, DatabaseLogin } from './database-login';
export { ClientEndpoints } from './endpoints';
export { TransactionProcessor } from './processor/transaction-processor';
export type { TransactionProcessorProps } from './processor/transaction-processor';
export type { TransactionProcessorOptions } from './processor/options';
export { DataSubjectRights } from './rights/data-subject-rights';
export type { DataSubjectRightsProps } from './rights/data-subject-rights';
export { ErasureMode } from './rights/options';
export type { DataSubjectRightsOptions } from './rights/options';
export { PipelineAlarm } from './monitoring/pipeline-alarm';
export type { PipelineAlarmOptions } from './monitoring/pipeline-alarm';
export type { MonitoringOptions } from './monitoring/options';
export { PipelineMetrics, StreamMetrics, DatabaseMetrics, CacheMetrics } from './monitoring/metrics';
export type { PipelineMetricsProps } from './monitoring/metrics';


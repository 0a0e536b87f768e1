import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PipelineNames } from './names';
import { RemovalRules } from './removal';

/**
 * What a pipeline shares with the constructs of this library that join it (a transaction processor)
 * and not with its users: `LgpdDataPipeline._internals` (jsii leaves `@internal` members out of every
 * language's API).
 */
export interface PipelineInternals {
  readonly names: PipelineNames;
  readonly removal: RemovalRules;
  readonly logRetention?: logs.RetentionDays;
  readonly streamRetention: Duration;
  readonly databasePort: number;
  readonly databaseName: string;
  readonly cacheClusterMode: boolean;
  /** Grants reading the cache AUTH token alone (a processor with IAM database authentication). */
  grantCacheAuthTokenRead(grantee: iam.IGrantable): iam.Grant;
  /** Adds a processor's alarms to the pipeline's monitoring. */
  monitorProcessor(id: string, nameSlug: string, fn: lambda.IFunction, failedRecords: sqs.IQueue): void;
}

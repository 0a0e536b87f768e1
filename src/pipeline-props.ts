import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CacheEngineVersion, CacheNodeType } from './cache-types';
import { CacheAccess } from './cache-users';
import { DatabaseOptions } from './database';
import { ClientEndpoints } from './endpoints';
import { MonitoringOptions } from './monitoring/options';

/**
 * Properties of {@link LgpdDataPipeline}.
 */
export interface LgpdDataPipelineProps {
  /**
   * Part of every physical name and a tag on every resource: lowercase letters, digits and single
   * hyphens, at most 29 characters (the ElastiCache replication group id is limited to 40).
   */
  readonly environmentSuffix: string;

  /**
   * Availability zones the VPC spans, 2 to 6. Failover needs two.
   *
   * @default 2
   */
  readonly azCount?: number;

  /**
   * Kinesis capacity mode.
   *
   * @default kinesis.StreamMode.PROVISIONED
   */
  readonly streamMode?: kinesis.StreamMode;

  /**
   * Kinesis shards, 1 to 200, provisioned mode only.
   *
   * @default 1
   */
  readonly shardCount?: number;

  /**
   * How long the stream keeps records, 24 hours to 365 days.
   *
   * @default Duration.hours(24)
   */
  readonly streamRetention?: Duration;

  /**
   * The cache node type.
   *
   * @default CacheNodeType.BURSTABLE4_GRAVITON_SMALL
   */
  readonly cacheNodeType?: CacheNodeType;

  /**
   * The cache engine and version.
   *
   * @default CacheEngineVersion.REDIS_7_1
   */
  readonly cacheEngineVersion?: CacheEngineVersion;

  /**
   * Cache nodes per node group: one primary plus replicas, 2 to 6, spread across the AZs.
   *
   * @default 2
   */
  readonly cacheNodesPerGroup?: number;

  /**
   * Cache node groups (shards). Setting it turns cluster mode on, for users who outgrow one primary;
   * the endpoint is then the configuration endpoint.
   *
   * @default - cluster mode off: one primary with replicas
   */
  readonly cacheNodeGroups?: number;

  /**
   * The cache port. Not the engine default, which scanners probe first.
   *
   * @default 6380
   */
  readonly cachePort?: number;

  /**
   * How clients sign in to the cache. `CacheAccess.USERS` gives each job its own ElastiCache user, allowed
   * only that job's commands on its keys, in a user group whose `default` user can do nothing.
   * `CacheAccess.AUTH_TOKEN` keeps one token with every command on every key, for a pipeline deployed
   * with it: CloudFormation replaces a replication group moved from the token to users, and the fixed
   * replication group id makes that update fail (docs/first-deploy.md, "Redis users").
   *
   * @default CacheAccess.USERS
   */
  readonly cacheAccess?: CacheAccess;

  /**
   * PostgreSQL options.
   *
   * @default - t4g.medium, PostgreSQL 17 (the minor RDS offers at creation, upgraded automatically), 20 GiB autoscaling to 100 GiB, Multi-AZ, 7 days of backups
   */
  readonly database?: DatabaseOptions;

  /**
   * What happens to stored data when the pipeline leaves the stack. `RemovalPolicy.DESTROY` makes
   * the whole pipeline destroyable: nothing retained, no deletion protection (test environments).
   *
   * `RETAIN` (or `RETAIN_ON_UPDATE_OR_DELETE`) keeps the database and the cache whole instead of as a
   * snapshot. Kept resources are never kept when the create that made them rolls back.
   *
   * @default - data is kept: the stream, key, secrets and log groups are retained on update and delete,
   * the database and the cache leave a final snapshot, and the database has deletion protection
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Bring your own VPC. It must have private subnets in at least two AZs.
   *
   * @default - a new VPC across `azCount` AZs with public and isolated subnets
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` the data tier lives in. Public subnets are refused.
   *
   * @default - the pipeline's data subnets; with a brought `vpc`, its isolated subnets, or its
   * private subnets if it has no isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The subnets of `vpc` the pipeline's clients (producers, processors) run in, and its VPC endpoints
   * with them. Public subnets are refused. Exposed as `clientSubnets`.
   *
   * @default - the pipeline's application subnets; with a brought `vpc`, its private subnets with
   * egress, or the data subnets if it has none
   */
  readonly clientSubnets?: ec2.SubnetSelection;

  /**
   * VPC endpoints in the client subnets, so that clients reach Kinesis and Secrets Manager (and, with
   * `PIPELINE_AND_CONTAINERS`, ECR, CloudWatch Logs, STS and S3) with no internet path. `allowFrom`
   * opens them to a client. Two VPC endpoints of one service with private DNS cannot share a VPC, so
   * with a brought VPC that already has them, leave this `NONE`.
   *
   * @default - ClientEndpoints.PIPELINE with a new VPC, ClientEndpoints.NONE with a brought `vpc`
   */
  readonly clientEndpoints?: ClientEndpoints;

  /**
   * Bring your own customer-managed KMS key. Its key policy must let CloudWatch Logs use it.
   *
   * @default - a new key with rotation and an alias carrying the suffix
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Regions where personal data may live (LGPD Art. 33, international transfer). A stack in
   * another concrete region fails at synth; an env-agnostic stack gets a warning.
   *
   * @default ['sa-east-1']
   */
  readonly allowedRegions?: string[];

  /**
   * Value of the data-classification tag on each store that holds personal data.
   *
   * @default 'personal-data'
   */
  readonly dataClassification?: string;

  /**
   * How long the pipeline's log groups keep logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Alarms, their SNS topic and an optional dashboard. Every alarm has a documented default threshold
   * and can be switched off; see `MonitoringOptions`.
   *
   * @default - every alarm with its default threshold, a new SNS topic encrypted with the pipeline
   * key, no dashboard
   */
  readonly monitoring?: MonitoringOptions;
}


import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { CacheLogin, CacheUser } from './cache-users';
import { PipelineConventions } from './conventions';
import { DatabaseAuthentication, DatabaseLogin, DatabaseRole } from './database-login';
import { PipelineAlarmOptions } from './monitoring/pipeline-alarm';

/**
 * A pipeline as the add-ons that extend it see it: a transaction processor, data-subject rights, or
 * your own. `LgpdDataPipeline` implements it, and `pipeline.addOn(addOn)` hands it to `addOn.bind`,
 * as a Lambda function hands itself to an event source's `bind`.
 *
 * It gives an add-on what it needs to join the pipeline the way the pipeline's own parts do: the
 * stream, the key, the stores and where their clients run; the pipeline's conventions (physical names,
 * removal, log groups, cdk-nag and checkov acknowledgements) for the add-on's own resources; alarms
 * that go where the pipeline's go; VPC endpoints; and the grants and network wiring of a client.
 */
export interface ILgpdDataPipeline extends IConstruct, ec2.IConnectable {
  /** The environment suffix every physical name carries. */
  readonly environmentSuffix: string;
  /** The VPC of the stores. */
  readonly vpc: ec2.IVpc;
  /** Where the pipeline's clients run, in `vpc`: an add-on's functions and tasks go here. */
  readonly clientSubnets: ec2.SubnetSelection;
  /** The customer-managed key: encrypt what the add-on stores, queues and logs with it. */
  readonly encryptionKey: kms.IKey;
  /** The Kinesis Data Stream. */
  readonly stream: kinesis.Stream;
  /** How long the stream keeps records. */
  readonly streamRetention: Duration;
  /** The RDS PostgreSQL instance. */
  readonly database: rds.DatabaseInstance;
  /** The database port (`database.connections.defaultPort` as a number). */
  readonly databasePort: number;
  /** The database the pipeline's tables live in. */
  readonly databaseName: string;
  /**
   * The database master secret, managed and rotated by RDS. Only the pipeline's schema migrations read
   * it: an add-on signs in with its own role (`databaseLogin`).
   */
  readonly databaseSecret: secretsmanager.ISecret;
  /** The cache endpoint clients connect to (the configuration endpoint with cluster mode on). */
  readonly cacheEndpointAddress: string;
  /** The port of `cacheEndpointAddress`. */
  readonly cacheEndpointPort: string;
  /** Whether the cache runs with cluster mode on: clients then need a cluster client. */
  readonly cacheClusterMode: boolean;
  /**
   * The cache AUTH token secret (the token is the whole secret string), with `CacheAccess.AUTH_TOKEN`.
   * An add-on signs in with `cacheLogin`, which gives it the token only in that case.
   *
   * @default - undefined with `CacheAccess.USERS`, where each job signs in as its own user
   */
  readonly cacheAuthSecret?: secretsmanager.ISecret;
  /** The ElastiCache replication group (its snapshot settings, its tags). */
  readonly cacheReplicationGroup: elasticache.CfnReplicationGroup;
  /**
   * The subject key: a generated secret, encrypted with the pipeline key, whose SecretString keys the
   * HMAC-SHA256 that names a data subject in the stores (the keyed hash) without their customer id.
   */
  readonly subjectKeySecret: secretsmanager.ISecret;
  /** The pipeline's conventions for an add-on's own resources: names, removal, log groups, acknowledgements. */
  readonly conventions: PipelineConventions;

  /**
   * Adds an alarm to the pipeline's monitoring: named `lgpd-pipeline-<suffix>-<name>`, sending ALARM and
   * OK to the pipeline's alarm topic, listed in `alarms` (and `alarmsOf(kind)`). Returns nothing when
   * the pipeline's alarms are off, or `kind` is in `monitoring.disabledAlarms`.
   *
   * @param id the alarm's construct id, unique within the pipeline's monitoring
   * @param options what the alarm watches and when it goes off
   */
  addAlarm(id: string, options: PipelineAlarmOptions): cloudwatch.Alarm | undefined;

  /**
   * Makes sure clients in `clientSubnets` reach an AWS service with no internet path: adds an interface
   * endpoint for it (private DNS, this account only) when the pipeline manages endpoints
   * (`clientEndpoints` other than `NONE`); nothing when it does not, where the VPC routes clients itself.
   * Asking twice for one service adds one endpoint.
   *
   * @param service the AWS service, for example `ec2.InterfaceVpcEndpointAwsService.SQS`
   */
  addClientEndpoint(service: ec2.InterfaceVpcEndpointAwsService): void;

  /**
   * Makes sure clients in `clientSubnets` reach an AWS service that has a gateway endpoint (S3, DynamoDB)
   * with no internet path: adds one on the client subnets' route tables (this account only) when the
   * pipeline manages endpoints; nothing when it does not. Clients wired by `allowFrom` after this get the
   * egress it needs. Asking twice for one service adds one endpoint.
   *
   * @param service the AWS service, for example `ec2.GatewayVpcEndpointAwsService.S3`
   */
  addClientGatewayEndpoint(service: ec2.GatewayVpcEndpointAwsService): void;

  /**
   * Wires a client: the database and cache ports and the VPC endpoints, with the client's egress.
   *
   * @param client a security group, instance, function or anything with connections
   */
  allowFrom(client: ec2.IConnectable): void;

  /**
   * Grants putting records on the stream, including encrypting with the key.
   *
   * @param grantee the principal to grant to
   */
  grantWrite(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants reading records from the stream, including decrypting with the key.
   *
   * @param grantee the principal to grant to
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants reading the database master secret (and the cache AUTH token, if there is one), including
   * decrypting them. `LgpdChecks` flags a compute role that may read the master secret (Art. 46): a job
   * signs in with its own role instead (`databaseLogin`, `cacheLogin`).
   *
   * @param grantee the principal to grant to
   */
  grantSecretsRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * How a job signs in to the database: as its own role, made by the pipeline's schema migrations with
   * that job's privileges only, with IAM database authentication or a rotated secret of its own. The
   * first call adds the migrations to the pipeline (a custom resource run at deploy time); every job
   * that asks for one role must ask for the same authentication.
   *
   * @param role the job's role, for example `DatabaseRole.PROCESSOR`
   * @param authentication how the role signs in
   */
  databaseLogin(role: DatabaseRole, authentication: DatabaseAuthentication): DatabaseLogin;

  /**
   * How a job signs in to the cache: as its own user of the pipeline's ElastiCache user group, allowed
   * only that job's commands and keys (`CacheAccess.USERS`), or with the AUTH token
   * (`CacheAccess.AUTH_TOKEN`).
   *
   * @param user the job, for example `CacheUser.PROCESSOR`
   */
  cacheLogin(user: CacheUser): CacheLogin;

  /**
   * Grants IAM database authentication as `dbUser`.
   *
   * @param grantee the principal to grant to
   * @param dbUser the PostgreSQL user to connect as
   */
  grantDatabaseConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant;
}

/**
 * Something that extends a pipeline: `pipeline.addOn(addOn)` calls `bind` once, and the add-on creates
 * its resources there, in the pipeline's scope or its own, through what `ILgpdDataPipeline` offers.
 *
 * @example
 * class AuditQueue implements IPipelineAddOn {
 *   public queue?: sqs.Queue;
 *   public bind(pipeline: ILgpdDataPipeline): void {
 *     this.queue = new sqs.Queue(pipeline, 'AuditQueue', {
 *       queueName: pipeline.conventions.physicalName('audit', 'Queue'),
 *       encryptionMasterKey: pipeline.encryptionKey,
 *       enforceSSL: true,
 *       removalPolicy: pipeline.conventions.removalPolicy,
 *     });
 *   }
 * }
 * declare const pipeline: LgpdDataPipeline;
 * pipeline.addOn(new AuditQueue());
 */
export interface IPipelineAddOn {
  /**
   * Joins the add-on to the pipeline.
   *
   * @param pipeline the pipeline the add-on extends
   */
  bind(pipeline: ILgpdDataPipeline): void;
}

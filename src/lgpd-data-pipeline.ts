import { Annotations, Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CacheEngineVersion, CacheNodeType, PipelineCache } from './cache';
import { DatabaseOptions, PipelineDatabase } from './database';
import { PipelineKey } from './encryption-key';
import { ClientEndpoints, PipelineEndpoints } from './endpoints';
import { MonitoringOptions, PipelineAlarm } from './monitoring/alarms';
import { PipelineMetrics } from './monitoring/metrics';
import { PipelineMonitoring } from './monitoring/monitoring';
import { PipelineNetwork } from './network';
import { grantSecretsRead } from './private/grants';
import { PipelineInternals } from './private/internals';
import { PipelineNames, validateSuffix } from './private/names';
import { RemovalRules } from './private/removal';
import { DATA_CLASSIFICATION_TAG, ENVIRONMENT_SUFFIX_TAG } from './private/tags';
import { checkInt, fail } from './private/validation';
import { TransactionProcessor, TransactionProcessorOptions } from './processor';
import { PipelineStream } from './stream';

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

/**
 * A secure, LGPD-compliant real-time transaction pipeline: a multi-AZ VPC, a customer-managed KMS
 * key, a Kinesis Data Stream, RDS PostgreSQL and an ElastiCache Redis replication group, each
 * encrypted with the key, reachable only from the clients you allow, with alarms that notify.
 *
 * It composes one internal part per AWS service (network.ts, encryption-key.ts, stream.ts,
 * database.ts, cache.ts, monitoring/) and exposes each resource it creates once.
 *
 * @example
 * declare const app: App;
 * const stack = new Stack(app, 'FastShop', { env: { region: 'sa-east-1' } });
 * const pipeline = new LgpdDataPipeline(stack, 'Pipeline', {
 *   environmentSuffix: 'dev',
 *   shardCount: 2,
 *   cacheNodeType: CacheNodeType.MEMORY7_GRAVITON_LARGE,
 *   removalPolicy: RemovalPolicy.DESTROY,
 * });
 */
export class LgpdDataPipeline extends Construct implements ec2.IConnectable {
  /** The tag that carries the environment suffix on every resource: `lgpd:environment-suffix`. */
  public static readonly ENVIRONMENT_SUFFIX_TAG: string = ENVIRONMENT_SUFFIX_TAG;
  /**
   * The tag that marks each store holding personal data, for the LGPD record of processing (Art. 37):
   * `lgpd:data-classification`.
   */
  public static readonly DATA_CLASSIFICATION_TAG: string = DATA_CLASSIFICATION_TAG;
  /** The data subnets of a VPC the pipeline creates (isolated: no route out), where the stores live. */
  public static readonly DATA_SUBNETS: ec2.SubnetSelection = PipelineNetwork.DATA_SUBNETS;
  /**
   * The application subnets of a VPC the pipeline creates (isolated: no route out), where clients run
   * and reach AWS through the VPC endpoints. `clientSubnets` is the selection of a given pipeline.
   */
  public static readonly APPLICATION_SUBNETS: ec2.SubnetSelection = PipelineNetwork.APPLICATION_SUBNETS;

  /** The environment suffix every physical name carries. */
  public readonly environmentSuffix: string;
  /** The VPC the data tier lives in: the pipeline's own, or the one you brought. */
  public readonly vpc: ec2.IVpc;
  /**
   * Where the pipeline's clients run: a Lambda function's or ECS service's `vpcSubnets`. With the
   * pipeline's own VPC, its application subnets, which reach AWS only through the VPC endpoints.
   */
  public readonly clientSubnets: ec2.SubnetSelection;
  /** The customer-managed key that encrypts every store: the pipeline's own, or the one you brought. */
  public readonly encryptionKey: kms.IKey;
  /** The Kinesis Data Stream. */
  public readonly stream: kinesis.Stream;
  /** The RDS PostgreSQL instance; `database.connections` has the database port as its default port. */
  public readonly database: rds.DatabaseInstance;
  /** The database master secret (`username`, `password`, ...), managed and rotated by RDS. */
  public readonly databaseSecret: secretsmanager.ISecret;
  /** The ElastiCache replication group (aws-cdk-lib has no L2 for it). */
  public readonly cacheReplicationGroup: elasticache.CfnReplicationGroup;
  /** The security group of the cache nodes. */
  public readonly cacheSecurityGroup: ec2.ISecurityGroup;
  /** The cache AUTH token secret (the token is the whole secret string). */
  public readonly cacheAuthSecret: secretsmanager.ISecret;
  /**
   * The cache endpoint clients connect to: the primary endpoint with cluster mode off, the
   * configuration endpoint with it on. Which attribute that is depends on the mode, and this is decided
   * here once (a replication group has no single "endpoint" attribute).
   */
  public readonly cacheEndpointAddress: string;
  /** The port of `cacheEndpointAddress`. */
  public readonly cacheEndpointPort: string;
  /**
   * The reader endpoint of the cache, which balances reads across replicas.
   *
   * @default - undefined with cluster mode on, where clients discover replicas themselves
   */
  public readonly cacheReaderEndpointAddress?: string;
  /** Connections of the data tier (the database and cache security groups). */
  public readonly connections: ec2.Connections;
  /** The metrics of the stream, the database and the cache, each named after its CloudWatch metric. */
  public readonly metrics: PipelineMetrics;
  /** Every alarm the pipeline created, in a stable order. */
  public readonly alarms: cloudwatch.Alarm[];
  /**
   * The SNS topic that receives the alarms.
   *
   * @default - undefined when alarms are off, or `createAlarmTopic` is false and no topic was given
   */
  public readonly alarmTopic?: sns.ITopic;
  /**
   * The CloudWatch dashboard.
   *
   * @default - undefined unless `monitoring.dashboard` is true
   */
  public readonly dashboard?: cloudwatch.Dashboard;

  private readonly streamPart: PipelineStream;
  private readonly databasePart: PipelineDatabase;
  private readonly cachePart: PipelineCache;
  private readonly monitoring: PipelineMonitoring;
  private readonly endpoints?: PipelineEndpoints;
  /**
   * What this library's own constructs that join the pipeline need and users do not.
   *
   * @internal
   */
  public readonly _internals: PipelineInternals;

  /**
   * @param scope the stack, or a construct in it, that holds the pipeline
   * @param id the construct id; it prefixes the logical ids of every resource (keep it stable)
   * @param props the pipeline's configuration; only `environmentSuffix` is required
   */
  constructor(scope: Construct, id: string, props: LgpdDataPipelineProps) {
    super(scope, id);
    validateSuffix(props.environmentSuffix);
    checkInt('azCount', props.azCount, 2, 6, 'automatic failover needs two availability zones');
    checkDataResidency(this, props.allowedRegions ?? ['sa-east-1']);
    if (props.vpc && props.azCount !== undefined) {
      fail('azCount', props.azCount, 'must be left unset when you bring your own vpc (the VPC decides its AZs)');
    }
    const names = new PipelineNames(props.environmentSuffix);
    const removal = RemovalRules.of(props.removalPolicy);
    this.environmentSuffix = props.environmentSuffix;

    this.encryptionKey = props.encryptionKey ?? new PipelineKey(this, 'Key', { alias: names.keyAlias, removal }).key;

    this.vpc = props.vpc ?? new PipelineNetwork(this, 'Network', {
      names,
      azCount: props.azCount ?? 2,
      encryptionKey: this.encryptionKey,
      logRetention: props.logRetention,
      removal,
    }).vpc;
    const subnets = subnetSelections(this.vpc, props);
    const dataSubnets = subnets.data;
    this.clientSubnets = subnets.clients;

    const endpoints = props.clientEndpoints ?? (props.vpc ? ClientEndpoints.NONE : ClientEndpoints.PIPELINE);
    if (endpoints !== ClientEndpoints.NONE) {
      this.endpoints = new PipelineEndpoints(this, 'Endpoints', { vpc: this.vpc, subnets: this.clientSubnets, endpoints, names });
    }

    this.streamPart = new PipelineStream(this, 'Stream', {
      streamName: names.stream,
      encryptionKey: this.encryptionKey,
      streamMode: props.streamMode,
      shardCount: props.shardCount,
      retentionPeriod: props.streamRetention,
      removal,
    });
    this.stream = this.streamPart.stream;

    this.databasePart = new PipelineDatabase(this, 'Database', {
      ...props.database,
      vpc: this.vpc,
      vpcSubnets: dataSubnets,
      encryptionKey: this.encryptionKey,
      names,
      logRetention: props.logRetention,
      removal,
    });
    this.database = this.databasePart.instance;
    this.databaseSecret = this.databasePart.secret;

    this.cachePart = new PipelineCache(this, 'Cache', {
      vpc: this.vpc,
      vpcSubnets: dataSubnets,
      encryptionKey: this.encryptionKey,
      names,
      nodeType: props.cacheNodeType,
      engineVersion: props.cacheEngineVersion,
      nodesPerGroup: props.cacheNodesPerGroup,
      nodeGroups: props.cacheNodeGroups,
      port: props.cachePort,
      logRetention: props.logRetention,
      removal,
    });
    this.cacheReplicationGroup = this.cachePart.replicationGroup;
    this.cacheSecurityGroup = this.cachePart.securityGroup;
    this.cacheAuthSecret = this.cachePart.authSecret;
    this.cacheEndpointAddress = this.cachePart.endpointAddress;
    this.cacheEndpointPort = this.cachePart.endpointPort;
    this.cacheReaderEndpointAddress = this.cachePart.readerEndpointAddress;

    this.connections = new ec2.Connections({ securityGroups: [this.databasePart.securityGroup, this.cachePart.securityGroup] });

    Tags.of(this).add(ENVIRONMENT_SUFFIX_TAG, props.environmentSuffix);
    const classification = props.dataClassification ?? 'personal-data';
    for (const store of [this.stream, this.database, this.cacheReplicationGroup, this.cacheAuthSecret]) {
      Tags.of(store).add(DATA_CLASSIFICATION_TAG, classification);
    }

    this.metrics = new PipelineMetrics({
      streamName: names.stream,
      databaseInstanceIdentifier: names.dbInstance,
      cacheReplicationGroupId: names.replicationGroup,
      cacheNodeGroups: props.cacheNodeGroups,
      cacheNodesPerGroup: props.cacheNodesPerGroup,
    });
    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      options: props.monitoring ?? {},
      names,
      encryptionKey: this.encryptionKey,
      metrics: this.metrics,
    });
    this.alarms = this.monitoring.alarms;
    this.alarmTopic = this.monitoring.alarmTopic;
    this.dashboard = this.monitoring.dashboard;

    this._internals = {
      names,
      removal,
      logRetention: props.logRetention,
      streamRetention: props.streamRetention ?? Duration.hours(24),
      databasePort: this.databasePart.port,
      databaseName: this.databasePart.databaseName,
      cacheClusterMode: this.cachePart.clusterMode,
      grantCacheAuthTokenRead: grantee => grantSecretsRead(grantee, this.encryptionKey, [this.cachePart.readableSecret]),
      monitorProcessor: (processorId, nameSlug, fn, failedRecords) =>
        this.monitoring.monitorProcessor(processorId, nameSlug, { function: fn, failedRecords }),
    };
  }

  /**
   * Adds a transaction processor: a Lambda function in the client subnets that consumes the stream
   * and stores each transaction, with its event source, failed-records queue, grants, network access
   * and alarms. Without `code` it runs the reference processor shipped with this library.
   *
   * @param id the processor's construct id, part of its physical names (letters and digits)
   * @param options batching, retries, code and database access
   */
  public addProcessor(id: string, options: TransactionProcessorOptions = {}): TransactionProcessor {
    return new TransactionProcessor(this, id, { ...options, pipeline: this });
  }

  /**
   * The alarms of one kind: usually one, none when switched off, several for a cache of more than 10 nodes.
   *
   * @param which the kind of alarm
   */
  public alarmsOf(which: PipelineAlarm): cloudwatch.Alarm[] {
    return this.monitoring.alarmsOf(which);
  }

  /**
   * Wires a client: lets it reach the database and the cache on their ports (the only way in), and the
   * pipeline's VPC endpoints on 443, with the client's matching egress rules, so a client whose
   * security group allows no outbound traffic by default works.
   *
   * @param client a security group, instance, function or anything with connections
   */
  public allowFrom(client: ec2.IConnectable): void {
    this.databasePart.connections.allowDefaultPortFrom(client, 'LGPD pipeline client');
    this.cachePart.connections.allowDefaultPortFrom(client, 'LGPD pipeline client');
    this.endpoints?.allowFrom(client);
  }

  /**
   * Grants putting records on the stream, including encrypting with the key.
   *
   * @param grantee the principal (a role, a function, a user) to grant to
   */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.streamPart.grantWrite(grantee);
  }

  /**
   * Grants reading records from the stream, including decrypting with the key.
   *
   * @param grantee the principal (a role, a function, a user) to grant to
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.streamPart.grantRead(grantee);
  }

  /**
   * Grants reading the database master secret and the cache AUTH token, including decrypting them.
   *
   * A principal of this account gets the permissions in its own policy, so the key policy does not grow
   * with each grantee and the key does not wait for the grantee's role at deploy time; the master
   * secret is named by RDS's tag for this instance, so the policy does not wait for the database either.
   * A principal of another account also needs the key policy, which the secrets' own grants edit.
   *
   * @param grantee the principal (a role, a function, a user) to grant to
   */
  public grantSecretsRead(grantee: iam.IGrantable): iam.Grant {
    return grantSecretsRead(grantee, this.encryptionKey, [this.databasePart.readableSecret, this.cachePart.readableSecret]);
  }

  /**
   * Grants IAM database authentication as `dbUser`.
   *
   * @param grantee the principal (a role, a function, a user) to grant to
   * @param dbUser the PostgreSQL user to connect as (it needs the `rds_iam` role in the database)
   */
  public grantDatabaseConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return this.database.grantConnect(grantee, dbUser);
  }
}

function checkDataResidency(scope: Construct, allowedRegions: string[]): void {
  if (allowedRegions.length === 0) {
    fail('allowedRegions', '[]', 'must list at least one region where personal data may live');
  }
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    Annotations.of(scope).addWarningV2('cdk-lgpd-data-pipeline:dataResidencyUnchecked',
      `The stack is env-agnostic, so the data-residency guard cannot check its region; deploy only to ${allowedRegions.join(', ')} (LGPD Art. 33).`);
  } else if (allowedRegions.some(r => Token.isUnresolved(r))) {
    Annotations.of(scope).addWarningV2('cdk-lgpd-data-pipeline:dataResidencyUnchecked',
      `allowedRegions holds a token, so the data-residency guard cannot check the region ${region} at synth time (LGPD Art. 33).`);
  } else if (!allowedRegions.includes(region)) {
    fail('region', region, `personal data may only live in allowedRegions (${allowedRegions.join(', ')}); `
      + 'add the region to allowedRegions if a transfer is lawful under LGPD Art. 33');
  }
}

/**
 * The data and client subnet selections: the pipeline's own Data and Application groups, or, in a
 * brought VPC, its isolated (else private) subnets for the data and its private subnets with egress
 * (else the data subnets) for the clients. Neither may be public.
 */
function subnetSelections(vpc: ec2.IVpc, props: LgpdDataPipelineProps): { data: ec2.SubnetSelection; clients: ec2.SubnetSelection } {
  const brought = props.vpc !== undefined;
  const hasIsolated = vpc.isolatedSubnets.length > 0;
  const data = props.vpcSubnets ?? (!brought ? PipelineNetwork.DATA_SUBNETS
    : hasIsolated ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } : { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  const clients = props.clientSubnets ?? (!brought ? PipelineNetwork.APPLICATION_SUBNETS
    : vpc.privateSubnets.length > 0 ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : data);
  if (vpc.selectSubnets(data).hasPublic) {
    fail('vpcSubnets', 'public subnets', 'the data tier must live in private or isolated subnets');
  }
  if (vpc.selectSubnets(clients).hasPublic) {
    fail('clientSubnets', 'public subnets', 'clients must run in private or isolated subnets, reaching AWS through VPC endpoints');
  }
  return { data, clients };
}

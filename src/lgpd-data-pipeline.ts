import { Annotations, Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CacheEngineVersion, CacheNodeType, RedisReplicationGroup } from './cache';
import { DatabaseOptions, TransactionDatabase } from './database';
import { PipelineKey } from './encryption-key';
import { MonitoringOptions, PipelineAlarm, PipelineMonitoring } from './monitoring';
import { PipelineNetwork } from './network';
import { isSameAccount } from './private/grants';
import { PipelineNames, validateSuffix } from './private/names';
import { checkInt, fail } from './private/validation';
import { TransactionStream } from './stream';

/** The tag that carries the environment suffix on every resource. */
export const ENVIRONMENT_SUFFIX_TAG = 'lgpd:environment-suffix';
/** The tag that marks each store holding personal data, for the LGPD record of processing (Art. 37). */
export const DATA_CLASSIFICATION_TAG = 'lgpd:data-classification';

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
   * @default - the isolated subnets of the VPC, or its private subnets if it has no isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

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
 * encrypted with the key, reachable only from the clients you allow.
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
  /** The VPC the data tier lives in. */
  public readonly vpc: ec2.IVpc;
  /** The network construct, when the pipeline created the VPC. */
  public readonly network?: PipelineNetwork;
  /** The customer-managed key that encrypts every store. */
  public readonly encryptionKey: kms.IKey;
  /** The Kinesis Data Stream. */
  public readonly stream: kinesis.Stream;
  /** The stream construct, with its grants. */
  public readonly transactionStream: TransactionStream;
  /** The RDS PostgreSQL instance. */
  public readonly database: rds.DatabaseInstance;
  /** The database construct, with its connections and grants. */
  public readonly transactionDatabase: TransactionDatabase;
  /** The ElastiCache replication group. */
  public readonly cache: RedisReplicationGroup;
  /** The security group of the database. */
  public readonly databaseSecurityGroup: ec2.ISecurityGroup;
  /** The security group of the cache. */
  public readonly cacheSecurityGroup: ec2.ISecurityGroup;
  /** The database master secret, managed and rotated by RDS. */
  public readonly databaseSecret: secretsmanager.ISecret;
  /** The cache AUTH token secret. */
  public readonly cacheAuthSecret: secretsmanager.ISecret;
  /** The cache endpoint clients connect to: primary with cluster mode off, configuration with it on. */
  public readonly cacheEndpointAddress: string;
  /** The port of `cacheEndpointAddress`. */
  public readonly cacheEndpointPort: string;
  /** The database endpoint address. */
  public readonly databaseEndpointAddress: string;
  /** The database port. */
  public readonly databasePort: number;
  /** The environment suffix. */
  public readonly environmentSuffix: string;
  /** Connections of the data tier (database and cache security groups). */
  public readonly connections: ec2.Connections;
  /** The monitoring construct: alarms, topic, dashboard and metrics. */
  public readonly monitoring: PipelineMonitoring;
  /** Every alarm the pipeline created. */
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

  constructor(scope: Construct, id: string, props: LgpdDataPipelineProps) {
    super(scope, id);
    validateSuffix(props.environmentSuffix);
    checkInt('azCount', props.azCount, 2, 6, 'automatic failover needs two availability zones');
    checkDataResidency(this, props.allowedRegions ?? ['sa-east-1']);
    const names = new PipelineNames(props.environmentSuffix);
    const azCount = props.azCount ?? 2;
    if (props.vpc && props.azCount !== undefined) {
      fail('azCount', props.azCount, 'must be left unset when you bring your own vpc (the VPC decides its AZs)');
    }
    const destroyable = props.removalPolicy === RemovalPolicy.DESTROY;
    // What is kept is kept on updates and deletes, but not when the create that made it rolls back
    // (RetainExceptOnCreate): CloudFormation applies a plain Retain to a failed create too, and a named
    // resource left behind fails every retry with "already exists" (docs/first-deploy.md, removal).
    const keep = destroyable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    // The database and the cache can leave a final snapshot instead of being retained whole.
    const retainWhole = props.removalPolicy === RemovalPolicy.RETAIN || props.removalPolicy === RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    const snapshot = destroyable ? RemovalPolicy.DESTROY : retainWhole ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.SNAPSHOT;
    this.environmentSuffix = props.environmentSuffix;

    this.encryptionKey = props.encryptionKey
      ?? new PipelineKey(this, 'Key', { alias: names.keyAlias, removalPolicy: keep }).key;

    if (props.vpc) {
      this.vpc = props.vpc;
    } else {
      this.network = new PipelineNetwork(this, 'Network', {
        vpcName: names.vpc,
        azCount,
        encryptionKey: this.encryptionKey,
        flowLogGroupName: names.flowLogGroup,
        flowLogRetention: props.logRetention,
        removalPolicy: keep,
      });
      this.vpc = this.network.vpc;
    }
    const dataSubnets = dataSubnetSelection(this.vpc, props.vpcSubnets);

    this.transactionStream = new TransactionStream(this, 'Stream', {
      streamName: names.stream,
      encryptionKey: this.encryptionKey,
      streamMode: props.streamMode,
      shardCount: props.shardCount,
      retentionPeriod: props.streamRetention,
      removalPolicy: keep,
    });
    this.stream = this.transactionStream.stream;

    this.transactionDatabase = new TransactionDatabase(this, 'Database', {
      ...props.database,
      vpc: this.vpc,
      vpcSubnets: dataSubnets,
      encryptionKey: this.encryptionKey,
      instanceIdentifier: names.dbInstance,
      subnetGroupName: names.dbSubnetGroup,
      parameterGroupName: names.dbParameterGroup,
      securityGroupName: names.dbSecurityGroup,
      logRetention: props.logRetention,
      removalPolicy: snapshot,
    });
    this.database = this.transactionDatabase.instance;
    this.databaseSecret = this.transactionDatabase.secret;
    this.databaseSecurityGroup = this.transactionDatabase.securityGroup;
    this.databaseEndpointAddress = this.database.dbInstanceEndpointAddress;
    this.databasePort = this.transactionDatabase.port;

    this.cache = new RedisReplicationGroup(this, 'Cache', {
      vpc: this.vpc,
      vpcSubnets: dataSubnets,
      encryptionKey: this.encryptionKey,
      replicationGroupId: names.replicationGroup,
      subnetGroupName: names.cacheSubnetGroup,
      securityGroupName: names.cacheSecurityGroup,
      authSecretName: names.cacheAuthSecret,
      logGroupPrefix: names.cacheLogGroupPrefix,
      nodeType: props.cacheNodeType,
      engineVersion: props.cacheEngineVersion,
      nodesPerGroup: props.cacheNodesPerGroup,
      nodeGroups: props.cacheNodeGroups,
      port: props.cachePort,
      logRetention: props.logRetention,
      removalPolicy: snapshot,
    });
    this.cacheSecurityGroup = this.cache.securityGroup;
    this.cacheAuthSecret = this.cache.authSecret;
    this.cacheEndpointAddress = this.cache.endpointAddress;
    this.cacheEndpointPort = this.cache.endpointPort;

    this.connections = new ec2.Connections({ securityGroups: [this.databaseSecurityGroup, this.cacheSecurityGroup] });

    Tags.of(this).add(ENVIRONMENT_SUFFIX_TAG, props.environmentSuffix);
    const classification = props.dataClassification ?? 'personal-data';
    for (const store of [this.stream, this.database, this.cache.replicationGroup, this.cache.authSecret]) {
      Tags.of(store).add(DATA_CLASSIFICATION_TAG, classification);
    }

    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      ...props.monitoring,
      environmentSuffix: props.environmentSuffix,
      encryptionKey: this.encryptionKey,
      streamName: names.stream,
      databaseInstanceIdentifier: names.dbInstance,
      cacheReplicationGroupId: names.replicationGroup,
      cacheNodeGroups: props.cacheNodeGroups,
      cacheNodesPerGroup: props.cacheNodesPerGroup,
    });
    this.alarms = this.monitoring.alarms;
    this.alarmTopic = this.monitoring.alarmTopic;
    this.dashboard = this.monitoring.dashboard;
  }

  /** The alarms of one kind: usually one, none when switched off, several for a cache of more than 10 nodes. */
  public alarmsOf(which: PipelineAlarm): cloudwatch.Alarm[] {
    return this.monitoring.alarmsOf(which);
  }

  /** Age of the oldest unread record in the stream, in milliseconds (Maximum over 1 minute). */
  public metricIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.monitoring.metricStreamIteratorAge(props);
  }

  /** Share of records rejected because the stream's write throughput was exceeded, 0 to 1. */
  public metricWriteThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.monitoring.metricStreamWriteThrottled(props);
  }

  /** Share of GetRecords calls throttled because the stream's read throughput was exceeded, 0 to 1. */
  public metricReadThrottled(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.monitoring.metricStreamReadThrottled(props);
  }

  /** Database CPU utilization, percent (Average over 5 minutes). */
  public metricDatabaseCpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.monitoring.metricDatabaseCpu(props);
  }

  /** Database free storage space, bytes (Minimum over 5 minutes). */
  public metricDatabaseFreeStorage(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.monitoring.metricDatabaseFreeStorage(props);
  }

  /** Database connections (Maximum over 5 minutes). */
  public metricDatabaseConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.monitoring.metricDatabaseConnections(props);
  }

  /** Host CPU of the busiest cache node, percent. */
  public metricCacheCpu(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.monitoring.metricCacheCpu(props);
  }

  /** Engine CPU of the busiest cache node, percent. */
  public metricCacheEngineCpu(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.monitoring.metricCacheEngineCpu(props);
  }

  /** Memory in use on the fullest cache node, percent. */
  public metricCacheMemory(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.monitoring.metricCacheMemory(props);
  }

  /** Keys evicted, summed over the cache nodes. */
  public metricCacheEvictions(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.monitoring.metricCacheEvictions(props);
  }

  /** Replication lag of the furthest cache replica, seconds. */
  public metricCacheReplicationLag(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.monitoring.metricCacheReplicationLag(props);
  }

  /**
   * Lets `client` reach the database and the cache on their ports. This is the only way in.
   *
   * @param client a security group, instance, function or anything with connections
   */
  public allowFrom(client: ec2.IConnectable): void {
    this.transactionDatabase.connections.allowDefaultPortFrom(client, 'LGPD pipeline client');
    this.cache.connections.allowDefaultPortFrom(client, 'LGPD pipeline client');
  }

  /** Grants putting records on the stream, including encrypting with the key. */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.transactionStream.grantWrite(grantee);
  }

  /** Grants reading records from the stream, including decrypting with the key. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.transactionStream.grantRead(grantee);
  }

  /**
   * Grants reading the database master secret and the cache AUTH token, including decrypting them.
   *
   * A principal of this account gets the permissions in its own policy, so the key policy does not grow
   * with each grantee and the key does not wait for the grantee's role at deploy time. A principal of
   * another account also needs the key policy, which the secrets' own grants edit.
   */
  public grantSecretsRead(grantee: iam.IGrantable): iam.Grant {
    if (!isSameAccount(grantee, this)) {
      return this.transactionDatabase.grantSecretRead(grantee).combine(this.cache.grantAuthTokenRead(grantee));
    }
    // The database statement names the secret by RDS's tag, not by its ARN, so this policy does not
    // wait for the database (see TransactionDatabase.grantSecretRead).
    return this.transactionDatabase.grantSecretRead(grantee).combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resourceArns: [this.cacheAuthSecret.secretArn],
    }));
  }

  /** Grants IAM database authentication as `dbUser`. */
  public grantDatabaseConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return this.transactionDatabase.grantConnect(grantee, dbUser);
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

function dataSubnetSelection(vpc: ec2.IVpc, selection?: ec2.SubnetSelection): ec2.SubnetSelection {
  const chosen = selection
    ?? (vpc.isolatedSubnets.length > 0 ? PipelineNetwork.DATA_SUBNETS : { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  const selected = vpc.selectSubnets(chosen);
  if (selected.hasPublic) {
    fail('vpcSubnets', 'public subnets', 'the data tier must live in private or isolated subnets');
  }
  return chosen;
}

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ILgpdDataPipeline, IPipelineAddOn } from './add-on';
import { PipelineCache } from './cache';
import { CacheLogin, CacheUser } from './cache-users';
import { PipelineConventions } from './conventions';
import { PipelineDatabase } from './database';
import { DatabaseAuthentication, DatabaseLogin, DatabaseRole } from './database-login';
import { PipelineKey } from './encryption-key';
import { PipelineEndpoints } from './endpoints';
import { PipelineMetrics } from './monitoring/metrics';
import { PipelineMonitoring } from './monitoring/monitoring';
import { PipelineAlarm, PipelineAlarmOptions } from './monitoring/pipeline-alarm';
import { PipelineNetwork, selectPipelineSubnets } from './network';
import { LgpdDataPipelineProps } from './pipeline-props';
import { grantSecretsRead } from './private/grants';
import { DEFAULT_LOG_RETENTION } from './private/limits';
import { PipelineNames, validateSuffix } from './private/names';
import { RemovalRules } from './private/removal';
import { checkDataResidency, DEFAULT_ALLOWED_REGIONS } from './private/residency';
import { DATA_CLASSIFICATION_TAG, ENVIRONMENT_SUFFIX_TAG, tagPipeline } from './private/tags';
import { fail } from './private/validation';
import { TransactionProcessorOptions } from './processor/options';
import { TransactionProcessor } from './processor/transaction-processor';
import { DataSubjectRights } from './rights/data-subject-rights';
import { DataSubjectRightsOptions } from './rights/options';
import { PipelineStream } from './stream';
import { PipelineSubjectKey } from './subject-key';

/**
 * A secure, LGPD-compliant real-time transaction pipeline: a multi-AZ VPC, a customer-managed KMS
 * key, a Kinesis Data Stream, RDS PostgreSQL and an ElastiCache Redis replication group, each
 * encrypted with the key, reachable only from the clients you allow, with alarms that notify. One
 * internal part per AWS service; each resource it creates is exposed once.
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
export class LgpdDataPipeline extends Construct implements ILgpdDataPipeline {
  /** The tag that carries the environment suffix on every resource: `lgpd:environment-suffix`. */
  public static readonly ENVIRONMENT_SUFFIX_TAG: string = ENVIRONMENT_SUFFIX_TAG;
  /** The tag on each store of personal data, for the record of processing (Art. 37): `lgpd:data-classification`. */
  public static readonly DATA_CLASSIFICATION_TAG: string = DATA_CLASSIFICATION_TAG;
  /** The data subnets of a VPC the pipeline creates (isolated: no route out), where the stores live. */
  public static readonly DATA_SUBNETS: ec2.SubnetSelection = PipelineNetwork.DATA_SUBNETS;
  /** The application subnets of a VPC the pipeline creates (isolated), where clients run and reach AWS through endpoints. */
  public static readonly APPLICATION_SUBNETS: ec2.SubnetSelection = PipelineNetwork.APPLICATION_SUBNETS;

  /** The environment suffix every physical name carries. */
  public readonly environmentSuffix: string;
  /** The VPC the data tier lives in: the pipeline's own, or the one you brought. */
  public readonly vpc: ec2.IVpc;
  /** Where clients run (a function's or service's `vpcSubnets`): in a new VPC, the application subnets. */
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
  /** The cache AUTH token secret (the whole string is the token). @default - none with `CacheAccess.USERS`, the default */
  public readonly cacheAuthSecret?: secretsmanager.ISecret;
  /** The subject key, which keys the HMAC that names data subjects in the stores (never in the template). */
  public readonly subjectKeySecret: secretsmanager.ISecret;
  /**
   * The cache endpoint clients connect to: the primary endpoint with cluster mode off, the configuration
   * endpoint with it on (decided once here: a replication group has no single "endpoint" attribute).
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

  /** How long the stream keeps records. */
  public readonly streamRetention: Duration;
  /** The database port. */
  public readonly databasePort: number;
  /** The database the pipeline's tables live in. */
  public readonly databaseName: string;
  /** Whether the cache runs with cluster mode on (`cacheNodeGroups` set): clients then need a cluster client. */
  public readonly cacheClusterMode: boolean;
  /** The pipeline's conventions for an add-on's own resources: names, removal, log groups, acknowledgements. */
  public readonly conventions: PipelineConventions;

  private readonly streamPart: PipelineStream;
  private readonly databasePart: PipelineDatabase;
  private readonly cachePart: PipelineCache;
  private readonly monitoring: PipelineMonitoring;
  private readonly endpoints?: PipelineEndpoints;

  /**
   * @param scope the stack, or a construct in it, that holds the pipeline
   * @param id the construct id; it prefixes the logical ids of every resource (keep it stable)
   * @param props the pipeline's configuration; only `environmentSuffix` is required
   */
  constructor(scope: Construct, id: string, props: LgpdDataPipelineProps) {
    super(scope, id);
    validateSuffix(props.environmentSuffix);
    checkDataResidency(this, props.allowedRegions ?? DEFAULT_ALLOWED_REGIONS);
    if (props.vpc && props.azCount !== undefined) {
      fail('azCount', props.azCount, 'must be left unset when you bring your own vpc (the VPC decides its AZs)');
    }
    const names = new PipelineNames(props.environmentSuffix);
    const removal = RemovalRules.of(props.removalPolicy);
    this.environmentSuffix = props.environmentSuffix;

    this.encryptionKey = props.encryptionKey ?? new PipelineKey(this, 'Key', { alias: names.keyAlias, removal }).key;
    this.conventions = PipelineConventions._of(names, removal.keep, props.logRetention ?? DEFAULT_LOG_RETENTION, this.encryptionKey);

    this.vpc = props.vpc ?? new PipelineNetwork(this, 'Network', {
      names, azCount: props.azCount, encryptionKey: this.encryptionKey, logRetention: this.conventions.logRetention, removal,
    }).vpc;
    const subnets = selectPipelineSubnets(this.vpc, props.vpc !== undefined, props.vpcSubnets, props.clientSubnets);
    const dataSubnets = subnets.data;
    this.clientSubnets = subnets.clients;

    this.endpoints = PipelineEndpoints.forClients(this, 'Endpoints', {
      vpc: this.vpc, subnets: this.clientSubnets, endpoints: props.clientEndpoints, broughtVpc: props.vpc !== undefined, names,
    });

    this.streamPart = new PipelineStream(this, 'Stream', { ...props, streamName: names.stream, encryptionKey: this.encryptionKey, removal });
    this.stream = this.streamPart.stream;
    this.streamRetention = this.streamPart.retentionPeriod;

    this.databasePart = new PipelineDatabase(this, 'Database', {
      ...props.database,
      vpc: this.vpc,
      vpcSubnets: dataSubnets,
      encryptionKey: this.encryptionKey,
      names,
      logRetention: this.conventions.logRetention,
      removal,
      clients: { clientSubnets: this.clientSubnets, endpoints: this.endpoints, conventions: this.conventions },
    });
    this.database = this.databasePart.instance;
    this.databaseSecret = this.databasePart.secret;
    this.databasePort = this.databasePart.port;
    this.databaseName = this.databasePart.databaseName;

    this.cachePart = new PipelineCache(this, 'Cache', {
      ...props,
      vpc: this.vpc,
      vpcSubnets: dataSubnets,
      encryptionKey: this.encryptionKey,
      names,
      removal,
      logRetention: this.conventions.logRetention,
    });
    this.cacheReplicationGroup = this.cachePart.replicationGroup;
    this.cacheSecurityGroup = this.cachePart.securityGroup;
    this.cacheAuthSecret = this.cachePart.authSecret;
    this.cacheEndpointAddress = this.cachePart.endpointAddress;
    this.cacheEndpointPort = this.cachePart.endpointPort;
    this.cacheReaderEndpointAddress = this.cachePart.readerEndpointAddress;
    this.cacheClusterMode = this.cachePart.clusterMode;

    this.connections = new ec2.Connections({ securityGroups: [this.databasePart.securityGroup, this.cachePart.securityGroup] });
    this.subjectKeySecret = new PipelineSubjectKey(this, 'SubjectKey', { names, encryptionKey: this.encryptionKey, removal }).secret;

    const stores = [this.stream, this.database, this.cacheReplicationGroup, ...(this.cacheAuthSecret ? [this.cacheAuthSecret] : [])];
    tagPipeline(this, props.environmentSuffix, stores, props.dataClassification);

    this.metrics = new PipelineMetrics({
      streamName: names.stream,
      databaseInstanceIdentifier: names.dbInstance,
      cacheReplicationGroupId: names.replicationGroup,
      cacheNodeGroups: this.cachePart.nodeGroups,
      cacheNodesPerGroup: this.cachePart.nodesPerGroup,
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
  }

  /**
   * Adds a transaction processor: a Lambda function in the client subnets that consumes the stream
   * and stores each transaction, with its event source, failed-records queue, grants, network access
   * and alarms. Without `code` it runs the reference processor shipped with this library.
   * @param id the processor's construct id, part of its physical names (letters and digits)
   * @param options batching, retries, code and database access
   */
  public addProcessor(id: string, options: TransactionProcessorOptions = {}): TransactionProcessor {
    return new TransactionProcessor(this, id, { ...options, pipeline: this });
  }

  /**
   * Adds data-subject rights (LGPD Art. 18, 19): confirm, access and erase a customer's data, and keep it erased.
   * @param id the construct id, part of the physical names (letters and digits)
   * @param options the declaration of Art. 19, due dates, exports and what an erasure does
   */
  public addDataSubjectRights(id: string, options: DataSubjectRightsOptions = {}): DataSubjectRights {
    return new DataSubjectRights(this, id, { ...options, pipeline: this });
  }

  /**
   * Adds an add-on of your own: calls `addOn.bind(this)`, which binds through `ILgpdDataPipeline`.
   * @param addOn the add-on
   */
  public addOn(addOn: IPipelineAddOn): void {
    addOn.bind(this);
  }

  /**
   * Adds an alarm `lgpd-pipeline-<suffix>-<name>` to the alarm topic; nothing when alarms or its kind are off.
   * @param id the alarm's construct id, unique within the pipeline's monitoring
   * @param options what the alarm watches and when it goes off
   */
  public addAlarm(id: string, options: PipelineAlarmOptions): cloudwatch.Alarm | undefined {
    return this.monitoring.addAlarm(id, options);
  }

  /**
   * Adds an interface endpoint for `service` in the client subnets when the pipeline manages endpoints (once).
   * @param service the AWS service, for example `ec2.InterfaceVpcEndpointAwsService.SQS`
   */
  public addClientEndpoint(service: ec2.InterfaceVpcEndpointAwsService): void {
    this.endpoints?.add(service);
  }

  /**
   * Adds a gateway endpoint for `service` on the client subnets when the pipeline manages endpoints; nothing otherwise.
   * @param service the AWS service, for example `ec2.GatewayVpcEndpointAwsService.S3`
   */
  public addClientGatewayEndpoint(service: ec2.GatewayVpcEndpointAwsService): void {
    this.endpoints?.addGateway(service);
  }

  /**
   * The alarms of one kind: usually one, none when switched off, several for a cache of more than 10 nodes.
   * @param which the kind of alarm
   */
  public alarmsOf(which: PipelineAlarm): cloudwatch.Alarm[] {
    return this.monitoring.alarmsOf(which);
  }

  /**
   * Wires a client: the database and cache ports and the VPC endpoints on 443, with the client's matching
   * egress rules, so a client whose security group allows no outbound traffic by default works.
   * @param client a security group, instance, function or anything with connections
   */
  public allowFrom(client: ec2.IConnectable): void {
    this.databasePart.connections.allowDefaultPortFrom(client, 'LGPD pipeline client');
    this.cachePart.connections.allowDefaultPortFrom(client, 'LGPD pipeline client');
    this.endpoints?.allowFrom(client);
  }

  /**
   * Grants putting records on the stream, including encrypting with the key.
   * @param grantee the principal (a role, a function, a user) to grant to
   */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.streamPart.grantWrite(grantee);
  }

  /**
   * Grants reading records from the stream, including decrypting with the key.
   * @param grantee the principal (a role, a function, a user) to grant to
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.streamPart.grantRead(grantee);
  }

  /**
   * Grants reading the database master secret (and the cache AUTH token, if any), including decrypting them:
   * in the principal's own policy for this account (the master secret named by RDS's tag for this instance),
   * in the key policy too for another account.
   * @param grantee the principal (a role, a function, a user) to grant to
   */
  public grantSecretsRead(grantee: iam.IGrantable): iam.Grant {
    return grantSecretsRead(grantee, this.encryptionKey, [this.databasePart.readableSecret, ...this.cachePart.readableSecrets]);
  }

  /**
   * Grants IAM database authentication as `dbUser`.
   * @param grantee the principal (a role, a function, a user) to grant to
   * @param dbUser the PostgreSQL user to connect as (it needs the `rds_iam` role in the database)
   */
  public grantDatabaseConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return this.database.grantConnect(grantee, dbUser);
  }

  /**
   * A job's own database role, made by the schema migrations (which the first call adds), and how it signs in.
   * @param role the job's role, for example `DatabaseRole.PROCESSOR`
   * @param authentication how the role signs in, the same for every job that asks for it
   */
  public databaseLogin(role: DatabaseRole, authentication: DatabaseAuthentication): DatabaseLogin {
    return this.databasePart.login(role, authentication);
  }

  /**
   * How a job signs in to the cache: its own user of the cache's user group, or the AUTH token.
   * @param user the job, for example `CacheUser.PROCESSOR`
   */
  public cacheLogin(user: CacheUser): CacheLogin {
    return this.cachePart.users.login(user);
  }
}

import { ArnFormat, Duration, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DatabaseAuthentication, DatabaseLogin, DatabaseRole } from './database-login';
import { PipelineDatabaseSchema, SchemaClients } from './database-schema';
import { acknowledge, acknowledgeInPacks, HIPAA_NIST } from './private/acknowledge';
import { ReadableSecret } from './private/grants';
import { DEFAULT_DATABASE_PORT } from './private/limits';
import { encryptedLogGroup } from './private/log-group';
import { PipelineNames } from './private/names';
import { RemovalRules } from './private/removal';
import { checkDays, checkInt, fail } from './private/validation';

/**
 * Options for the pipeline's PostgreSQL database.
 */
export interface DatabaseOptions {
  /**
   * The instance type.
   *
   * @default ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM)
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * The PostgreSQL version. Minor upgrades are applied automatically in the maintenance window.
   *
   * The default names the major version only, so a new environment is created with the minor version
   * RDS offers that day: a pinned minor stops being creatable once RDS retires it. A pinned minor
   * (`VER_17_9`) is kept as given.
   *
   * @default rds.PostgresEngineVersion.VER_17
   */
  readonly engineVersion?: rds.PostgresEngineVersion;

  /**
   * Allocated storage in GiB, 20 to 65535 (autoscaling needs room up to 65536).
   *
   * @default 20
   */
  readonly allocatedStorage?: number;

  /**
   * Upper limit in GiB for storage autoscaling; must exceed `allocatedStorage`.
   *
   * @default 100
   */
  readonly maxAllocatedStorage?: number;

  /**
   * Run a standby in a second availability zone.
   *
   * @default true
   */
  readonly multiAz?: boolean;

  /**
   * How long automated backups are kept, 1 to 35 days.
   *
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;

  /**
   * The port the database listens on. Not the engine default, which scanners probe first.
   *
   * @default 5433
   */
  readonly port?: number;

  /**
   * The name of the database created in the instance.
   *
   * @default 'transactions'
   */
  readonly databaseName?: string;

  /**
   * The master user name. Its password is managed and rotated by RDS in Secrets Manager.
   *
   * @default 'pipeline_admin'
   */
  readonly masterUsername?: string;
}

/** Properties of {@link PipelineDatabase}. */
export interface PipelineDatabaseProps extends DatabaseOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** The subnets the database lives in. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The key for storage, Performance Insights, logs and the master secret. */
  readonly encryptionKey: kms.IKey;
  /** The pipeline's physical names. */
  readonly names: PipelineNames;
  /** How long exported database logs are kept; the pipeline default when undefined. */
  readonly logRetention?: logs.RetentionDays;
  /** The pipeline's removal rules. */
  readonly removal: RemovalRules;
  /** Where the schema migrations run, should a job ask for a login. */
  readonly clients: Omit<SchemaClients, 'names' | 'encryptionKey' | 'vpc'>;
}

/**
 * RDS PostgreSQL for the pipeline, in private subnets, hardened: storage, Performance Insights and
 * the master secret encrypted with the pipeline key, TLS forced, IAM authentication, a master
 * password managed and rotated by RDS, logs exported to encrypted log groups, backups, no public
 * access, deletion protection unless destroyable.
 *
 * Internal: the pipeline exposes the instance as `LgpdDataPipeline.database`, and its grants.
 */
export class PipelineDatabase extends Construct implements ec2.IConnectable {
  /** The log types exported to CloudWatch Logs. */
  public static readonly LOG_EXPORTS = ['postgresql', 'upgrade'];

  /** The DB instance. */
  public readonly instance: rds.DatabaseInstance;
  /** The master user's secret, managed and rotated by RDS, encrypted with the pipeline key. */
  public readonly secret: secretsmanager.ISecret;
  /**
   * The instance's ARN, built from its identifier: known at synth, so what names it does not wait for
   * the instance to be created.
   */
  public readonly instanceArn: string;
  /** The security group of the database. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Network connections; the default port is the database port. */
  public readonly connections: ec2.Connections;
  /** The port the database listens on. */
  public readonly port: number;
  /** The name of the database created in the instance. */
  public readonly databaseName: string;
  private schema?: PipelineDatabaseSchema;

  constructor(scope: Construct, id: string, private readonly props: PipelineDatabaseProps) {
    super(scope, id);
    const names = props.names;
    this.instanceArn = Stack.of(this).formatArn({
      service: 'rds', resource: 'db', resourceName: names.dbInstance, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const allocated = props.allocatedStorage ?? 20;
    // Autoscaling up to twice the allocated storage (at least 100 GiB), within RDS's 65536 GiB; none when
    // the allocated storage is a token, whose double cannot be computed at synth time.
    const maxAllocated = props.maxAllocatedStorage
      ?? (Token.isUnresolved(allocated) ? undefined : Math.min(65536, Math.max(100, allocated * 2)));
    checkInt('database.allocatedStorage', props.allocatedStorage, 20, 65535);
    checkInt('database.maxAllocatedStorage', props.maxAllocatedStorage, 21, 65536);
    const literal = maxAllocated !== undefined && !Token.isUnresolved(allocated) && !Token.isUnresolved(maxAllocated);
    if (literal && maxAllocated <= allocated) {
      fail('database.maxAllocatedStorage', maxAllocated, `must be greater than database.allocatedStorage (${allocated}) so storage can autoscale`);
    }
    checkDays('database.backupRetention', props.backupRetention, 1, 35);
    checkInt('database.port', props.port, 1150, 65535, 'the ports RDS allows');
    const username = props.masterUsername ?? 'pipeline_admin';
    const validUsername = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(username) && !['postgres', 'rdsadmin', 'admin'].includes(username);
    if (!Token.isUnresolved(username) && !validUsername) {
      fail('database.masterUsername', username, 'must be 1-63 letters, digits or underscores starting with a letter, and not a reserved name');
    }
    const databaseName = props.databaseName ?? 'transactions';
    this.databaseName = databaseName;
    if (!Token.isUnresolved(databaseName) && !/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(databaseName)) {
      fail('database.databaseName', databaseName, 'must be 1-63 letters, digits or underscores starting with a letter');
    }
    this.port = props.port ?? DEFAULT_DATABASE_PORT;
    const destroyable = props.removal.destroyable;
    const engineVersion = props.engineVersion ?? rds.PostgresEngineVersion.VER_17;
    const engine = rds.DatabaseInstanceEngine.postgres({ version: engineVersion });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      securityGroupName: names.dbSecurityGroup,
      description: `PostgreSQL of the LGPD pipeline (${names.dbInstance}): ingress only from allowed clients`,
      allowAllOutbound: false,
    });

    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      name: names.dbParameterGroup,
      description: `TLS-only PostgreSQL with connection auditing (${names.dbInstance})`,
      parameters: {
        'rds.force_ssl': '1',
        'log_connections': '1',
        'log_disconnections': '1',
      },
      removalPolicy: props.removal.configuration,
    });

    // The exported log groups are created here, encrypted and with a retention, rather than by RDS
    // on first write or by the Lambda-backed LogRetention resource of `cloudwatchLogsRetention`.
    const logGroups = PipelineDatabase.LOG_EXPORTS.map(kind => encryptedLogGroup(this, `Logs${kind}`, {
      logGroupName: names.dbLogGroup(kind),
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removal.keep,
    }));

    // The enhanced-monitoring role is made here rather than by DatabaseInstance, so that its trust policy
    // admits RDS only on behalf of this account (confused deputy; RDS sends aws:SourceAccount).
    const monitoringRole = new iam.Role(this, 'MonitoringRole', {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
      description: `Enhanced monitoring of ${names.dbInstance}`,
    });

    this.instance = new rds.DatabaseInstance(this, 'Resource', {
      engine,
      instanceIdentifier: names.dbInstance,
      instanceType: props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      subnetGroup: new rds.SubnetGroup(this, 'Subnets', {
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        subnetGroupName: names.dbSubnetGroup,
        description: `Private subnets of ${names.dbInstance}`,
        removalPolicy: props.removal.configuration,
      }),
      securityGroups: [this.securityGroup],
      port: this.port,
      publiclyAccessible: false,
      databaseName,
      // Placeholder only: the password is removed from the template below and managed by RDS.
      credentials: rds.Credentials.fromPassword(username, SecretValue.unsafePlainText('managed-by-rds')),
      parameterGroup,
      storageType: rds.StorageType.GP3,
      allocatedStorage: allocated,
      maxAllocatedStorage: maxAllocated,
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      multiAz: props.multiAz ?? true,
      backupRetention: props.backupRetention ?? Duration.days(7),
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: destroyable,
      iamAuthentication: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.encryptionKey,
      monitoringInterval: Duration.seconds(60),
      monitoringRole,
      cloudwatchLogsExports: PipelineDatabase.LOG_EXPORTS,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      autoMinorVersionUpgrade: true,
      deletionProtection: !destroyable,
      removalPolicy: props.removal.snapshot,
    });
    // cfn-lint's W3691 flags "17" because the script that builds its data from RDS's DescribeDBEngineVersions
    // adds the major of every deprecated PostgreSQL minor (17.1) to the deprecated list; RDS still creates
    // "17" with its current default minor. Acknowledged for a major-only version only (docs/first-deploy.md).
    if (!Token.isUnresolved(engineVersion.postgresFullVersion) && /^\d+$/.test(engineVersion.postgresFullVersion)) {
      (this.instance.node.defaultChild as rds.CfnDBInstance).addMetadata('cfn-lint', { config: { ignore_checks: ['W3691'] } });
    }
    // Only the DB instance resource waits for its log groups, not its monitoring role (deploy critical path).
    for (const logGroup of logGroups) (this.instance.node.defaultChild as rds.CfnDBInstance).node.addDependency(logGroup);

    // Written by hand: aws-cdk-lib's DatabaseInstance has no option for an RDS-managed master password
    // (ManageMasterUserPassword), which RDS stores in Secrets Manager under our key and rotates itself,
    // with no rotation Lambda and no network path from the data subnets to Secrets Manager.
    const cfn = this.instance.node.defaultChild as rds.CfnDBInstance;
    cfn.addPropertyDeletionOverride('MasterUserPassword');
    cfn.addPropertyOverride('ManageMasterUserPassword', true);
    cfn.addPropertyOverride('MasterUserSecret', { KmsKeyId: props.encryptionKey.keyArn });
    this.secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'MasterSecret', cfn.attrMasterUserSecretSecretArn);

    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(this.port),
    });

    // cdk-nag acknowledgements, each on the one construct it concerns (listed in docs/compliance.md).
    acknowledge(monitoringRole, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      'AmazonRDSEnhancedMonitoringRole is the AWS-maintained policy RDS documents for the enhanced-monitoring role: it only lets RDS write OS metrics to the RDSOSMetrics log group. A customer policy cannot name the log stream (the instance resource id) without a circular dependency, so it would need a wildcard instead.');
    acknowledgeInPacks(this.instance, HIPAA_NIST, 'RDSInBackupPlan',
      'The instance has RDS automated backups with point-in-time recovery (7 days by default, up to 35), encrypted with the pipeline key, and copies tags to snapshots; an AWS Backup plan is an account-level choice (often an AWS Organizations backup policy) that a user adds on top.');
    if (destroyable) {
      const reason = 'removalPolicy DESTROY was asked for: a destroyable test environment, which deletion protection would keep from being torn down. Every other removal policy turns deletion protection on.';
      acknowledge(this.instance, 'AwsSolutions-RDS10', reason);
      acknowledgeInPacks(this.instance, HIPAA_NIST, 'RDSInstanceDeletionProtectionEnabled', reason);
    }
  }

  /**
   * The master secret as grants name it. For a principal of this account the statement does not name
   * the secret's ARN, which exists only once the instance does: a policy naming it would be created
   * after the database, some 15 minutes into a first deploy. It names the RDS-managed secrets
   * (`rds!db-*`) that carry RDS's tag `aws:rds:primaryDBInstanceArn` with this instance's ARN, which is
   * known at synth. Only RDS can set an `aws:` tag, and the grant keeps working if RDS ever replaces
   * the secret. A principal of another account gets the secret's ARN and the key policy.
   */
  public get readableSecret(): ReadableSecret {
    return {
      secret: this.secret,
      sameAccount: {
        resourceArn: Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: 'rds!db-*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        conditions: { StringEquals: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': this.instanceArn } },
        wildcardReason: `Granted by ${this.node.path}: only the RDS-managed master secret of its instance, `
          + 'selected by the tag aws:rds:primaryDBInstanceArn that RDS sets (no one else can set an aws: tag); the ARN itself exists only once the '
          + 'instance does, and naming it would hold this policy back until the database is created.',
      },
    };
  }

  /** Grants `rds-db:connect` as the given database user (IAM database authentication). */
  public grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return this.instance.grantConnect(grantee, dbUser);
  }

  /** A job's own role and how it signs in; the first login adds the schema migrations (database-schema.ts). */
  public login(role: DatabaseRole, authentication: DatabaseAuthentication): DatabaseLogin {
    const { vpc, names, encryptionKey, clients } = this.props;
    this.schema ??= new PipelineDatabaseSchema(this, 'Schema', { ...clients, vpc, names, encryptionKey, database: this });
    return this.schema.login(role, authentication);
  }
}

import * as path from 'path';
import { CfnResource, CustomResource, Duration, FileSystem, Lazy, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { PipelineConventions } from './conventions';
import { DatabaseAuthentication, DatabaseLogin, DatabaseRole } from './database-login';
import { PipelineEndpoints } from './endpoints';
import { acknowledge, acknowledgeInPacks, HIPAA_NIST, HIPAA_NIST_PCI } from './private/acknowledge';
import { grantSecretsRead, ReadableSecret } from './private/grants';
import { PipelineNames } from './private/names';
import { grantNetworkInterfaces } from './private/network-interfaces';
import { lambdaPrincipal, ManagedPolicyPrincipal } from './private/policy-principal';
import { RDS_CA_BUNDLE_PATH } from './private/rds-ca-bundle';
import { fail } from './private/validation';

/** Where the build bundles the schema functions and copies the migrations (projenrc/schema.ts). */
const SCHEMA_ASSET = path.join(__dirname, '..', 'assets', 'handlers', 'schema-migrations');

/** The custom resource's type, as CloudFormation shows it. */
export const SCHEMA_RESOURCE_TYPE = 'Custom::LgpdDatabaseSchema';

/**
 * The characters RDS's own generated secrets leave out (aws-cdk-lib's DEFAULT_PASSWORD_EXCLUDE_CHARS,
 * which it does not export): the same for a login's first password and for every rotated one.
 */
const EXCLUDE_CHARACTERS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';

/** What the schema needs of the database part (database.ts, which owns the schema). */
export interface SchemaDatabase extends ec2.IConnectable {
  readonly instance: rds.DatabaseInstance;
  /** The master secret, and how grants name it. */
  readonly secret: secretsmanager.ISecret;
  readonly readableSecret: ReadableSecret;
  readonly port: number;
  readonly databaseName: string;
  readonly securityGroup: ec2.ISecurityGroup;
  grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant;
}

/** Where the database's clients run, and the conventions their functions follow. */
export interface SchemaClients {
  /** The VPC and the client subnets the migration function runs in. */
  readonly vpc: ec2.IVpc;
  readonly clientSubnets: ec2.SubnetSelection;
  /** The pipeline's VPC endpoints (Secrets Manager), when it manages them. */
  readonly endpoints?: PipelineEndpoints;
  readonly names: PipelineNames;
  readonly conventions: PipelineConventions;
  readonly encryptionKey: kms.IKey;
}

/** Properties of {@link PipelineDatabaseSchema}. */
export interface PipelineDatabaseSchemaProps extends SchemaClients {
  /** The database part. */
  readonly database: SchemaDatabase;
}

/**
 * The database schema, made at deploy time: a custom resource whose function (outside the VPC)
 * invokes the migration function (in the client subnets) and answers CloudFormation; the migration
 * function signs in as the RDS master user (the only role of the pipeline that reads the master
 * secret), applies the versioned migrations shipped in its bundle, and sets how each job's role signs
 * in. A new migration changes `Migrations` (the migrations' hash), so the next deploy runs them.
 * docs/database-schema.md.
 *
 * Created by the database part when a job first asks for its login (`databaseLogin`).
 */
export class PipelineDatabaseSchema extends Construct {
  /** The function in the client subnets that applies the migrations. */
  public readonly migrationFunction: lambda.Function;
  /** The custom resource's function, which invokes it and answers CloudFormation. */
  public readonly customResourceFunction: lambda.Function;
  /** The custom resource: depend on it to run after the migrations. */
  public readonly resource: CustomResource;
  private readonly migrationPrincipal: ManagedPolicyPrincipal;
  private readonly logins = new Map<string, DatabaseLogin>();
  private readonly loginProperties: Array<Record<string, string>> = [];

  constructor(scope: Construct, id: string, private readonly props: PipelineDatabaseSchemaProps) {
    super(scope, id);
    const { database, names } = props;
    const code = lambda.Code.fromAsset(SCHEMA_ASSET);

    // The migration function: the database's one client that signs in as the master user.
    const migrate = new Construct(this, 'Migrate');
    const securityGroup = new ec2.SecurityGroup(migrate, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Schema migrations of ${names.dbInstance}: egress only to the database and the VPC endpoints`,
      allowAllOutbound: false,
    });
    this.migrationPrincipal = lambdaPrincipal(migrate, {
      roleDescription: `Schema migrations of ${names.dbInstance}`,
      policyDescription: `Schema migrations of ${names.dbInstance}: read the master secret, write its logs, manage its network interfaces`,
    });
    this.migrationFunction = this.function(migrate, this.migrationPrincipal, {
      functionName: names.schemaFunction,
      description: `Applies the schema migrations of ${names.dbInstance} as its master user (invoked at deploy time only)`,
      code,
      handler: 'index.handler',
      timeout: Duration.minutes(5),
      vpc: props.vpc,
      vpcSubnets: props.clientSubnets,
      securityGroups: [securityGroup],
      // The RDS certificate authorities ship beside the bundle (src/private/rds-ca-bundle.ts).
      environment: { NODE_EXTRA_CA_CERTS: RDS_CA_BUNDLE_PATH },
    });
    grantNetworkInterfaces(this.migrationPrincipal, { vpc: props.vpc, subnets: props.clientSubnets, securityGroup });
    grantSecretsRead(this.migrationPrincipal, props.encryptionKey, [database.readableSecret]);
    // The rules that let it reach the database and the endpoints, which the custom resource waits for.
    const network = [
      ...addedUnder(database.securityGroup, () => database.connections.allowDefaultPortFrom(this.migrationFunction, 'Schema migrations')),
      ...(props.endpoints ? addedUnder(props.endpoints, () => props.endpoints!.allowFrom(this.migrationFunction)) : []),
      ...(props.endpoints?.node.findAll().filter(c => c instanceof ec2.InterfaceVpcEndpoint) ?? []),
    ];
    acknowledge(this.migrationPrincipal.role, 'LGPD-ComputeRoleNoRDSMasterSecret',
      'The schema migrations are the one job that signs in as the RDS master user: they create the tables and each job\'s role with only its '
      + 'privileges. The function is invoked only by the custom resource function at deploy time, and every other job signs in with its own role.');

    // The custom resource's function: outside the VPC, so that it reaches CloudFormation's response URL.
    const handler = new Construct(this, 'Handler');
    const handlerPrincipal = lambdaPrincipal(handler, {
      roleDescription: `Custom resource of the schema migrations of ${names.dbInstance}`,
      policyDescription: `Custom resource of the schema migrations of ${names.dbInstance}: invoke the migration function, write its logs`,
      statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.migrationFunction.functionArn] })],
    });
    this.customResourceFunction = this.function(handler, handlerPrincipal, {
      functionName: names.schemaCustomResourceFunction,
      description: `Runs the schema migrations of ${names.dbInstance} for CloudFormation and answers it`,
      code,
      handler: 'index.onEvent',
      // The migration function's 5 minutes, and time to answer CloudFormation.
      timeout: Duration.minutes(6),
      environment: { MIGRATION_FUNCTION: this.migrationFunction.functionName },
    });
    acknowledgeInPacks(this.customResourceFunction, HIPAA_NIST_PCI, 'LambdaInsideVPC',
      'Calls only the Lambda API (the migration function, which runs in the client subnets) and CloudFormation\'s pre-signed response URL, which '
      + 'the isolated client subnets cannot reach; it holds no credentials and reaches no data store.', 'CKV_AWS_117');

    this.resource = new CustomResource(this, 'Resource', {
      resourceType: SCHEMA_RESOURCE_TYPE,
      serviceToken: this.customResourceFunction.functionArn,
      // CloudFormation waits an hour by default for an answer that never comes: the function's 6 minutes,
      // and Lambda's two retries of an asynchronous invocation, fit in 20.
      serviceTimeout: Duration.minutes(20),
      properties: {
        DatabaseHost: database.instance.dbInstanceEndpointAddress,
        DatabasePort: Tokenization.stringifyNumber(database.port),
        DatabaseName: database.databaseName,
        MasterSecretArn: database.secret.secretArn,
        // A new or changed migration changes the hash, and so re-runs the custom resource on the next deploy.
        Migrations: FileSystem.fingerprint(path.join(SCHEMA_ASSET, 'migrations')),
        Logins: Lazy.any({ produce: () => this.loginProperties }),
      },
    });
    // It runs once the migration function may read the secret and reach the database and the endpoints.
    this.resource.node.addDependency(this.migrationPrincipal.policy, handlerPrincipal.policy, securityGroup, ...network);
  }

  /**
   * The login of `role`, signing in with `authentication`: the same for every job that asks for it
   * (a role signs in one way at a time).
   */
  public login(role: DatabaseRole, authentication: DatabaseAuthentication): DatabaseLogin {
    const existing = this.logins.get(role.roleName);
    if (existing) {
      if (!existing.authentication._sameAs(authentication)) {
        fail('databaseAuthentication', authentication.method, `must be the same for every job that signs in as ${role.roleName}, which signs in with ${existing.authentication.method} already`);
      }
      return existing;
    }
    const database = this.props.database;
    let login: DatabaseLogin;
    if (authentication.method === 'iam') {
      this.loginProperties.push({ Role: role.roleName, Authentication: 'iam' });
      const grantConnect = (grantee: iam.IGrantable) => database.grantConnect(grantee, role.roleName);
      login = DatabaseLogin._of({ role, authentication, schema: this.resource, grantConnect });
    } else {
      const secret = this.rotatedSecret(role, authentication.rotationInterval!);
      grantSecretsRead(this.migrationPrincipal, this.props.encryptionKey, [{ secret }]);
      this.loginProperties.push({ Role: role.roleName, Authentication: 'password', SecretArn: secret.secretArn });
      const grantConnect = (grantee: iam.IGrantable) => grantSecretsRead(grantee, this.props.encryptionKey, [{ secret }]);
      login = DatabaseLogin._of({ role, authentication, schema: this.resource, secret, grantConnect });
    }
    this.logins.set(role.roleName, login);
    return login;
  }

  /**
   * A role's own secret (RDS's JSON, with the instance's host and port attached), whose password the
   * migration function gives the role when it first gets the secret, and which Secrets Manager's
   * single-user rotation for PostgreSQL changes as the role itself, from the client subnets.
   */
  private rotatedSecret(role: DatabaseRole, automaticallyAfter: Duration): secretsmanager.ISecret {
    const { database, names } = this.props;
    const id = role.roleName.split('_').map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('');
    const secret = new rds.DatabaseSecret(this, `${id}Secret`, {
      username: role.roleName,
      dbname: database.databaseName,
      secretName: names.databaseLoginSecret(role.roleName),
      encryptionKey: this.props.encryptionKey,
      excludeCharacters: EXCLUDE_CHARACTERS,
    });
    secret.applyRemovalPolicy(this.props.conventions.removalPolicy);
    const attached = secret.attach(database.instance);
    const securityGroup = new ec2.SecurityGroup(this, `${id}RotationSecurityGroup`, {
      vpc: this.props.vpc,
      description: `Rotation of the password of ${role.roleName} (${names.dbInstance}): egress only to the database and the VPC endpoints`,
      allowAllOutbound: false,
    });
    new secretsmanager.SecretRotation(this, `${id}Rotation`, {
      application: secretsmanager.SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER,
      secret: attached,
      target: database.instance,
      vpc: this.props.vpc,
      vpcSubnets: this.props.clientSubnets,
      securityGroup,
      automaticallyAfter,
      excludeCharacters: EXCLUDE_CHARACTERS,
    });
    this.props.endpoints?.allowFrom(securityGroup);
    return attached;
  }

  /** A function with the pipeline's recipe: its own role and policy, an encrypted log group, arm64, Node.js 24. */
  private function(scope: Construct, principal: ManagedPolicyPrincipal, props: Omit<lambda.FunctionProps, 'runtime'>): lambda.Function {
    const logGroup = this.props.conventions.logGroup(scope, 'Logs', `/aws/lambda/${props.functionName}`);
    const fn = new lambda.Function(scope, 'Function', {
      ...props,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      role: principal.role.withoutPolicyUpdates(),
      environmentEncryption: this.props.encryptionKey,
      logGroup,
    });
    principal.policy.addStatements(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    fn.node.addDependency(principal.policy);
    // aws-cdk-lib makes a function depend on its role, which its GetAtt of the role already implies (cfn-lint W3005).
    (fn.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
    const once = 'Invoked only at deploy time, by CloudFormation or by the custom resource function, which waits for the answer: ';
    acknowledgeInPacks(fn, HIPAA_NIST, 'LambdaConcurrency', `${once}reserving concurrency would take capacity from the account `
      + 'and fails outright in accounts whose concurrency limit is at its minimum.', 'CKV_AWS_115');
    acknowledgeInPacks(fn, HIPAA_NIST, 'LambdaDLQ', `${once}a failure fails the deploy and is shown in the stack events, so there is nothing `
      + 'for a dead-letter queue to keep.', 'CKV_AWS_116');
    return fn;
  }
}

/** The constructs `wire` adds anywhere under `scope`: here, the security group rules of a new client. */
function addedUnder(scope: IConstruct, wire: () => void): IConstruct[] {
  const before = new Set(scope.node.findAll());
  wire();
  return scope.node.findAll().filter(c => !before.has(c));
}

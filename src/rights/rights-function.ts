import * as path from 'path';
import { CfnResource, Duration, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ILgpdDataPipeline } from '../add-on';
import { CacheUser } from '../cache-users';
import { DatabaseAuthentication, DatabaseRole } from '../database-login';
import { acknowledgeInPacks, HIPAA_NIST } from '../private/acknowledge';
import { grantNetworkInterfaces } from '../private/network-interfaces';
import { lambdaPrincipal, ManagedPolicyPrincipal } from '../private/policy-principal';
import { PROCESSOR_VARIABLES as P } from '../private/processor-contract';
import { RDS_CA_BUNDLE_PATH } from '../private/rds-ca-bundle';
import { PIPELINE_VARIABLE } from '../private/subject-contract';

/** Where the build bundles the rights handlers (handlers/rights-*.ts, by esbuild). */
const BUNDLES = path.join(__dirname, '..', '..', 'assets', 'handlers');


/** Properties of {@link RightsFunction}. */
export interface RightsFunctionProps {
  readonly pipeline: ILgpdDataPipeline;
  /** The function's name. */
  readonly functionName: string;
  /** What it does, for the function's and the role's descriptions. */
  readonly description: string;
  /** The bundle under assets/handlers/. */
  readonly bundle: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Its own settings, beyond the stores'. */
  readonly environment: Record<string, string>;
  /** Why it needs no dead-letter queue. */
  readonly noDeadLetterQueue: string;
}

/**
 * A data-subject-rights function, placed and wired as the pipeline's processor is: in the client
 * subnets with its own security group opened by `allowFrom`, one customer-managed policy for every
 * grant, a log group encrypted with the pipeline key, the environment encrypted with it too. It signs
 * in to PostgreSQL as the rights role with IAM database authentication and to the cache with its token.
 */
export class RightsFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly principal: ManagedPolicyPrincipal;

  constructor(scope: Construct, id: string, props: RightsFunctionProps) {
    super(scope, id);
    const pipeline = props.pipeline;
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: pipeline.vpc,
      description: `${props.functionName}: egress only to the pipeline stores and endpoints`,
      allowAllOutbound: false,
    });
    this.principal = lambdaPrincipal(this, { roleDescription: props.description, policyDescription: `${props.description}: its stores, secrets and logs` });
    const logGroup = pipeline.conventions.logGroup(this, 'Logs', `/aws/lambda/${props.functionName}`);
    // Its own PostgreSQL role (lgpd_rights, IAM database authentication) and Redis user.
    const database = pipeline.databaseLogin(DatabaseRole.RIGHTS, DatabaseAuthentication.IAM);
    const cache = pipeline.cacheLogin(CacheUser.RIGHTS);

    this.function = new lambda.Function(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      code: lambda.Code.fromAsset(path.join(BUNDLES, props.bundle)),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      vpc: pipeline.vpc,
      vpcSubnets: pipeline.clientSubnets,
      securityGroups: [securityGroup],
      role: this.principal.role.withoutPolicyUpdates(),
      environmentEncryption: pipeline.encryptionKey,
      logGroup,
      environment: {
        [PIPELINE_VARIABLE]: pipeline.environmentSuffix,
        [P.databaseHost]: pipeline.database.dbInstanceEndpointAddress,
        [P.databasePort]: Tokenization.stringifyNumber(pipeline.databasePort),
        [P.databaseName]: pipeline.databaseName,
        ...(database.secret ? { [P.databaseSecretArn]: database.secret.secretArn } : { [P.databaseIamUser]: database.roleName }),
        [P.cacheHost]: pipeline.cacheEndpointAddress,
        [P.cachePort]: pipeline.cacheEndpointPort,
        ...(cache.userName !== undefined ? { [P.cacheUser]: cache.userName } : {}),
        [P.cacheAuthSecretArn]: cache.secret.secretArn,
        [P.cacheClusterMode]: String(pipeline.cacheClusterMode),
        ...props.environment,
        NODE_EXTRA_CA_CERTS: RDS_CA_BUNDLE_PATH,
      },
    });
    this.function.node.addDependency(this.principal.policy);
    (this.function.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });

    this.principal.policy.addStatements(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    grantNetworkInterfaces(this.principal, { vpc: pipeline.vpc, subnets: pipeline.clientSubnets, securityGroup });
    pipeline.allowFrom(this.function);
    database.grantConnect(this.principal);
    cache.grantRead(this.principal);
    // The rights role exists, with its privileges, once the schema migrations have run.
    this.function.node.addDependency(database.schema);

    const cfn = this.function.node.defaultChild as CfnResource;
    acknowledgeInPacks(cfn, HIPAA_NIST, 'LambdaConcurrency',
      'Lambda refuses a reservation that would leave the account fewer than 100 unreserved concurrent executions, which the quota of many new accounts '
      + 'cannot, and the first deploy would fail; data-subject requests are rare and short.', 'CKV_AWS_115');
    acknowledgeInPacks(cfn, HIPAA_NIST, 'LambdaDLQ', props.noDeadLetterQueue, 'CKV_AWS_116');
  }
}

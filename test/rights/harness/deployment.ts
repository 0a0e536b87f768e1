import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LgpdDataPipeline, LgpdDataPipelineProps } from '../../../src';
import type { DataSubjectRightsOptions } from '../../../src';
import { Assembly, ResolvedStack } from '../../policy/simulate';

/** The FastShop-shaped app the rights tests run: a pipeline, the reference processor and data-subject rights. */
export function rightsApp(options: DataSubjectRightsOptions = {}, props: Partial<LgpdDataPipelineProps> = {}): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'FastShopRights', { env: { region: 'sa-east-1', account: '111122223333' } });
  const pipeline = new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev', removalPolicy: RemovalPolicy.DESTROY, ...props });
  pipeline.addProcessor('Processor');
  pipeline.addDataSubjectRights('Rights', { controller: 'FastShop Comércio Ltda., dpo@fastshop.example', ...options });
  return { app, stack };
}

/** What the tests take from the synthesized template. */
export interface Deployment {
  readonly stack: ResolvedStack;
  /** The Variables of each function, by function name, as synthesized (intrinsics unresolved). */
  readonly variables: Record<string, Record<string, unknown>>;
  /** The state machine's definition, its intrinsics resolved to the test account's ARNs. */
  readonly definition: any;
}

export function synthesize(options: DataSubjectRightsOptions = {}): Deployment {
  const { app, stack } = rightsApp(options);
  const resolved = Assembly.of(app).stack(stack);
  const variables: Record<string, Record<string, unknown>> = {};
  for (const id of resolved.logicalIds('AWS::Lambda::Function')) {
    const props = resolved.resources[id].Properties;
    variables[props.FunctionName] = props.Environment?.Variables ?? {};
  }
  const machine = resolved.logicalId('AWS::StepFunctions::StateMachine');
  return { stack: resolved, variables, definition: JSON.parse(resolved.properties(machine).DefinitionString) };
}

/** Where the local stand-ins of the deployed resources are. */
export interface LocalResources {
  readonly databaseHost: string;
  readonly databasePort: string;
  readonly databaseName: string;
  /** The rights role's secret: IAM database authentication cannot be exercised against a local PostgreSQL. */
  readonly databaseSecretArn: string;
  readonly cacheHost: string;
  readonly cachePort: string;
  readonly cacheAuthSecretArn: string;
  readonly subjectKeySecretArn: string;
  readonly exportBucket: string;
  readonly stateMachineArn: string;
  readonly caFile: string;
  /** AWS_REGION, credentials and AWS_ENDPOINT_URL_* of the emulators. */
  readonly aws: Record<string, string>;
}

/**
 * A function's environment as the construct synthesized it, with each value that names a deployed
 * resource replaced by its local stand-in. Any other intrinsic fails: a variable the construct adds must
 * be mapped here, not silently dropped. IAM database authentication (DB_IAM_USER) becomes the rights
 * role's password secret (DB_SECRET_ARN), the one path a local PostgreSQL can check.
 */
export function localEnvironment(variables: Record<string, unknown>, local: LocalResources): Record<string, string> {
  const replaced: Record<string, string> = {
    DB_HOST: local.databaseHost,
    DB_PORT: local.databasePort,
    DB_NAME: local.databaseName,
    CACHE_HOST: local.cacheHost,
    CACHE_PORT: local.cachePort,
    CACHE_AUTH_SECRET_ARN: local.cacheAuthSecretArn,
    SUBJECT_KEY_SECRET_ARN: local.subjectKeySecretArn,
    RIGHTS_EXPORT_BUCKET: local.exportBucket,
    RIGHTS_STATE_MACHINE_ARN: local.stateMachineArn,
    NODE_EXTRA_CA_CERTS: local.caFile,
  };
  const env: Record<string, string> = { ...local.aws };
  for (const [name, value] of Object.entries(variables)) {
    if (name === 'DB_IAM_USER') {
      env.DB_SECRET_ARN = local.databaseSecretArn;
    } else if (name in replaced) {
      env[name] = replaced[name];
    } else if (typeof value === 'string') {
      env[name] = value;
    } else {
      throw new Error(`the synthesized variable ${name} is ${JSON.stringify(value)}: map it to a local stand-in in localEnvironment`);
    }
  }
  return env;
}

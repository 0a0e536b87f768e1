import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LgpdDataPipeline, LgpdDataPipelineProps } from '../../src';
import type { DataSubjectRightsOptions } from '../../src';

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
  /** The Variables of each function, by function name, as synthesized (intrinsics unresolved). */
  readonly variables: Record<string, Record<string, unknown>>;
  /** The state machine's definition, the worker's ARN (its one intrinsic) written as a plain ARN. */
  readonly definition: any;
}

export function synthesize(options: DataSubjectRightsOptions = {}): Deployment {
  const { app, stack } = rightsApp(options);
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, any> };
  const variables: Record<string, Record<string, unknown>> = {};
  let definition: any;
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::Lambda::Function') variables[r.Properties.FunctionName] = r.Properties.Environment?.Variables ?? {};
    if (r.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const parts = r.Properties.DefinitionString['Fn::Join'][1] as unknown[];
    definition = JSON.parse(parts.map(part => {
      if (typeof part === 'string') return part;
      const [logicalId, attribute] = (part as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'] ?? [];
      const fn = template.Resources[logicalId];
      if (fn?.Type !== 'AWS::Lambda::Function' || attribute !== 'Arn') throw new Error(`${id}'s definition refers to ${JSON.stringify(part)}: resolve it here`);
      return `arn:aws:lambda:sa-east-1:111122223333:function:${fn.Properties.FunctionName}`;
    }).join(''));
  }
  return { variables, definition };
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

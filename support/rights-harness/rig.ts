import { synthesize, localEnvironment, type Deployment } from './deployment';
import { FunctionProcess } from './function-process';
import { LocalStepFunctions } from './local-workflow';
import { EXPORT_BUCKET, RightsStores } from './rights-stores';
import type { DataSubjectRightsOptions } from '../../src';
import { MOTO_PORT, POSTGRES_PORT, REDIS_PORT, APP_DATABASE } from '../processor-harness/stores';

/** The request function's and the worker's names in the synthesized app. */
export const REQUESTS = 'lgpd-rights-dev-rights-requests';
export const WORKER = 'lgpd-rights-dev-rights-worker';
const STATE_MACHINE_ARN = 'arn:aws:states:sa-east-1:111122223333:stateMachine:lgpd-rights-dev-rights';

/**
 * Everything a rights test runs: the real stores, the app as synthesized, the request function and the
 * worker as bundled (each its own process, with the environment the construct set, pointed at the local
 * stand-ins), and the synthesized workflow run locally.
 */
export class RightsRig {
  static async start(stores: RightsStores, options: DataSubjectRightsOptions = {}): Promise<RightsRig> {
    const deployment = synthesize(options);
    let rig: RightsRig | undefined;
    const workflow = await LocalStepFunctions.start(deployment.definition, () => rig!.worker);
    rig = new RightsRig(stores, deployment, workflow);
    rig.worker = await FunctionProcess.start('rights-worker', rig.env(WORKER));
    rig.requests = await FunctionProcess.start('rights-requests', rig.env(REQUESTS));
    return rig;
  }

  worker!: FunctionProcess;
  requests!: FunctionProcess;
  /** Every function process this rig started (their logs are the captured logs). */
  readonly processes: FunctionProcess[] = [];

  private constructor(readonly stores: RightsStores, readonly deployment: Deployment, readonly workflow: LocalStepFunctions) {}

  /** A function's environment: as synthesized, with the local stand-ins. */
  env(functionName: string): Record<string, string> {
    const variables = this.deployment.variables[functionName];
    if (variables === undefined) throw new Error(`no function ${functionName} in the synthesized app`);
    return localEnvironment(variables, {
      databaseHost: '127.0.0.1',
      databasePort: String(POSTGRES_PORT),
      databaseName: APP_DATABASE,
      databaseSecretArn: this.stores.rightsSecretArn,
      cacheHost: '127.0.0.1',
      cachePort: String(REDIS_PORT),
      cacheAuthSecretArn: this.stores.cacheSecretArn,
      subjectKeySecretArn: this.stores.subjectKeySecretArn,
      exportBucket: EXPORT_BUCKET,
      stateMachineArn: STATE_MACHINE_ARN,
      caFile: this.stores.stores.bothCasFile,
      aws: {
        AWS_REGION: 'sa-east-1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${MOTO_PORT}`,
        AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${MOTO_PORT}`,
        AWS_ENDPOINT_URL_SFN: this.workflow.endpoint,
      },
    });
  }

  /** A new process of a function (a fresh execution environment). */
  async start(bundle: 'rights-worker' | 'rights-requests', functionName: string, overrides: Record<string, string> = {}): Promise<FunctionProcess> {
    const fn = await FunctionProcess.start(bundle, { ...this.env(functionName), ...overrides });
    this.processes.push(fn);
    return fn;
  }

  /** Submits a request and, for ACCESS and ERASE, waits for its workflow to end. */
  async submit(request: object): Promise<any> {
    const answer = await this.requests.invokeOk(request);
    if (typeof answer.requestId === 'string' && /^(access|erase)-/.test(answer.requestId) && answer.error === undefined) {
      await this.workflow.settled(answer.requestId);
    }
    return answer;
  }

  /** Every captured log line of every function this rig ran. */
  get logs(): string[] {
    return [this.worker, this.requests, ...this.processes].flatMap(p => p.logs);
  }

  async stop(): Promise<void> {
    await this.workflow.stop();
    await Promise.allSettled([this.worker, this.requests, ...this.processes].filter(p => p !== undefined).map(p => p.kill()));
  }
}

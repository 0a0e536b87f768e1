/**
 * The offline IAM simulator (@cloud-copilot/iam-simulate) asked the one question the rule
 * AlarmActionDeliverable's evaluator answers: does a resource policy let a service principal make a
 * request? The construct's tests have a fuller wrapper (templates, identity and endpoint policies);
 * this package needs only this.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';

/** The fixed environment of the requests. */
export const TEST_ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const TEST_REGION = 'sa-east-1';

/** The principal of the requests: CloudWatch delivering an alarm notification. */
export const CLOUDWATCH = 'cloudwatch.amazonaws.com';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** One request of a principal, judged by one resource policy. */
export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly resourcePolicy?: any;
}

/** What the simulator decides. Throws when it rejects the input (a malformed policy, say). */
export async function decide(request: Request): Promise<Decision> {
  const result = await runSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: TEST_ACCOUNT },
      contextVariables: request.context ?? {},
    },
    identityPolicies: [],
    resourcePolicy: request.resourcePolicy,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, {});
  if (result.resultType === 'error') {
    throw new Error(`iam-simulate rejected the request: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult as Decision;
}

/** ARNs in the test environment. */
export function arn(service: string, resource: string, region = TEST_REGION, account = TEST_ACCOUNT): string {
  return `arn:aws:${service}:${region}:${account}:${resource}`;
}

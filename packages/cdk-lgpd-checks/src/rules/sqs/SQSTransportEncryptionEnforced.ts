import { parse } from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnQueue, CfnQueuePolicy } from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance, NagRules } from 'cdk-nag/lib/nag-rules';
import { complianceOf, resolve } from '../helpers';

function deniesInsecureTransport(policy: CfnQueuePolicy): boolean {
  const document = resolve(policy, policy.policyDocument);
  const statements: any[] = Array.isArray(document?.Statement) ? document.Statement : [document?.Statement];
  return statements.some(s => {
    const actions = [s?.Action].flat();
    const principal = s?.Principal;
    const secure = s?.Condition?.Bool?.['aws:SecureTransport'];
    return s?.Effect === 'Deny'
      && actions.some(a => a === '*' || String(a).toLowerCase() === 'sqs:*')
      && (principal === '*' || [principal?.AWS].flat().includes('*'))
      && (secure === false || secure === 'false');
  });
}

/**
 * LGPD Art. 46 (security measures, data in transit): SQS queues have a queue policy that denies every
 * request not made over TLS (`aws:SecureTransport` false): what a pipeline's queues hold is personal
 * data or points at it.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnQueue)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const queue = NagRules.resolveResourceFromIntrinsic(node, node.ref);
    const policies = stack.node.findAll().filter((c): c is CfnQueuePolicy => c instanceof CfnQueuePolicy)
      .filter(p => resolve(p, p.queues).some((q: unknown) => NagRules.resolveResourceFromIntrinsic(p, q) === queue));
    return complianceOf(policies.some(deniesInsecureTransport));
  },
  'name',
  { value: parse(__filename).name },
);

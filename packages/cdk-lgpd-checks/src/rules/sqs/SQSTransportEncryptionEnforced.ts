import { parse } from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnQueue, CfnQueuePolicy } from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance, NagRules } from 'cdk-nag/lib/nag-rules';
import { complianceOf, deniesInsecureTransport, resolve } from '../helpers';

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
    return complianceOf(policies.some(p => deniesInsecureTransport(p, p.policyDocument, 'sqs')));
  },
  'name',
  { value: parse(__filename).name },
);

import { parse } from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnFlowLog, CfnVPC } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRules } from 'cdk-nag/lib/nag-rules';
import { complianceOf } from '../helpers';

/**
 * LGPD Art. 37 (records of processing): every VPC has a flow log that records all traffic (accepted and
 * rejected), the network audit trail of who reached the stores of personal data.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnVPC)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const vpc = NagRules.resolveResourceFromIntrinsic(node, node.ref);
    return complianceOf(stack.node.findAll().some(c => c instanceof CfnFlowLog
      && stack.resolve(c.resourceType) === 'VPC'
      && NagRules.resolveResourceFromIntrinsic(c, c.resourceId) === vpc
      && (stack.resolve(c.trafficType) ?? 'ALL') === 'ALL'));
  },
  'name',
  { value: parse(__filename).name },
);

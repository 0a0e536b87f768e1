import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, resolve } from '../helpers';

/**
 * LGPD Art. 16 (end of processing): CloudWatch Logs log groups have a retention period; without one,
 * CloudWatch Logs keeps every line forever.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnLogGroup)) return NagRuleCompliance.NOT_APPLICABLE;
    return complianceOf(resolve(node, node.retentionInDays) !== undefined);
  },
  'name',
  { value: parse(__filename).name },
);

import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isCustomerManagedKey } from '../helpers';

/**
 * LGPD Art. 46 (security measures): CloudWatch Logs log groups, which can carry personal data in log
 * lines, are encrypted with a customer-managed KMS key.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnLogGroup)) return NagRuleCompliance.NOT_APPLICABLE;
    return complianceOf(isCustomerManagedKey(node, node.kmsKeyId));
  },
  'name',
  { value: parse(__filename).name },
);

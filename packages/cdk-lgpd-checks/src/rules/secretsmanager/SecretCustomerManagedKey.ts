import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isCustomerManagedKey } from '../helpers';

/**
 * LGPD Art. 46 (security measures): Secrets Manager secrets, the credentials to stores of personal data,
 * are encrypted with a customer-managed KMS key rather than the AWS-managed aws/secretsmanager key.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnSecret)) return NagRuleCompliance.NOT_APPLICABLE;
    return complianceOf(isCustomerManagedKey(node, node.kmsKeyId));
  },
  'name',
  { value: parse(__filename).name },
);

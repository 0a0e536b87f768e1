import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnGlobalTable, CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isCustomerManagedKey, isTrue, resolve } from '../helpers';

/**
 * LGPD Art. 46 (security measures): DynamoDB tables, and every replica of a global table, are
 * encrypted with a customer-managed KMS key (not the AWS-owned default or the aws/dynamodb key).
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (node instanceof CfnTable) {
      const sse = resolve(node, node.sseSpecification);
      return complianceOf(isTrue(node, sse?.sseEnabled) && (sse?.sseType ?? 'KMS') === 'KMS'
        && isCustomerManagedKey(node, sse?.kmsMasterKeyId));
    }
    if (node instanceof CfnGlobalTable) {
      const sse = resolve(node, node.sseSpecification);
      const replicas = resolve(node, node.replicas);
      return complianceOf(isTrue(node, sse?.sseEnabled) && sse?.sseType === 'KMS' && Array.isArray(replicas)
        && replicas.every((r: any) => isCustomerManagedKey(node, r?.sseSpecification?.kmsMasterKeyId)));
    }
    return NagRuleCompliance.NOT_APPLICABLE;
  },
  'name',
  { value: parse(__filename).name },
);

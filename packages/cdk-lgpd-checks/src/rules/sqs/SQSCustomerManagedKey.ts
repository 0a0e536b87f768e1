import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isCustomerManagedKey } from '../helpers';

/**
 * LGPD Art. 46 (security measures): SQS queues are encrypted with a customer-managed KMS key. A queue
 * of a pipeline holds personal data (a quarantined record's payload) or where to find it (a failed
 * batch's shard and sequence numbers); SQS-managed encryption (SSE-SQS) or the AWS-managed
 * `alias/aws/sqs` key leaves its key policy, rotation and audit trail out of the owner's hands.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnQueue)) return NagRuleCompliance.NOT_APPLICABLE;
    return complianceOf(isCustomerManagedKey(node, node.kmsMasterKeyId));
  },
  'name',
  { value: parse(__filename).name },
);

import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isCustomerManagedKey, resolve } from '../helpers';

/**
 * LGPD Art. 46 (security measures): S3 buckets encrypt objects by default with a customer-managed KMS
 * key (SSE-KMS or DSSE-KMS with a key id), not with S3-managed keys or the AWS-managed aws/s3 key.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnBucket)) return NagRuleCompliance.NOT_APPLICABLE;
    const rules = resolve(node, node.bucketEncryption)?.serverSideEncryptionConfiguration;
    if (!Array.isArray(rules) || rules.length === 0) return NagRuleCompliance.NON_COMPLIANT;
    return complianceOf(rules.every((rule: any) => {
      const byDefault = resolve(node, rule.serverSideEncryptionByDefault);
      return ['aws:kms', 'aws:kms:dsse'].includes(String(byDefault?.sseAlgorithm).toLowerCase())
        && isCustomerManagedKey(node, byDefault?.kmsMasterKeyId);
    }));
  },
  'name',
  { value: parse(__filename).name },
);

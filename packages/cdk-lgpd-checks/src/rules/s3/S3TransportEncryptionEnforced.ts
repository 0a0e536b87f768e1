import { parse } from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnBucket, CfnBucketPolicy } from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance, NagRules } from 'cdk-nag/lib/nag-rules';
import { complianceOf, deniesInsecureTransport } from '../helpers';

/**
 * LGPD Art. 46 (security measures, data in transit): S3 buckets have a bucket policy that denies every
 * request not made over TLS (`aws:SecureTransport` false).
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnBucket)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const bucket = NagRules.resolveResourceFromIntrinsic(node, node.ref);
    const name = stack.resolve(node.bucketName);
    const policies = stack.node.findAll().filter((c): c is CfnBucketPolicy => c instanceof CfnBucketPolicy)
      .filter(p => {
        const target = NagRules.resolveResourceFromIntrinsic(p, p.bucket);
        return target === bucket || (name !== undefined && target === name);
      });
    return complianceOf(policies.some(p => deniesInsecureTransport(p, p.policyDocument, 's3')));
  },
  'name',
  { value: parse(__filename).name },
);

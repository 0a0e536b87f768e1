import { parse } from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnBucket, CfnBucketPolicy } from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance, NagRules } from 'cdk-nag/lib/nag-rules';
import { complianceOf, resolve } from '../helpers';

function deniesInsecureTransport(policy: CfnBucketPolicy): boolean {
  const document = resolve(policy, policy.policyDocument);
  const statements: any[] = Array.isArray(document?.Statement) ? document.Statement : [document?.Statement];
  return statements.some(s => {
    const actions = [s?.Action].flat();
    const principal = s?.Principal;
    const secure = s?.Condition?.Bool?.['aws:SecureTransport'];
    return s?.Effect === 'Deny'
      && actions.some(a => a === '*' || String(a).toLowerCase() === 's3:*')
      && (principal === '*' || [principal?.AWS].flat().includes('*'))
      && (secure === false || secure === 'false');
  });
}

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
    return complianceOf(policies.some(deniesInsecureTransport));
  },
  'name',
  { value: parse(__filename).name },
);

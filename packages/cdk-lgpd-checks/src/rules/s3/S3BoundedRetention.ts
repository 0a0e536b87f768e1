import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, resolve } from '../helpers';

/**
 * LGPD Art. 16 (end of processing): S3 buckets have an enabled lifecycle rule that expires objects
 * (after a number of days or on a date), so personal data is not kept beyond its purpose.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnBucket)) return NagRuleCompliance.NOT_APPLICABLE;
    const rules = resolve(node, node.lifecycleConfiguration)?.rules;
    return complianceOf(Array.isArray(rules) && rules.some((rule: any) =>
      rule?.status === 'Enabled' && (rule.expirationInDays !== undefined || rule.expirationDate !== undefined)));
  },
  'name',
  { value: parse(__filename).name },
);

import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnGlobalTable, CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isTrue, resolve } from '../helpers';

/**
 * LGPD Art. 16 (end of processing): DynamoDB tables have time to live enabled, so items holding
 * personal data expire once their purpose is served.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (node instanceof CfnTable || node instanceof CfnGlobalTable) {
      const ttl = resolve(node, node.timeToLiveSpecification);
      return complianceOf(isTrue(node, ttl?.enabled) && typeof ttl?.attributeName === 'string');
    }
    return NagRuleCompliance.NOT_APPLICABLE;
  },
  'name',
  { value: parse(__filename).name },
);

import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, resolve } from '../helpers';

/**
 * LGPD Art. 37 (records of processing): RDS instances and clusters export their database logs to
 * CloudWatch Logs, where they are kept as an audit trail of access to personal data.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (node instanceof CfnDBInstance) {
      if (node.dbClusterIdentifier !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
      const exports = resolve(node, node.enableCloudwatchLogsExports);
      return complianceOf(Array.isArray(exports) && exports.length > 0);
    }
    if (node instanceof CfnDBCluster) {
      const exports = resolve(node, node.enableCloudwatchLogsExports);
      return complianceOf(Array.isArray(exports) && exports.length > 0);
    }
    return NagRuleCompliance.NOT_APPLICABLE;
  },
  'name',
  { value: parse(__filename).name },
);

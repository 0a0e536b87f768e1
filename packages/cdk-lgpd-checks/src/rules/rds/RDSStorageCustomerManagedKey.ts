import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isCustomerManagedKey, isTrue } from '../helpers';

/**
 * LGPD Art. 46 (security measures): RDS instances and clusters encrypt their storage with a
 * customer-managed KMS key. Instances of a cluster inherit the cluster's encryption.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (node instanceof CfnDBInstance) {
      if (node.dbClusterIdentifier !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
      return complianceOf(isTrue(node, node.storageEncrypted) && isCustomerManagedKey(node, node.kmsKeyId));
    }
    if (node instanceof CfnDBCluster) {
      return complianceOf(isTrue(node, node.storageEncrypted) && isCustomerManagedKey(node, node.kmsKeyId));
    }
    return NagRuleCompliance.NOT_APPLICABLE;
  },
  'name',
  { value: parse(__filename).name },
);

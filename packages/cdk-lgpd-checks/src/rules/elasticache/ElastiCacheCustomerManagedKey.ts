import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnCacheCluster, CfnReplicationGroup, CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isCustomerManagedKey, isTrue } from '../helpers';

/**
 * LGPD Art. 46 (security measures): ElastiCache replication groups and serverless caches are encrypted
 * at rest with a customer-managed KMS key. A stand-alone cache cluster (AWS::ElastiCache::CacheCluster)
 * cannot be, so it does not pass.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (node instanceof CfnReplicationGroup) {
      return complianceOf(isTrue(node, node.atRestEncryptionEnabled) && isCustomerManagedKey(node, node.kmsKeyId));
    }
    if (node instanceof CfnServerlessCache) {
      return complianceOf(isCustomerManagedKey(node, node.kmsKeyId));
    }
    if (node instanceof CfnCacheCluster) {
      return NagRuleCompliance.NON_COMPLIANT;
    }
    return NagRuleCompliance.NOT_APPLICABLE;
  },
  'name',
  { value: parse(__filename).name },
);

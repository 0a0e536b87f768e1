import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnCacheCluster, CfnReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf, isTrue, resolve } from '../helpers';

/**
 * LGPD Art. 46 (security measures, data in transit): ElastiCache replication groups and stand-alone
 * cache clusters require TLS (`TransitEncryptionEnabled`, and not the `preferred` migration mode that
 * still accepts plain connections). Serverless caches always require TLS.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (node instanceof CfnReplicationGroup) {
      return complianceOf(isTrue(node, node.transitEncryptionEnabled) && resolve(node, node.transitEncryptionMode) !== 'preferred');
    }
    if (node instanceof CfnCacheCluster) {
      return complianceOf(isTrue(node, node.transitEncryptionEnabled));
    }
    return NagRuleCompliance.NOT_APPLICABLE;
  },
  'name',
  { value: parse(__filename).name },
);

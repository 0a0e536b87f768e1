import { parse } from 'path';
import { CfnResource, TagManager } from 'aws-cdk-lib';
import { CfnCacheCluster, CfnReplicationGroup, CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { complianceOf } from '../helpers';

/**
 * The tag that names a store's erasure path. Written here, apart from the constructs (this pack imports
 * nothing from them); LgpdDataPipeline's data-subject rights set the same key (src/private/tags.ts), and
 * a test checks the two match.
 */
export const ERASURE_PATH_TAG = 'lgpd:erasure-path';

/** The databases and caches, where a data subject's records are kept and must be erasable. */
const STORES = [CfnDBInstance, CfnDBCluster, CfnReplicationGroup, CfnServerlessCache, CfnCacheCluster];

/**
 * LGPD Art. 18 (the data subject's rights: access, correction, anonymization, blocking or deletion): every
 * RDS database and ElastiCache cache, where personal data is kept, has an erasure path, a process that
 * finds and erases one subject's data in it. The store declares it with the tag `lgpd:erasure-path`,
 * naming that process (LgpdDataPipeline's `addDataSubjectRights` sets it to its workflow). A DB instance
 * of an Aurora cluster is judged by its cluster.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!STORES.some(type => node instanceof type)) return NagRuleCompliance.NOT_APPLICABLE;
    if (node instanceof CfnDBInstance && node.dbClusterIdentifier !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const value = TagManager.of(node)?.tagValues()[ERASURE_PATH_TAG];
    return complianceOf(typeof value === 'string' && value.trim() !== '');
  },
  'name',
  { value: parse(__filename).name },
);

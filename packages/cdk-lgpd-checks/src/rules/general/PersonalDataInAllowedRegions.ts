import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { CfnGlobalTable, CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnCacheCluster, CfnReplicationGroup, CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import { CfnStream } from 'aws-cdk-lib/aws-kinesis';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { resolve } from '../helpers';

/** The CloudFormation resources that store personal data, which this rule keeps in allowed regions. */
const DATA_STORES = [CfnStream, CfnDBInstance, CfnDBCluster, CfnReplicationGroup, CfnCacheCluster, CfnServerlessCache,
  CfnBucket, CfnTable, CfnGlobalTable, CfnLogGroup, CfnSecret];

/**
 * LGPD Art. 33 (international transfer): resources that store personal data live only in the allowed
 * regions. The stack must name its region (an env-agnostic stack cannot be checked and does not pass),
 * and every replica of a DynamoDB global table must be in an allowed region too.
 * @param allowedRegions the regions where personal data may be stored
 */
export function personalDataInAllowedRegions(allowedRegions: string[]): (node: CfnResource) => NagRuleCompliance {
  return Object.defineProperty(
    (node: CfnResource): NagRuleCompliance => {
      if (!DATA_STORES.some(type => node instanceof type)) return NagRuleCompliance.NOT_APPLICABLE;
      const regions: unknown[] = [Stack.of(node).region];
      if (node instanceof CfnGlobalTable) {
        const replicas = resolve(node, node.replicas);
        for (const replica of Array.isArray(replicas) ? replicas : []) regions.push(replica?.region);
      }
      const allowed = regions.every(r => typeof r === 'string' && !Token.isUnresolved(r) && allowedRegions.includes(r));
      return allowed ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    },
    'name',
    { value: 'PersonalDataInAllowedRegions' },
  );
}

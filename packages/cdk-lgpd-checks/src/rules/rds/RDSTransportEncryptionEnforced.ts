import { parse } from 'path';
import { CfnResource } from 'aws-cdk-lib';
import { CfnDBCluster, CfnDBClusterParameterGroup, CfnDBInstance, CfnDBParameterGroup } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance } from 'cdk-nag/lib/nag-rules';
import { IConstruct } from 'constructs';
import { complianceOf, referencedResource, resolve } from '../helpers';

/** The parameter that refuses unencrypted connections, and its accepted values, per engine. */
function tlsParameter(engine: string): { name: string; values: string[] } | undefined {
  if (/postgres|sqlserver/.test(engine)) return { name: 'rds.force_ssl', values: ['1', 'true', 'on'] };
  if (/mysql|mariadb/.test(engine)) return { name: 'require_secure_transport', values: ['1', 'on', 'true'] };
  return undefined;
}

function enforces(node: CfnResource, parameters: unknown, parameter: { name: string; values: string[] }): boolean {
  const value = resolve(node, parameters)?.[parameter.name];
  return value !== undefined && parameter.values.includes(String(value).toLowerCase());
}

/**
 * LGPD Art. 46 (security measures, data in transit): RDS PostgreSQL, MySQL, MariaDB and SQL Server
 * instances, and Aurora clusters, refuse unencrypted connections through their parameter group
 * (`rds.force_ssl` or `require_secure_transport`). A default parameter group does not enforce TLS.
 * Other engines (Oracle, Db2) configure TLS through option groups and are not applicable.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (node instanceof CfnDBInstance) {
      if (node.dbClusterIdentifier !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
      const parameter = tlsParameter(String(resolve(node, node.engine) ?? ''));
      if (!parameter) return NagRuleCompliance.NOT_APPLICABLE;
      const group = referencedResource(node, node.dbParameterGroupName,
        (c: IConstruct): c is CfnDBParameterGroup => c instanceof CfnDBParameterGroup, g => g.dbParameterGroupName);
      return complianceOf(group !== undefined && enforces(group, group.parameters, parameter));
    }
    if (node instanceof CfnDBCluster) {
      const parameter = tlsParameter(String(resolve(node, node.engine) ?? ''));
      if (!parameter) return NagRuleCompliance.NOT_APPLICABLE;
      const group = referencedResource(node, node.dbClusterParameterGroupName,
        (c: IConstruct): c is CfnDBClusterParameterGroup => c instanceof CfnDBClusterParameterGroup, g => g.dbClusterParameterGroupName);
      return complianceOf(group !== undefined && enforces(group, group.parameters, parameter));
    }
    return NagRuleCompliance.NOT_APPLICABLE;
  },
  'name',
  { value: parse(__filename).name },
);

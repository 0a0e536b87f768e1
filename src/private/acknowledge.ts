import { CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from './validation';

/**
 * Acknowledges a cdk-nag finding on one construct (and the resources below it), with the reason a
 * security reviewer reads.
 *
 * `Validations.of(scope).acknowledge()` refuses ids with more than one `::`, which granular findings
 * such as `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/...]` have. For those the
 * same record is written directly under `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`, the metadata
 * entry cdk-nag (and any other validation plugin) reads.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (id.split('::').length <= 2) {
    Validations.of(scope).acknowledge({ id, reason });
  } else {
    scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
  }
}


/**
 * Suppresses a checkov check on one resource, with its reason, in the form checkov reads from a
 * CloudFormation template: `Metadata: { checkov: { skip: [{ id, comment }] } }` (listed in
 * docs/first-deploy.md, checkov).
 */
export function acknowledgeCheckov(resource: CfnResource, id: string, reason: string): void {
  const existing = resource.getMetadata('checkov')?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, { id, comment: reason }] });
}

/** The cdk-nag packs that name their rules alike (`<pack>-<rule>`): HIPAA Security and NIST 800-53 rev 5. */
export const HIPAA_NIST: readonly string[] = ['HIPAA.Security', 'NIST.800.53.R5'];
/** HIPAA Security, NIST 800-53 rev 5 and PCI DSS 3.2.1. */
export const HIPAA_NIST_PCI: readonly string[] = [...HIPAA_NIST, 'PCI.DSS.321'];

/**
 * Acknowledges one rule that several packs share by name (`HIPAA.Security-LambdaConcurrency`,
 * `NIST.800.53.R5-LambdaConcurrency`, ...) with one reason, and the same finding of checkov if given.
 */
export function acknowledgeInPacks(scope: IConstruct, packs: readonly string[], rule: string, reason: string, checkov?: string): void {
  for (const pack of packs) acknowledge(scope, `${pack}-${rule}`, reason);
  if (checkov !== undefined) {
    // checkov reads the template: the suppression goes on the resource itself.
    acknowledgeCheckov(CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild as CfnResource, checkov, reason);
  }
}

/**
 * Acknowledges one finding, of cdk-nag (any rule id, granular ones included) or of checkov (`CKV_...`,
 * on the resource itself or the construct's default child): `ILgpdDataPipeline.acknowledge`.
 */
export function acknowledgeFinding(scope: IConstruct, ruleId: string, reason: string): void {
  if (!/^CKV2?_/.test(ruleId)) {
    acknowledge(scope, ruleId, reason);
    return;
  }
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  if (!CfnResource.isCfnResource(resource)) {
    fail('acknowledge scope', scope.node.path, `must be a CloudFormation resource, or a construct whose default child is one, for the checkov check ${ruleId}`);
  }
  acknowledgeCheckov(resource, ruleId, reason);
}

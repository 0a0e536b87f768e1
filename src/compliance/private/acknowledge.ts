import { CfnResource, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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

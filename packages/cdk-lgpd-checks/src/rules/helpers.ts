import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRules } from 'cdk-nag/lib/nag-rules';
import { IConstruct } from 'constructs';

/** Resolves a property of a resource (tokens included) to its plain value. */
export function resolve(node: CfnResource, value: unknown): any {
  return Stack.of(node).resolve(value);
}

/**
 * Whether a resource policy (a bucket's, a queue's) has the statement that refuses requests without TLS:
 * Deny, every principal, every action of `service` (or `*`), when `aws:SecureTransport` is false.
 */
export function deniesInsecureTransport(policy: CfnResource, policyDocument: unknown, service: string): boolean {
  const document = resolve(policy, policyDocument);
  const statements: any[] = Array.isArray(document?.Statement) ? document.Statement : [document?.Statement];
  return statements.some(s => {
    const actions = [s?.Action].flat();
    const principal = s?.Principal;
    const secure = s?.Condition?.Bool?.['aws:SecureTransport'];
    return s?.Effect === 'Deny'
      && actions.some(a => a === '*' || String(a).toLowerCase() === `${service}:*`)
      && (principal === '*' || [principal?.AWS].flat().includes('*'))
      && (secure === false || secure === 'false');
  });
}

/** COMPLIANT when `ok`, else NON_COMPLIANT. */
export function complianceOf(ok: boolean): NagRuleCompliance {
  return ok ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

/** Whether a key reference names a customer-managed key (not absent, not an `alias/aws/...` AWS-managed key). */
export function isCustomerManagedKey(node: CfnResource, keyId: unknown): boolean {
  const resolved = resolve(node, keyId);
  if (resolved === undefined || resolved === null || resolved === '') return false;
  return !(typeof resolved === 'string' && /(^|:)alias\/aws\//.test(resolved));
}

/** True, 'true' or 1 as CloudFormation reads a boolean. */
export function isTrue(node: CfnResource, value: unknown): boolean {
  const resolved = resolve(node, value);
  return resolved === true || resolved === 'true' || resolved === 1 || resolved === '1';
}

/** The resource in the same stack that `reference` ({ Ref } / { Fn::GetAtt } / a name) points at. */
export function referencedResource<T extends CfnResource>(node: CfnResource, reference: unknown,
  isType: (c: IConstruct) => c is T, nameOf: (r: T) => unknown): T | undefined {
  if (reference === undefined) return undefined;
  const target = NagRules.resolveResourceFromIntrinsic(node, reference);
  const stack = Stack.of(node);
  return stack.node.findAll().filter(isType).find(r => {
    if (stack.resolve(r.logicalId) === target) return true;
    const name = stack.resolve(nameOf(r));
    return name !== undefined && !Token.isUnresolved(name) && name === target;
  });
}

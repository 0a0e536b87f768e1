import { Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { acknowledge } from './acknowledge';
import { ManagedPolicyPrincipal } from './policy-principal';

/** Whether the grantee's principal is known to be of the account of `scope`'s stack. */
export function isSameAccount(grantee: iam.IGrantable, scope: IConstruct): boolean {
  const account = grantee.grantPrincipal.principalAccount;
  const stackAccount = Stack.of(scope).account;
  return account !== undefined
    && (account === stackAccount || Token.compareStrings(account, stackAccount) === TokenComparison.SAME);
}

/**
 * Key actions for one AWS service only (`kms:ViaService`): a grantee of the stream can use the key
 * through Kinesis, not call KMS directly with it. In the grantee's policy; for a grantee of another
 * account in the key policy too, with the same condition.
 */
export function grantKeyViaService(grantee: iam.IGrantable, key: kms.IKey, service: string, ...actions: string[]): iam.Grant {
  return iam.Grant.addToPrincipalOrResource({
    grantee,
    actions,
    resourceArns: [key.keyArn],
    resource: key,
    conditions: { StringEquals: { 'kms:ViaService': `${service}.${Stack.of(key).region}.amazonaws.com` } },
  });
}

/**
 * `kms:Decrypt` on the key for Secrets Manager only, in the principal's own policy (a principal of the
 * key's account needs no key policy statement, so the key does not wait for the principal's role).
 */
export function decryptViaSecretsManager(grantee: iam.IGrantable, key: kms.IKey): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['kms:Decrypt'],
    resourceArns: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(key).region}.amazonaws.com` } },
  });
}

/** A secret grantees may read, and how the policy of a principal of the same account names it. */
export interface ReadableSecret {
  /** The secret; principals of another account are granted it through its own `grantRead`. */
  readonly secret: secretsmanager.ISecret;
  /**
   * The resource a same-account statement names instead of the secret's ARN (when that ARN exists only
   * once another resource does), with the conditions that narrow it to the one secret.
   */
  readonly sameAccount?: {
    readonly resourceArn: string;
    readonly conditions: Record<string, Record<string, unknown>>;
    /** Why the wildcard in `resourceArn` is one secret: acknowledged as AwsSolutions-IAM5 on the grantee's policy. */
    readonly wildcardReason: string;
  };
}

/**
 * The pipeline's one way of granting secrets: `secretsmanager:GetSecretValue` and `DescribeSecret`, and
 * decrypting with the key through Secrets Manager only.
 *
 * A principal of this account gets every permission in its own policy, so the key policy does not grow
 * with each grantee and the key does not wait for the grantee's role at deploy time. A principal of
 * another account also needs the key policy, which the secrets' own grants and the key's grant edit.
 */
export function grantSecretsRead(grantee: iam.IGrantable, key: kms.IKey, secrets: ReadableSecret[]): iam.Grant {
  if (!isSameAccount(grantee, key)) {
    return secrets
      .map(({ secret }) => secret.grantRead(grantee).combine(key.grantDecrypt(grantee)))
      .reduce((a, b) => a.combine(b));
  }
  const grants = secrets.map(({ secret, sameAccount }) => {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resourceArns: [sameAccount?.resourceArn ?? secret.secretArn],
      conditions: sameAccount?.conditions,
    });
    // After the grant: the principal's default policy exists only once a statement is added to it.
    if (sameAccount) acknowledgeWildcard(grantee, sameAccount.resourceArn, sameAccount.wildcardReason);
    return grant;
  });
  return [...grants, decryptViaSecretsManager(grantee, key)].reduce((a, b) => a.combine(b));
}

/**
 * AwsSolutions-IAM5 reads a `*` in a resource as a wildcard grant. Acknowledged for that one resource
 * string on the grantee's own default policy when it has one (a Role, User or Group); other principals'
 * owners acknowledge it where their policy is.
 */
function acknowledgeWildcard(grantee: iam.IGrantable, resourceArn: string, reason: string): void {
  const principal = grantee.grantPrincipal;
  const policy = principal instanceof ManagedPolicyPrincipal ? principal.policy
    : Construct.isConstruct(principal) ? principal.node.tryFindChild('DefaultPolicy') : undefined;
  if (!policy) return;
  // cdk-nag writes the finding with the ARN as CloudFormation shows it, pseudo parameters in <...>.
  const stack = Stack.of(policy);
  const shown = stack.resolve(resourceArn);
  const text = typeof shown === 'string' ? shown : (shown['Fn::Join'][1] as unknown[])
    .map(part => typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`).join('');
  acknowledge(policy, `AwsSolutions-IAM5[Resource::${text}]`, reason);
}

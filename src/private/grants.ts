import { Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';

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

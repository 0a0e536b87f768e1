import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { findingsOf } from './util';

describe('SecretCustomerManagedKey (Art. 46)', () => {
  test('flags a secret on the AWS-managed key; passes one on a customer key', () => {
    expect(findingsOf('SecretCustomerManagedKey', stack => {
      new secretsmanager.Secret(stack, 'Default');
      new secretsmanager.CfnSecret(stack, 'AwsAlias', { kmsKeyId: 'alias/aws/secretsmanager' });
      new secretsmanager.Secret(stack, 'Customer', { encryptionKey: new kms.Key(stack, 'Key') });
    })).toEqual(['LGPD-SecretCustomerManagedKey AwsAlias', 'LGPD-SecretCustomerManagedKey Default/Resource']);
  });
});

import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { findingsOf } from './util';

describe('SQSCustomerManagedKey (Art. 46)', () => {
  test('flags SQS-managed and AWS-managed KMS encryption; passes a customer key', () => {
    expect(findingsOf('SQSCustomerManagedKey', stack => {
      new sqs.Queue(stack, 'SqsManaged');
      new sqs.Queue(stack, 'AwsKms', { encryption: sqs.QueueEncryption.KMS_MANAGED });
      new sqs.Queue(stack, 'Customer', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: new kms.Key(stack, 'Key') });
    })).toEqual(['LGPD-SQSCustomerManagedKey AwsKms/Resource', 'LGPD-SQSCustomerManagedKey SqsManaged/Resource']);
  });
});

describe('SQSTransportEncryptionEnforced (Art. 46, in transit)', () => {
  test('flags a queue without a deny-insecure-transport policy, or with one that denies only some actions; passes enforceSSL', () => {
    expect(findingsOf('SQSTransportEncryptionEnforced', stack => {
      new sqs.Queue(stack, 'Open');
      const partial = new sqs.Queue(stack, 'Partial');
      partial.addToResourcePolicy(new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['sqs:SendMessage'],
        principals: [new iam.AnyPrincipal()],
        resources: [partial.queueArn],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
      new sqs.Queue(stack, 'TlsOnly', { enforceSSL: true });
    })).toEqual(['LGPD-SQSTransportEncryptionEnforced Open/Resource', 'LGPD-SQSTransportEncryptionEnforced Partial/Resource']);
  });
});

import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { findingsOf } from './util';

describe('S3CustomerManagedKey (Art. 46)', () => {
  test('flags S3-managed and AWS-managed KMS encryption; passes a customer key', () => {
    expect(findingsOf('S3CustomerManagedKey', stack => {
      new s3.Bucket(stack, 'S3Managed');
      new s3.Bucket(stack, 'AwsKms', { encryption: s3.BucketEncryption.KMS_MANAGED });
      new s3.Bucket(stack, 'Customer', { encryptionKey: new kms.Key(stack, 'Key') });
    })).toEqual(['LGPD-S3CustomerManagedKey AwsKms/Resource', 'LGPD-S3CustomerManagedKey S3Managed/Resource']);
  });
});

describe('S3TransportEncryptionEnforced (Art. 46, in transit)', () => {
  test('flags a bucket without a deny-insecure-transport policy; passes enforceSSL', () => {
    expect(findingsOf('S3TransportEncryptionEnforced', stack => {
      new s3.Bucket(stack, 'Open');
      new s3.Bucket(stack, 'TlsOnly', { enforceSSL: true });
    })).toEqual(['LGPD-S3TransportEncryptionEnforced Open/Resource']);
  });
});

describe('S3BoundedRetention (Art. 16)', () => {
  test('flags a bucket that keeps objects forever; passes one with an expiration rule', () => {
    expect(findingsOf('S3BoundedRetention', stack => {
      new s3.Bucket(stack, 'Forever');
      new s3.Bucket(stack, 'Expiring', { lifecycleRules: [{ expiration: Duration.days(365) }] });
    })).toEqual(['LGPD-S3BoundedRetention Forever/Resource']);
  });
});

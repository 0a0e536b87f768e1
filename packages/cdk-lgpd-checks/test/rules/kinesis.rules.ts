import { Validations } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { findingsOf, lgpdFindings } from './util';

describe('KinesisStreamCustomerManagedKey (Art. 46)', () => {
  test('flags a plain unencrypted Kinesis stream', () => {
    const found = lgpdFindings(stack => {
      new kinesis.CfnStream(stack, 'Plain', { shardCount: 1 });
    });
    expect(found).toContain('LGPD-KinesisStreamCustomerManagedKey Plain');
  });

  test('flags a stream encrypted with the AWS-managed key', () => {
    expect(findingsOf('KinesisStreamCustomerManagedKey', stack => {
      new kinesis.Stream(stack, 'Managed', { encryption: kinesis.StreamEncryption.MANAGED });
    })).toEqual(['LGPD-KinesisStreamCustomerManagedKey Managed/Resource']);
  });

  test('passes a stream encrypted with a customer-managed key', () => {
    expect(findingsOf('KinesisStreamCustomerManagedKey', stack => {
      new kinesis.Stream(stack, 'Encrypted', { encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    })).toEqual([]);
  });
});

describe('acknowledging an LgpdChecks rule', () => {
  test('a finding acknowledged on its construct is not reported; the same finding elsewhere still is', () => {
    expect(findingsOf('KinesisStreamCustomerManagedKey', stack => {
      const acknowledged = new kinesis.Stream(stack, 'Acknowledged', { encryption: kinesis.StreamEncryption.MANAGED });
      Validations.of(acknowledged).acknowledge({ id: 'LGPD-KinesisStreamCustomerManagedKey', reason: 'test data only' });
      new kinesis.Stream(stack, 'Other', { encryption: kinesis.StreamEncryption.MANAGED });
    })).toEqual(['LGPD-KinesisStreamCustomerManagedKey Other/Resource']);
  });
});

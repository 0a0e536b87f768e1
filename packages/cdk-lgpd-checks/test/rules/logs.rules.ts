import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { findingsOf } from './util';

describe('LogGroupCustomerManagedKey (Art. 46)', () => {
  test('flags an unencrypted log group; passes one encrypted with a customer key', () => {
    expect(findingsOf('LogGroupCustomerManagedKey', stack => {
      new logs.LogGroup(stack, 'Plain');
      new logs.LogGroup(stack, 'Encrypted', { encryptionKey: new kms.Key(stack, 'Key') });
    })).toEqual(['LGPD-LogGroupCustomerManagedKey Plain/Resource']);
  });
});

describe('LogGroupBoundedRetention (Art. 16)', () => {
  test('flags a log group that never expires; passes one with a retention', () => {
    expect(findingsOf('LogGroupBoundedRetention', stack => {
      new logs.LogGroup(stack, 'Forever', { retention: logs.RetentionDays.INFINITE });
      new logs.LogGroup(stack, 'OneYear', { retention: logs.RetentionDays.ONE_YEAR });
    })).toEqual(['LGPD-LogGroupBoundedRetention Forever/Resource']);
  });
});

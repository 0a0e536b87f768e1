import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { findingsOf } from './util';

const stream = (stack: Stack) => new kinesis.Stream(stack, 'Stream', { encryptionKey: new kms.Key(stack, 'Key') });

describe('PersonalDataInAllowedRegions (Art. 33)', () => {
  test('flags a resource outside the allowed regions', () => {
    expect(findingsOf('PersonalDataInAllowedRegions', stream, { region: 'us-east-1' }))
      .toEqual(['LGPD-PersonalDataInAllowedRegions Stream/Resource']);
  });

  test('passes sa-east-1 by default, and another region once it is allowed', () => {
    expect(findingsOf('PersonalDataInAllowedRegions', stream)).toEqual([]);
    expect(findingsOf('PersonalDataInAllowedRegions', stream, { region: 'us-east-1', props: { allowedRegions: ['sa-east-1', 'us-east-1'] } })).toEqual([]);
  });

  test('flags a data store in an env-agnostic stack, whose region cannot be checked', () => {
    expect(findingsOf('PersonalDataInAllowedRegions', stream, { region: null }))
      .toEqual(['LGPD-PersonalDataInAllowedRegions Stream/Resource']);
  });

  test('flags a global table with a replica outside the allowed regions', () => {
    expect(findingsOf('PersonalDataInAllowedRegions', stack => {
      new dynamodb.TableV2(stack, 'Global', {
        partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
        replicas: [{ region: 'us-east-1' }],
      });
    })).toEqual(['LGPD-PersonalDataInAllowedRegions Global/Resource']);
  });

  test('ignores resources that hold no personal data (a KMS key, a VPC)', () => {
    expect(findingsOf('PersonalDataInAllowedRegions', stack => { new kms.Key(stack, 'Key'); }, { region: 'us-east-1' })).toEqual([]);
  });
});

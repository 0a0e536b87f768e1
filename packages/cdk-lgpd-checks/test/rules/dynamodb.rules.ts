import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { findingsOf } from './util';

const partitionKey = { name: 'id', type: dynamodb.AttributeType.STRING };

describe('DynamoDBCustomerManagedKey (Art. 46)', () => {
  test('flags the AWS-owned default and the AWS-managed key; passes a customer key', () => {
    expect(findingsOf('DynamoDBCustomerManagedKey', stack => {
      new dynamodb.Table(stack, 'Default', { partitionKey });
      new dynamodb.Table(stack, 'AwsManaged', { partitionKey, encryption: dynamodb.TableEncryption.AWS_MANAGED });
      new dynamodb.Table(stack, 'Customer', { partitionKey, encryptionKey: new kms.Key(stack, 'Key'), encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED });
    })).toEqual(['LGPD-DynamoDBCustomerManagedKey AwsManaged/Resource', 'LGPD-DynamoDBCustomerManagedKey Default/Resource']);
  });
});

describe('DynamoDBBoundedRetention (Art. 16)', () => {
  test('flags a table without time to live; passes one with it', () => {
    expect(findingsOf('DynamoDBBoundedRetention', stack => {
      new dynamodb.Table(stack, 'Forever', { partitionKey });
      new dynamodb.Table(stack, 'Expiring', { partitionKey, timeToLiveAttribute: 'expiresAt' });
    })).toEqual(['LGPD-DynamoDBBoundedRetention Forever/Resource']);
  });
});

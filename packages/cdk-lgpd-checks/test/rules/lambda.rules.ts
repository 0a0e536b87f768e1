import { Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { findingsOf } from './util';

/** A stream consumer: a function and its Kinesis event source mapping, with the given failure destination. */
function consumer(scope: Construct, onFailure?: (scope: Construct) => lambda.IEventSourceDlq): void {
  const key = new kms.Key(scope, 'StreamKey', { enableKeyRotation: true });
  const stream = new kinesis.Stream(scope, 'Stream', { encryptionKey: key });
  const fn = new lambda.Function(scope, 'Consumer', {
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  new lambda.EventSourceMapping(scope, 'Source', {
    target: fn,
    eventSourceArn: stream.streamArn,
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    retryAttempts: 3,
    maxRecordAge: Duration.hours(1),
    onFailure: onFailure?.(scope),
  });
}

describe('StreamConsumerFailedRecordsEncrypted (Art. 46)', () => {
  test('flags a stream consumer with no on-failure destination', () => {
    expect(findingsOf('StreamConsumerFailedRecordsEncrypted', stack => consumer(stack)))
      .toEqual(['LGPD-StreamConsumerFailedRecordsEncrypted Source/Resource']);
  });

  test('flags a destination queue encrypted with the AWS-managed SQS key', () => {
    expect(findingsOf('StreamConsumerFailedRecordsEncrypted', stack => consumer(stack,
      s => new SqsDlq(new sqs.Queue(s, 'Failed', { encryption: sqs.QueueEncryption.SQS_MANAGED })))))
      .toEqual(['LGPD-StreamConsumerFailedRecordsEncrypted Source/Resource']);
  });

  test('passes a destination queue encrypted with a customer-managed key', () => {
    expect(findingsOf('StreamConsumerFailedRecordsEncrypted', stack => consumer(stack,
      s => new SqsDlq(new sqs.Queue(s, 'Failed', { encryptionMasterKey: new kms.Key(s, 'QueueKey', { enableKeyRotation: true }) })))))
      .toEqual([]);
  });

  test('does not judge an event source that is not a stream (an SQS queue)', () => {
    expect(findingsOf('StreamConsumerFailedRecordsEncrypted', stack => {
      const fn = new lambda.Function(stack, 'Worker', {
        runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
      });
      new lambda.EventSourceMapping(stack, 'Source', { target: fn, eventSourceArn: new sqs.Queue(stack, 'Work').queueArn });
    })).toEqual([]);
  });
});

import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { build, synth } from './util';

describe('stream', () => {
  const { template } = synth({ environmentSuffix: 'dev' });

  test('encrypted with the pipeline key, one shard, 24 h retention, named with the suffix', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'lgpd-transactions-dev',
      ShardCount: 1,
      RetentionPeriodHours: 24,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineKey'), 'Arn'] } },
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
  });

  test('shard count and retention are configurable', () => {
    synth({ environmentSuffix: 'dev', shardCount: 4, streamRetention: Duration.days(7) }).template
      .hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 4, RetentionPeriodHours: 168 });
  });

  test('on-demand mode has no shard count', () => {
    synth({ environmentSuffix: 'dev', streamMode: kinesis.StreamMode.ON_DEMAND }).template
      .hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: Match.absent(), StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
  });

  test('grantWrite covers the stream and encrypting with the key', () => {
    const { stack, pipeline } = build({ environmentSuffix: 'dev' });
    const role = new iam.Role(stack, 'Producer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    pipeline.grantWrite(role);
    const doc = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(doc).toContain('kinesis:PutRecord');
    expect(doc).toContain('"kms:GenerateDataKey"');
    expect(doc).not.toContain('kms:GenerateDataKey*');
    expect(doc).not.toContain('kinesis:GetRecords');
  });

  test('grantRead covers the stream and decrypting with the key', () => {
    const { stack, pipeline } = build({ environmentSuffix: 'dev' });
    const role = new iam.Role(stack, 'Consumer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    pipeline.grantRead(role);
    const doc = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(doc).toContain('kinesis:GetRecords');
    expect(doc).toContain('kms:Decrypt');
    expect(doc).not.toContain('kinesis:PutRecord');
  });
});

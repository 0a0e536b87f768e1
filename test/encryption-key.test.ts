import { only, synth } from './util';

describe('encryption key', () => {
  const { template } = synth({ environmentSuffix: 'dev' });

  test('one customer-managed key with rotation and an alias carrying the suffix', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/lgpd-pipeline-dev' });
  });

  test('the key policy lets CloudWatch Logs use the key only for log groups of this account and region', () => {
    const statements = only(template, 'AWS::KMS::Key').Properties.KeyPolicy.Statement;
    const logs = statements.find((s: any) => s.Sid === 'AllowCloudWatchLogsForThisAccountLogGroups');
    expect(logs.Principal.Service).toBe('logs.sa-east-1.amazonaws.com');
    expect(JSON.stringify(logs.Condition.ArnLike)).toContain(':log-group:*');
  });

  test('no statement grants the key to everyone', () => {
    const statements = only(template, 'AWS::KMS::Key').Properties.KeyPolicy.Statement;
    for (const s of statements) {
      expect(s.Principal).not.toEqual('*');
      expect(s.Principal).not.toEqual({ AWS: '*' });
    }
  });

  test('the key is retained by default, except when the create that made it rolls back', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::KMS::Key', { PendingWindowInDays: 30 });
  });
});

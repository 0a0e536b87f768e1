/**
 * The integration cases, checked without deploying: the `default` case (and `bring-your-own`) must
 * leave nothing behind when integ-runner destroys them, `production` must keep its data, and every
 * case's assertion stack must carry the post-deploy assertions.
 *
 * The stacks come from test/integ-helpers/cases.ts, the same code the integ apps run.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { addPipelineAssertions } from './integ-helpers/assertions';
import { assertionStack, bringYourOwnCaseStacks, defaultCaseStack, productionCaseStack } from './integ-helpers/cases';

/**
 * Functions allowed to log to a log group the stack does not own: none. (aws-cdk-lib's provider behind
 * `restrictDefaultSecurityGroup` used to be one; the pipeline now closes the default security group
 * with its own function, src/private/default-security-group.ts, which logs to a log group it creates.)
 */
const KNOWN_UNMANAGED_LOG_GROUPS: RegExp[] = [];

const KEEPING = ['Retain', 'RetainExceptOnCreate', 'Snapshot'];

/** Everything in a template that would outlive `cdk destroy`, one line per finding. */
export function leftovers(template: Template): string[] {
  const found: string[] = [];
  const resources: Record<string, any> = template.toJSON().Resources ?? {};
  const logGroups = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
  const logGroupIds = new Set(logGroups.map(([id]) => id));
  // A function also logs to a log group of the stack when that group is named /aws/lambda/<function>.
  const functionsWithNamedGroup = new Set(logGroups
    .map(([, r]) => r.Properties?.LogGroupName?.['Fn::Join']?.[1])
    .filter(parts => parts?.[0] === '/aws/lambda/' && parts[1]?.Ref)
    .map(parts => parts[1].Ref));
  for (const [id, r] of Object.entries(resources)) {
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy']) {
      if (KEEPING.includes(r[policy])) found.push(`${id} (${r.Type}) has ${policy} ${r[policy]}`);
    }
    if (r.Properties?.DeletionProtection === true || r.Properties?.DeletionProtectionEnabled === true) {
      found.push(`${id} (${r.Type}) has deletion protection`);
    }
    if (r.Type === 'AWS::Lambda::Function' && !KNOWN_UNMANAGED_LOG_GROUPS.some(re => re.test(id))) {
      const ref = r.Properties?.LoggingConfig?.LogGroup?.Ref;
      if (!(ref && logGroupIds.has(ref)) && !functionsWithNamedGroup.has(id)) {
        found.push(`${id} (${r.Type}) logs to a log group the stack does not own`);
      }
    }
  }
  return found;
}

function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

// Each case is synthesized once for the whole file.
const defaultApp = new App();
const defaultStack = defaultCaseStack(defaultApp);
const defaultAssertStack = assertionStack(defaultApp, 'Assertions');
addPipelineAssertions(new IntegTest(defaultApp, 'Case', { testCases: [defaultStack], assertionStack: defaultAssertStack }),
  defaultStack, { clusterMode: false, multiAzDatabase: true, deletionProtection: false, ownsVpc: true });
const defaultTemplate = templateOf(defaultStack);
const productionTemplate = templateOf(productionCaseStack(new App()));

describe('integration case default (destroyable)', () => {
  const template = defaultTemplate;

  test('leaves nothing behind: no retained resource, no deletion protection, no retained log group', () => {
    expect(leftovers(template)).toEqual([]);
  });

  test('every log group is deleted with the stack', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(5);
    for (const group of groups) {
      expect(group.DeletionPolicy).toBe('Delete');
      expect(group.UpdateReplacePolicy).toBe('Delete');
    }
  });

  test('the database has no deletion protection and deletes its automated backups', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', { DeletionProtection: false, DeleteAutomatedBackups: true });
  });

  test('the key is deleted after the shortest pending window', () => {
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: { PendingWindowInDays: 7 } });
  });

  test('is the FastShop dev shape: two AZs, one shard', () => {
    template.resourceCountIs('AWS::EC2::Subnet', 6);
    template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 1 });
  });
});

describe('integration case bring-your-own (destroyable)', () => {
  const app = new App();
  const { base, pipelineStack } = bringYourOwnCaseStacks(app);
  const template = templateOf(pipelineStack);

  test('leaves nothing behind, in the pipeline stack and in the stack of the existing VPC and key', () => {
    expect(leftovers(template)).toEqual([]);
    expect(leftovers(templateOf(base))).toEqual([]);
  });

  test('the pipeline creates no VPC and no key of its own', () => {
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('^LgpdIntegBringYourOwnBase:.*ExistingKey') } },
    });
  });
});

describe('integration case production (retained data)', () => {
  const template = productionTemplate;

  test('keeps its data: the database and cache leave snapshots, the rest is retained, deletion protection is on', () => {
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', Properties: { DeletionProtection: true, MultiAZ: true } });
    template.hasResource('AWS::ElastiCache::ReplicationGroup', { DeletionPolicy: 'Snapshot', Properties: { NumNodeGroups: 2 } });
    // No secret of its own: the cache admits users, and the case runs no processor that would have one.
    for (const type of ['AWS::Kinesis::Stream', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']) {
      template.hasResource(type, { DeletionPolicy: 'RetainExceptOnCreate' });
    }
  });

  test('spans three AZs', () => {
    template.resourceCountIs('AWS::EC2::Subnet', 9);
  });
});

describe('assertion stacks', () => {
  const assertions = templateOf(defaultAssertStack);

  test('describe the stream, the replication group, the database and the default security group, read a record back, and receive an alarm', () => {
    const calls = Object.values(assertions.toJSON().Resources as Record<string, any>)
      .filter(r => r.Type.startsWith('Custom::DeployAssert@SdkCall'))
      .map(r => `${r.Properties.service}.${r.Properties.api} ${r.Properties.actualPath ?? ''}`.trim());
    expect(calls).toEqual(expect.arrayContaining([
      'Kinesis.describeStreamSummary',
      'ElastiCache.describeReplicationGroups ReplicationGroups.0.AutomaticFailover',
      'ElastiCache.describeReplicationGroups ReplicationGroups.0.MultiAZ',
      'ElastiCache.describeReplicationGroups ReplicationGroups.0.AtRestEncryptionEnabled',
      'ElastiCache.describeReplicationGroups ReplicationGroups.0.TransitEncryptionEnabled',
      'RDS.describeDBInstances DBInstances.0.StorageEncrypted',
      'RDS.describeDBInstances DBInstances.0.PubliclyAccessible',
      'RDS.describeDBInstances DBInstances.0.IAMDatabaseAuthenticationEnabled',
      'Kinesis.putRecord',
      'Lambda.invoke',
      'CloudWatch.setAlarmState',
      'SQS.receiveMessage Messages.0.Body',
      'EC2.describeSecurityGroups',
    ]));
  });

  test('the stream assertion expects KMS encryption with the pipeline key', () => {
    const [summary] = Object.values(assertions.findResources('Custom::DeployAssert@SdkCallKinesisdescribeStreamSummary'));
    expect(JSON.stringify(summary.Properties.expected)).toContain('\\"EncryptionType\\":\\"KMS\\"');
    expect(JSON.stringify(summary.Properties.expected)).toContain('ExportsOutputRefPipelineKey');
  });
});

describe('the leftovers check', () => {
  test('fails when a destroyable stack gains a retained log group', () => {
    const app = new App();
    const stack = defaultCaseStack(app);
    new logs.LogGroup(stack, 'Forgotten', { removalPolicy: RemovalPolicy.RETAIN });
    expect(leftovers(templateOf(stack))).toEqual([
      expect.stringMatching(/^Forgotten.* has DeletionPolicy Retain$/),
      expect.stringMatching(/^Forgotten.* has UpdateReplacePolicy Retain$/),
    ]);
  });

  test('fails when the production case is checked: it keeps its data on purpose', () => {
    expect(leftovers(productionTemplate)).toEqual(expect.arrayContaining([
      expect.stringMatching(/AWS::RDS::DBInstance\) has deletion protection$/),
      expect.stringMatching(/AWS::Kinesis::Stream\) has DeletionPolicy RetainExceptOnCreate$/),
    ]));
  });
});

/**
 * The hand-written evaluator behind LgpdChecks' AlarmActionDeliverable rule
 * (src/private/policy-evaluation.ts) must decide exactly what the offline IAM simulator
 * (@cloud-copilot/iam-simulate) decides, for CloudWatch's requests against generated topic policies and
 * key policies. The generator uses only the policy language the evaluator claims to understand; what it
 * does with anything else (an unknown statement never allows, and always denies) is tested by example.
 *
 * FC_SEED and FC_PATH replay a failure; FC_NUM_RUNS sets the runs (default 300 per property).
 */
import * as fc from 'fast-check';
import { arn, CLOUDWATCH, decide, OTHER_ACCOUNT, TEST_ACCOUNT, TEST_REGION } from './simulator';
import { evaluateResourcePolicy, ServiceRequest } from '../src/private/policy-evaluation';

const TOPIC = arn('sns', 'lgpd-pipeline-alarms-dev');
const KEY = arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab');
const ALARM = arn('cloudwatch', 'alarm:lgpd-pipeline-dev-db-cpu');

const numRuns = Number(process.env.FC_NUM_RUNS ?? 300);
const params = { numRuns, seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined, path: process.env.FC_PATH };

const principal = fc.constantFrom<any>(
  '*', { AWS: '*' }, { Service: 'cloudwatch.amazonaws.com' }, { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] },
  { Service: 'events.amazonaws.com' }, { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, { AWS: TEST_ACCOUNT },
);

/** Condition values around the request's: equal, a matching pattern, another account, another alarm. */
const conditionEntry = fc.oneof(
  fc.record({
    op: fc.constantFrom('StringEquals', 'StringNotEquals', 'StringEqualsIfExists', 'StringNotEqualsIfExists', 'StringLike', 'StringNotLike'),
    key: fc.constantFrom('aws:SourceAccount', 'AWS:SourceAccount', 'aws:SourceOwner'),
    value: fc.constantFrom<string | string[]>(TEST_ACCOUNT, OTHER_ACCOUNT, [OTHER_ACCOUNT, TEST_ACCOUNT], '1111*', '*'),
  }),
  fc.record({
    op: fc.constantFrom('ArnLike', 'ArnEquals', 'ArnNotLike', 'ArnNotEquals', 'StringLike', 'StringEquals', 'ArnLikeIfExists'),
    key: fc.constantFrom('aws:SourceArn', 'aws:sourcearn'),
    value: fc.constantFrom<string | string[]>(ALARM, arn('cloudwatch', 'alarm:lgpd-pipeline-dev-*'), arn('cloudwatch', 'alarm:other-*'),
      arn('cloudwatch', 'alarm:*', TEST_REGION, OTHER_ACCOUNT), `arn:aws:cloudwatch:*:${TEST_ACCOUNT}:alarm:*`, '*', [ALARM, arn('cloudwatch', 'alarm:x')]),
  }),
  fc.record({
    op: fc.constantFrom('Bool', 'BoolIfExists'),
    key: fc.constantFrom('aws:SecureTransport'),
    value: fc.constantFrom<string | string[]>('true', 'false'),
  }),
  fc.record({
    op: fc.constant('Null'),
    key: fc.constantFrom('aws:SourceArn', 'aws:PrincipalOrgID', 'aws:SecureTransport'),
    value: fc.constantFrom<string | string[]>('true', 'false'),
  }),
);

function conditionOf(entries: Array<{ op: string; key: string; value: string | string[] }>): Record<string, any> | undefined {
  if (entries.length === 0) return undefined;
  const condition: Record<string, any> = {};
  for (const { op, key, value } of entries) (condition[op] ??= {})[key] = value;
  return condition;
}

function statement(actions: fc.Arbitrary<any>, resources: fc.Arbitrary<any>) {
  return fc.record({
    effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
    principal,
    notAction: fc.boolean(),
    action: actions,
    resource: resources,
    conditions: fc.array(conditionEntry, { maxLength: 2 }),
  }).map(s => ({
    Effect: s.effect,
    Principal: s.principal,
    [s.notAction ? 'NotAction' : 'Action']: s.action,
    Resource: s.resource,
    ...(conditionOf(s.conditions) ? { Condition: conditionOf(s.conditions) } : {}),
  }));
}

const topicPolicy = fc.array(statement(
  fc.constantFrom<any>('sns:Publish', 'SNS:Publish', 'sns:*', '*', 'sns:Pub*', 'sns:Subscribe', ['sns:Subscribe', 'sns:Publish'], 'sns:Publis?'),
  fc.constantFrom<any>(TOPIC, '*', arn('sns', 'other-topic'), arn('sns', '*'), `arn:aws:sns:*:${TEST_ACCOUNT}:lgpd-*`, [arn('sns', 'x'), TOPIC]),
), { minLength: 1, maxLength: 4 }).map(Statement => ({ Version: '2012-10-17', Statement }));

const keyPolicy = fc.array(statement(
  fc.constantFrom<any>('kms:Decrypt', 'kms:GenerateDataKey*', 'kms:*', ['kms:Decrypt', 'kms:GenerateDataKey*'], 'kms:Encrypt', 'kms:Generate*'),
  fc.constantFrom<any>('*', KEY, arn('kms', 'key/*'), arn('kms', 'key/other')),
), { minLength: 1, maxLength: 4 }).map(Statement => ({ Version: '2012-10-17', Statement }));

/** CloudWatch's context: mostly what an alarm of this account sends, sometimes another account's or a partial one. */
const context = fc.constantFrom<Record<string, string>>(
  { 'aws:SourceAccount': TEST_ACCOUNT, 'aws:SourceArn': ALARM, 'aws:SecureTransport': 'true' },
  { 'aws:SourceAccount': TEST_ACCOUNT, 'aws:SourceArn': ALARM, 'aws:SecureTransport': 'true' },
  { 'aws:SourceAccount': OTHER_ACCOUNT, 'aws:SourceArn': arn('cloudwatch', 'alarm:x', TEST_REGION, OTHER_ACCOUNT), 'aws:SecureTransport': 'true' },
  { 'aws:SourceAccount': TEST_ACCOUNT, 'aws:SecureTransport': 'false' },
  {},
);

async function agree(policy: any, request: ServiceRequest): Promise<void> {
  const { service, action, resource, context: ctx } = request;
  const simulated = await decide({ principal: service, action, resource, context: ctx, resourcePolicy: policy });
  const ours = evaluateResourcePolicy(policy, request);
  if (ours !== simulated) {
    throw new Error(`evaluator says ${ours}, iam-simulate says ${simulated} for ${JSON.stringify(request)} under ${JSON.stringify(policy)}`);
  }
}

describe('the AlarmActionDeliverable evaluator agrees with iam-simulate', () => {
  test('on CloudWatch publishing to a topic under generated topic policies', async () => {
    await fc.assert(fc.asyncProperty(topicPolicy, context, async (policy, ctx) => {
      await agree(policy, { service: CLOUDWATCH, action: 'sns:Publish', resource: TOPIC, context: ctx });
    }), params);
  });

  test('on CloudWatch using a key for an encrypted topic under generated key policies', async () => {
    await fc.assert(fc.asyncProperty(keyPolicy, context, fc.constantFrom('kms:Decrypt', 'kms:GenerateDataKey'), async (policy, ctx, action) => {
      await agree(policy, { service: CLOUDWATCH, action, resource: KEY, context: ctx });
    }), params);
  });
});

describe('what the evaluator does not understand', () => {
  const request: ServiceRequest = { service: CLOUDWATCH, action: 'sns:Publish', resource: TOPIC, context: { 'aws:SourceAccount': TEST_ACCOUNT } };
  const allow = { Effect: 'Allow', Principal: { Service: CLOUDWATCH }, Action: 'sns:Publish', Resource: TOPIC };

  test('an Allow with an operator it does not know allows nothing', () => {
    expect(evaluateResourcePolicy({ Statement: [{ ...allow, Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }] }, request))
      .toBe('ImplicitlyDenied');
  });

  test('a Deny with a set operator it does not know denies', () => {
    expect(evaluateResourcePolicy({ Statement: [allow, { ...allow, Effect: 'Deny', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'x' } } }] }, request))
      .toBe('ExplicitlyDenied');
  });
});

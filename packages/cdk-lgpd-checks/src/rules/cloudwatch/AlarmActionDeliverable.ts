import { parse } from 'path';
import { ArnFormat, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnAlias, CfnKey } from 'aws-cdk-lib/aws-kms';
import { CfnTopic, CfnTopicInlinePolicy, CfnTopicPolicy } from 'aws-cdk-lib/aws-sns';
import { NagRuleCompliance, NagRules } from 'cdk-nag/lib/nag-rules';
import { evaluateResourcePolicy, ServiceRequest } from '../../private/policy-evaluation';
import { complianceOf } from '../helpers';

const CLOUDWATCH = 'cloudwatch.amazonaws.com';

/**
 * A value of the template as a string that compares equal wherever CloudFormation would resolve it to the
 * same thing: literals stay, `Ref` and `Fn::GetAtt` become `${Name}` and `${Name.Attribute}` (the form
 * `Fn::Sub` already uses), `Fn::Join` joins. A pattern in a policy and a value in a request built from
 * the same references then match, without knowing the account or region.
 */
function symbolic(stack: Stack, value: unknown, getAttArn: (logicalId: string) => string | undefined): unknown {
  const walk = (v: any): any => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      const arg = v[keys[0]];
      switch (keys[0]) {
        case 'Ref': return `\${${arg}}`;
        case 'Fn::GetAtt': {
          const [id, attr] = typeof arg === 'string' ? arg.split(/\.(.*)/s) : arg;
          return (attr === 'Arn' && getAttArn(id)) || `\${${id}.${attr}}`;
        }
        case 'Fn::Join': return [walk(arg[1])].flat().join(arg[0]);
        case 'Fn::Sub': {
          if (typeof arg === 'string') return arg;
          const [text, vars] = arg;
          return String(text).replace(/\$\{([^}]+)\}/g, (m: string, name: string) => (name in vars ? String(walk(vars[name])) : m));
        }
        default: return JSON.stringify(v); // Fn::ImportValue, Fn::Select, ...: equal only to itself
      }
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return walk(stack.resolve(value));
}

/** The ARN of an alarm, as `symbolic` writes it (the alarm's name, or `${LogicalId}` when CloudFormation names it). */
function alarmArn(alarm: CfnAlarm): string {
  const stack = Stack.of(alarm);
  const name = alarm.alarmName ?? `\${${stack.resolve(alarm.logicalId)}}`;
  return String(symbolic(stack, stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }), () => undefined));
}

/** The topic in the alarm's stack an action names: by reference, or by its literal ARN. */
function targetTopic(alarm: CfnAlarm, action: unknown): CfnTopic | undefined {
  const stack = Stack.of(alarm);
  const topics = stack.node.findAll().filter((c): c is CfnTopic => c instanceof CfnTopic);
  const target = NagRules.resolveResourceFromIntrinsic(alarm, action);
  return topics.find(t => stack.resolve(t.logicalId) === target
    || (typeof target === 'string' && t.topicName !== undefined && !Token.isUnresolved(t.topicName) && target.endsWith(`:${t.topicName}`)));
}

/** The key in the stack a topic's KmsMasterKeyId names (by reference, or through an alias of the stack), if any. */
function topicKey(topic: CfnTopic): CfnKey | 'aws-managed' | 'elsewhere' | undefined {
  if (topic.kmsMasterKeyId === undefined) return undefined;
  const stack = Stack.of(topic);
  if (/(^|:)alias\/aws\/sns$/.test(String(symbolic(stack, topic.kmsMasterKeyId, () => undefined)))) return 'aws-managed';
  const all = stack.node.findAll();
  const target = NagRules.resolveResourceFromIntrinsic(topic, topic.kmsMasterKeyId);
  const alias = all.find((c): c is CfnAlias => c instanceof CfnAlias
    && (stack.resolve(c.logicalId) === target || (typeof target === 'string' && target.endsWith(String(stack.resolve(c.aliasName))))));
  const keyTarget = alias ? NagRules.resolveResourceFromIntrinsic(alias, alias.targetKeyId) : target;
  return all.find((c): c is CfnKey => c instanceof CfnKey && stack.resolve(c.logicalId) === keyTarget) ?? 'elsewhere';
}

/** Whether CloudWatch can deliver the alarm's notifications to the topic: its topic policy and its key allow it. */
function deliverable(alarm: CfnAlarm, topic: CfnTopic): boolean {
  const stack = Stack.of(alarm);
  const alarms = new Map(stack.node.findAll().filter((c): c is CfnAlarm => c instanceof CfnAlarm)
    .map(a => [stack.resolve(a.logicalId) as string, alarmArn(a)]));
  const canon = (v: unknown) => symbolic(stack, v, id => alarms.get(id));
  const topicId = stack.resolve(topic.logicalId);
  const names = (ref: unknown) => NagRules.resolveResourceFromIntrinsic(topic, ref) === topicId;
  const context = {
    'aws:SourceAccount': String(canon(stack.account)),
    'aws:SourceArn': alarmArn(alarm),
    'aws:SecureTransport': 'true',
  };
  const request = (action: string, resource: unknown): ServiceRequest =>
    ({ service: CLOUDWATCH, action, resource: String(canon(resource)), context });

  // Without a topic policy SNS applies its default one, which admits the account's own alarms. With one
  // (or several: CloudFormation keeps the last written) each must allow.
  const policies = stack.node.findAll().flatMap(c => {
    if (c instanceof CfnTopicPolicy && [stack.resolve(c.topics)].flat().some(names)) return [c.policyDocument];
    if (c instanceof CfnTopicInlinePolicy && names(c.topicArn)) return [c.policyDocument];
    return [];
  });
  if (!policies.every(p => evaluateResourcePolicy(canon(p), request('sns:Publish', topic.ref)) === 'Allowed')) return false;

  const key = topicKey(topic);
  if (key === 'aws-managed') return false; // alias/aws/sns: its key policy cannot admit CloudWatch
  if (!(key instanceof CfnKey)) return true; // no key, or one of another stack: not judged here
  const keyPolicy = canon(key.keyPolicy);
  return ['kms:GenerateDataKey', 'kms:Decrypt'].every(action => evaluateResourcePolicy(keyPolicy, request(action, key.attrArn)) === 'Allowed');
}

/**
 * LGPD Art. 48 (communication of security incidents): an alarm that notifies an SNS topic of its own
 * stack can reach it. The topic policy must let `cloudwatch.amazonaws.com` publish for this alarm (a topic
 * policy replaces SNS's default one, so a policy that only denies, as `enforceSSL` writes, blocks every
 * alarm), and the topic's key must let CloudWatch use it (the AWS-managed `alias/aws/sns` never does).
 * Topics and keys of other stacks are not judged. The policies are evaluated for CloudWatch's request
 * (aws:SourceAccount, aws:SourceArn of the alarm, TLS) by a narrow evaluator, see
 * private/policy-evaluation.ts.
 * @param node the CfnResource to check
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleCompliance => {
    if (!(node instanceof CfnAlarm)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const actions = [node.alarmActions, node.okActions, node.insufficientDataActions]
      .flatMap(list => [stack.resolve(list) ?? []].flat());
    const topics = actions.map(a => targetTopic(node, a)).filter((t): t is CfnTopic => t !== undefined);
    if (topics.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    return complianceOf(topics.every(t => deliverable(node, t)));
  },
  'name',
  { value: parse(__filename).name },
);

/**
 * The inline Lambda that closes the VPC's default security group: its template wiring, and its code run
 * against a fake EC2 client and a fake CloudFormation response URL.
 */
import * as vm from 'vm';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LgpdDataPipeline } from '../src';
import { DEFAULT_SECURITY_GROUP_HANDLER } from '../src/private/default-security-group-handler';

describe('template', () => {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { region: 'sa-east-1' } });
  new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev' });
  const template = Template.fromStack(stack);
  const [[fnId, fn]] = Object.entries(template.findResources('AWS::Lambda::Function'));

  test('one custom resource closes the VPC default group, served by the inline function', () => {
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    template.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
      ServiceToken: { 'Fn::GetAtt': [fnId, 'Arn'] },
      DefaultSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineNetwork'), 'DefaultSecurityGroup'] },
    });
  });

  test('CloudFormation waits for the custom resource at most 5 minutes, not the default hour, and longer than one run of the function', () => {
    const [resource] = Object.values(template.findResources('Custom::VpcRestrictDefaultSG'));
    expect(Number(resource.Properties.ServiceTimeout)).toBe(300);
    expect(fn.Properties.Timeout).toBeLessThan(Number(resource.Properties.ServiceTimeout));
  });

  test('the function is inline (no asset), on the latest Node.js runtime, named with the suffix', () => {
    expect(fn.Properties.Code).toEqual({ ZipFile: DEFAULT_SECURITY_GROUP_HANDLER });
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    expect(fn.Properties.FunctionName).toBe('lgpd-pipeline-dev-default-sg');
    expect(Buffer.byteLength(DEFAULT_SECURITY_GROUP_HANDLER)).toBeLessThan(4096); // the ZipFile limit
    expect(app.synth().getStackByName('Stack').assets).toEqual([]);
  });

  test('it logs to its own log group, encrypted with the pipeline key and bounded', () => {
    const groups = template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: '/aws/lambda/lgpd-pipeline-dev-default-sg' } });
    const [[groupId, group]] = Object.entries(groups);
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PipelineKey/), 'Arn'] });
    expect(group.Properties.RetentionInDays).toBe(365);
    expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: groupId } });
  });

  test('its role may touch only this VPC\'s default group and write only its own log', () => {
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter(p => JSON.stringify(p.Properties.PolicyDocument).includes('ec2:RevokeSecurityGroupEgress'));
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(JSON.stringify(statements[0].Resource)).toContain('security-group/');
    expect(JSON.stringify(statements[0].Resource)).toContain('DefaultSecurityGroup');
    expect(JSON.stringify(statements)).not.toContain('"*"');
    expect(fn.DependsOn).toEqual(expect.arrayContaining([Object.keys(template.findResources('AWS::IAM::ManagedPolicy'))
      .find(id => JSON.stringify(template.toJSON().Resources[id]).includes('ec2:RevokeSecurityGroupEgress'))]));
  });
});

interface Call { readonly op: string; readonly input: any }

/**
 * Runs the inline handler in a sandbox with a fake EC2 client (failing with `errors[op]`) and a fake https
 * whose response URL answers, or, with `responseHangs`, never answers: then the handler's own request
 * timeout is fired (immediately, not after its delay) and the fake destroys the request as Node.js would.
 */
async function invoke(event: any, errors: Record<string, string> = {}, responseHangs = false) {
  const calls: Call[] = [];
  const responses: any[] = [];
  const requestTimeouts: number[] = [];
  class EC2 {
    constructor() {
      for (const op of ['revokeSecurityGroupEgress', 'revokeSecurityGroupIngress', 'authorizeSecurityGroupIngress', 'authorizeSecurityGroupEgress']) {
        (this as any)[op] = async (input: any) => {
          calls.push({ op, input });
          if (errors[op]) throw Object.assign(new Error(`${op} failed`), { name: errors[op] });
        };
      }
    }
  }
  const https = {
    request: (options: any, callback: (res: any) => void) => {
      const listeners: Record<string, Array<(e?: Error) => void>> = {};
      let onTimeout: (() => void) | undefined;
      const req = {
        on: (name: string, listener: (e?: Error) => void) => { (listeners[name] ??= []).push(listener); return req; },
        setTimeout: (ms: number, listener: () => void) => { requestTimeouts.push(ms); onTimeout = listener; return req; },
        destroy: (e: Error) => { for (const l of listeners.error ?? []) l(e); },
        end: (body: string) => {
          responses.push({ options, body: JSON.parse(body) });
          if (!responseHangs) callback({ resume: () => undefined, on: (_: string, done: () => void) => done() });
          else if (onTimeout) onTimeout();
        },
      };
      return req;
    },
  };
  const module = { exports: {} as any };
  const modules: Record<string, unknown> = { '@aws-sdk/client-ec2': { EC2 }, 'https': https };
  vm.runInNewContext(DEFAULT_SECURITY_GROUP_HANDLER, {
    module, exports: module.exports, require: (name: string) => modules[name], URL, Buffer, console: { error: () => undefined },
  });
  await module.exports.handler(event);
  return { calls, responses, requestTimeouts };
}

const base = {
  ResponseURL: 'https://cloudformation-custom-resource-response.example/path?sig=1',
  StackId: 'stack',
  RequestId: 'req',
  LogicalResourceId: 'Restrict',
  ResourceProperties: { DefaultSecurityGroupId: 'sg-new', Account: '111122223333' },
};
const EGRESS = (g: string) => ({ GroupId: g, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
const INGRESS = (g: string) => ({ GroupId: g, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: g, UserId: '111122223333' }] }] });

describe('handler', () => {
  test('create revokes the allow-all egress and the self-referencing ingress, then answers SUCCESS', async () => {
    const { calls, responses } = await invoke({ ...base, RequestType: 'Create' });
    expect(calls).toEqual([
      { op: 'revokeSecurityGroupEgress', input: EGRESS('sg-new') },
      { op: 'revokeSecurityGroupIngress', input: INGRESS('sg-new') },
    ]);
    expect(responses).toHaveLength(1);
    expect(responses[0].options).toMatchObject({ method: 'PUT', hostname: 'cloudformation-custom-resource-response.example', path: '/path?sig=1' });
    expect(responses[0].body).toMatchObject({ Status: 'SUCCESS', RequestId: 'req', StackId: 'stack', LogicalResourceId: 'Restrict', PhysicalResourceId: 'Restrict-sg-new' });
  });

  test('rules already gone are not an error', async () => {
    const { responses } = await invoke({ ...base, RequestType: 'Create' },
      { revokeSecurityGroupEgress: 'InvalidPermission.NotFound', revokeSecurityGroupIngress: 'InvalidPermission.NotFound' });
    expect(responses[0].body.Status).toBe('SUCCESS');
  });

  test('any other error answers FAILED with the reason, so the deploy fails instead of hanging', async () => {
    const { responses } = await invoke({ ...base, RequestType: 'Create' }, { revokeSecurityGroupIngress: 'UnauthorizedOperation' });
    expect(responses).toHaveLength(1);
    expect(responses[0].body).toMatchObject({ Status: 'FAILED', Reason: 'revokeSecurityGroupIngress failed' });
  });

  test('a response URL that never answers makes the handler fail within 30 seconds instead of hanging until its own timeout', async () => {
    const settled = invoke({ ...base, RequestType: 'Create' }, {}, true).then(() => 'resolved', (e: Error) => `rejected: ${e.message}`);
    const stillPending = new Promise(resolve => setTimeout(() => resolve('still pending'), 2000));
    // It tries SUCCESS, then FAILED; each request gives up after its timeout, and the invocation fails so Lambda retries it.
    expect(await Promise.race([settled, stillPending])).toMatch(/^rejected: .*timed out/);
  });

  test('every response request has a timeout of at most 30 seconds', async () => {
    const { requestTimeouts } = await invoke({ ...base, RequestType: 'Create' });
    expect(requestTimeouts).toHaveLength(1);
    expect(requestTimeouts[0]).toBeGreaterThan(0);
    expect(requestTimeouts[0]).toBeLessThanOrEqual(30_000);
  });

  test('delete restores the default rules, tolerating rules that exist and a group that is gone', async () => {
    const { calls, responses } = await invoke({ ...base, RequestType: 'Delete', PhysicalResourceId: 'Restrict-sg-new' },
      { authorizeSecurityGroupIngress: 'InvalidPermission.Duplicate', authorizeSecurityGroupEgress: 'InvalidGroup.NotFound' });
    expect(calls.map(c => c.op)).toEqual(['authorizeSecurityGroupIngress', 'authorizeSecurityGroupEgress']);
    expect(calls[0].input).toEqual(INGRESS('sg-new'));
    expect(responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'Restrict-sg-new' });
  });

  test('update to another group restores the old one and closes the new one; an unchanged group is left alone', async () => {
    const moved = await invoke({
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: 'Restrict-sg-old',
      OldResourceProperties: { DefaultSecurityGroupId: 'sg-old', Account: '111122223333' },
    });
    expect(moved.calls).toEqual([
      { op: 'authorizeSecurityGroupIngress', input: INGRESS('sg-old') },
      { op: 'authorizeSecurityGroupEgress', input: EGRESS('sg-old') },
      { op: 'revokeSecurityGroupEgress', input: EGRESS('sg-new') },
      { op: 'revokeSecurityGroupIngress', input: INGRESS('sg-new') },
    ]);
    expect(moved.responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'Restrict-sg-old' });
    const same = await invoke({ ...base, RequestType: 'Update', PhysicalResourceId: 'Restrict-sg-new', OldResourceProperties: base.ResourceProperties });
    expect(same.calls).toEqual([]);
    expect(same.responses[0].body.Status).toBe('SUCCESS');
  });
});

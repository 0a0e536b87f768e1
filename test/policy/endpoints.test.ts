/**
 * The VPC endpoints' policies, evaluated with the offline IAM simulator: a request through an endpoint
 * needs the caller's own permission and the endpoint policy's. The caller here may do anything (an
 * identity policy allowing `*`), so each decision is the endpoint policy's alone. The request context
 * carries `aws:PrincipalAccount` and `aws:ResourceAccount` as AWS sets them; the simulator cannot tell
 * which services leave `aws:ResourceAccount` out of a request (a call that names no resource does).
 */
import { App, Stack } from 'aws-cdk-lib';
import { arn, Assembly, decide, OTHER_ACCOUNT, TEST_ACCOUNT, TEST_REGION } from './simulate';
import { ClientEndpoints, LgpdDataPipeline } from '../../src';

const app = new App();
new LgpdDataPipeline(new Stack(app, 'Containers', { env: { region: TEST_REGION } }), 'Pipeline', {
  environmentSuffix: 'dev',
  clientEndpoints: ClientEndpoints.PIPELINE_AND_CONTAINERS,
});
const stack = Assembly.of(app).stack('Containers');
const endpointPolicy = (service: string) => {
  const id = stack.logicalId('AWS::EC2::VPCEndpoint', r => JSON.stringify(r.Properties.ServiceName).includes(`.${service}"`));
  return stack.properties(id).PolicyDocument;
};
const anything = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
const through = (service: string, request: { principalAccount: string; action: string; resource: string; resourceAccount?: string }) => decide({
  principal: `arn:aws:iam::${request.principalAccount}:role/client`,
  action: request.action,
  resource: request.resource,
  resourceAccount: request.resourceAccount ?? TEST_ACCOUNT,
  identityPolicies: anything,
  endpointPolicies: [endpointPolicy(service)],
  context: { 'aws:PrincipalAccount': request.principalAccount, 'aws:ResourceAccount': request.resourceAccount ?? TEST_ACCOUNT },
});

describe('the kinesis-streams and secretsmanager endpoints', () => {
  test('admit a principal of this account acting on this account\'s stream and secrets', async () => {
    expect(await through('kinesis-streams', { principalAccount: TEST_ACCOUNT, action: 'kinesis:PutRecord', resource: arn('kinesis', 'stream/lgpd-transactions-dev') }))
      .toBe('Allowed');
    expect(await through('secretsmanager', { principalAccount: TEST_ACCOUNT, action: 'secretsmanager:GetSecretValue', resource: arn('secretsmanager', 'secret:x-AbCdEf') }))
      .toBe('Allowed');
  });

  test('refuse a principal of another account, and this account\'s principal on another account\'s stream or secret', async () => {
    expect(await through('kinesis-streams', { principalAccount: OTHER_ACCOUNT, action: 'kinesis:PutRecord', resource: arn('kinesis', 'stream/lgpd-transactions-dev') }))
      .toBe('ImplicitlyDenied');
    expect(await through('kinesis-streams', {
      principalAccount: TEST_ACCOUNT,
      action: 'kinesis:PutRecord',
      resource: arn('kinesis', 'stream/exfiltration', TEST_REGION, OTHER_ACCOUNT),
      resourceAccount: OTHER_ACCOUNT,
    })).toBe('ImplicitlyDenied');
    expect(await through('secretsmanager', {
      principalAccount: TEST_ACCOUNT,
      action: 'secretsmanager:GetSecretValue',
      resource: arn('secretsmanager', 'secret:theirs-AbCdEf', TEST_REGION, OTHER_ACCOUNT),
      resourceAccount: OTHER_ACCOUNT,
    })).toBe('ImplicitlyDenied');
  });
});

describe('the container endpoints', () => {
  test('ECR admits this account\'s GetAuthorizationToken, which names no resource (so no aws:ResourceAccount)', async () => {
    expect(await decide({
      principal: `arn:aws:iam::${TEST_ACCOUNT}:role/client`,
      action: 'ecr:GetAuthorizationToken',
      resource: '*',
      identityPolicies: anything,
      endpointPolicies: [endpointPolicy('ecr.api')],
      context: { 'aws:PrincipalAccount': TEST_ACCOUNT },
    })).toBe('Allowed');
  });

  test('the S3 gateway admits ECR\'s image layers (in AWS\'s bucket) and this account\'s buckets, not another account\'s', async () => {
    // Another account's bucket is read only with its bucket policy's consent: given here (AWS's layer
    // bucket does consent), so the decision is the endpoint policy's.
    const bucketPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] };
    const s3 = (resource: string, resourceAccount: string) => decide({
      principal: `arn:aws:iam::${TEST_ACCOUNT}:role/client`,
      action: 's3:GetObject',
      resource,
      resourceAccount,
      identityPolicies: anything,
      endpointPolicies: [endpointPolicy('s3')],
      resourcePolicy: bucketPolicy,
      context: { 'aws:PrincipalAccount': TEST_ACCOUNT, 'aws:ResourceAccount': resourceAccount },
    });
    expect(await s3(`arn:aws:s3:::prod-${TEST_REGION}-starport-layer-bucket/layer`, '999988887777')).toBe('Allowed');
    expect(await s3('arn:aws:s3:::our-bucket/key', TEST_ACCOUNT)).toBe('Allowed');
    expect(await s3('arn:aws:s3:::their-bucket/key', OTHER_ACCOUNT)).toBe('ImplicitlyDenied');
  });
});

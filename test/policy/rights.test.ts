/**
 * What each role of data-subject rights may and may not do, evaluated by the offline IAM simulator on the
 * FastShop-shaped app the real-store tests run (support/rights-harness/deployment.ts). simulate.ts says what
 * the simulator cannot judge; here too, the key policy's CloudWatch Logs statement and every
 * `kms:EncryptionContext` condition are beyond it, and whether a service really sends a context key.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { arn, Assembly, decide, TEST_ACCOUNT, TEST_REGION } from './simulate';
import { DataSubjectRights } from '../../src';
import { rightsApp } from '../../support/rights-harness/deployment';

const { app, stack: built } = rightsApp();
const rights = built.node.findAll().find((c): c is DataSubjectRights => c instanceof DataSubjectRights)!;
const backOffice = new iam.Role(built, 'BackOffice', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
rights.grantSubmit(backOffice);
const deliverer = new iam.Role(built, 'ExportDelivery', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
rights.grantReadExports(deliverer);
const stack = Assembly.of(app).stack(built as Stack);

const fnRole = (name: string) => {
  const fn = stack.logicalId('AWS::Lambda::Function', r => r.Properties?.FunctionName === name);
  return stack.caller(stack.resources[fn].Properties.Role['Fn::GetAtt'][0]);
};
const fnArn = (name: string) => arn('lambda', `function:${name}`);
const requests = fnRole('lgpd-rights-dev-rights-requests');
const worker = fnRole('lgpd-rights-dev-rights-worker');
const machineId = stack.logicalId('AWS::StepFunctions::StateMachine');
const machineArn = stack.ref(machineId);
const workflowRole = stack.resources[machineId].Properties.RoleArn['Fn::GetAtt'][0];
const workflow = stack.caller(workflowRole);
const bucket = stack.ref(stack.logicalId('AWS::S3::Bucket'));
const exportObject = `arn:aws:s3:::${bucket}/exports/access-0b6f1c5e-8a2d-4c1e-9f57-3d2a1b0c9e8f.json`;
const secret = (suffix: string) => stack.ref(stack.logicalId('AWS::SecretsManager::Secret', r => r.Properties.Name.endsWith(suffix)));
const dbUser = (user: string) => arn('rds-db', `dbuser:${stack.getAtt(stack.logicalId('AWS::RDS::DBInstance'), 'DbiResourceId')}/${user}`);
const { keyArn, keyPolicy } = stack.key();
const via = (service: string) => ({ 'kms:ViaService': `${service}.${TEST_REGION}.amazonaws.com` });

describe('the request function', () => {
  test('starts executions of its own workflow only, and never invokes the worker itself', async () => {
    expect(await decide({ ...requests, action: 'states:StartExecution', resource: machineArn })).toBe('Allowed');
    expect(await decide({ ...requests, action: 'states:StartExecution', resource: arn('states', 'stateMachine:payroll') })).toBe('ImplicitlyDenied');
    expect(await decide({ ...requests, action: 'states:StopExecution', resource: arn('states', 'execution:lgpd-rights-dev-rights:x') })).toBe('ImplicitlyDenied');
    expect(await decide({ ...requests, action: 'lambda:InvokeFunction', resource: fnArn('lgpd-rights-dev-rights-worker') })).toBe('ImplicitlyDenied');
  });

  test('reads the subject key and its own Redis user\'s password (decrypting through Secrets Manager only), not the master secret nor the processor\'s password', async () => {
    expect(await decide({ ...requests, action: 'secretsmanager:GetSecretValue', resource: secret('/cache-user/processor') })).toBe('ImplicitlyDenied');
    for (const name of ['/subject-key', '/cache-user/rights']) {
      expect(await decide({ ...requests, action: 'secretsmanager:GetSecretValue', resource: secret(name) })).toBe('Allowed');
    }
    expect(await decide({ ...requests, action: 'secretsmanager:GetSecretValue', resource: stack.getAtt(stack.logicalId('AWS::RDS::DBInstance'), 'MasterUserSecret.SecretArn') }))
      .toBe('ImplicitlyDenied');
    expect(await decide({ ...requests, action: 'kms:Decrypt', resource: keyArn, resourcePolicy: keyPolicy, context: via('secretsmanager') })).toBe('Allowed');
    expect(await decide({ ...requests, action: 'kms:Decrypt', resource: keyArn, resourcePolicy: keyPolicy })).toBe('ImplicitlyDenied');
  });

  test('signs in to PostgreSQL as lgpd_rights only, and reads no export', async () => {
    expect(await decide({ ...requests, action: 'rds-db:connect', resource: dbUser('lgpd_rights') })).toBe('Allowed');
    expect(await decide({ ...requests, action: 'rds-db:connect', resource: dbUser('postgres') })).toBe('ImplicitlyDenied');
    expect(await decide({ ...requests, action: 's3:GetObject', resource: exportObject })).toBe('ImplicitlyDenied');
  });
});

describe('the worker', () => {
  test('puts and deletes exports, and may not read them back, list the bucket or touch another bucket', async () => {
    for (const action of ['s3:PutObject', 's3:DeleteObject']) expect(await decide({ ...worker, action, resource: exportObject })).toBe('Allowed');
    expect(await decide({ ...worker, action: 's3:GetObject', resource: exportObject })).toBe('ImplicitlyDenied');
    expect(await decide({ ...worker, action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}` })).toBe('ImplicitlyDenied');
    expect(await decide({ ...worker, action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/elsewhere/x.json` })).toBe('ImplicitlyDenied');
    expect(await decide({ ...worker, action: 's3:PutObject', resource: 'arn:aws:s3:::another-bucket/exports/x.json' })).toBe('ImplicitlyDenied');
    expect(await decide({ ...worker, action: 'kms:GenerateDataKey', resource: keyArn, resourcePolicy: keyPolicy, context: via('s3') })).toBe('Allowed');
    expect(await decide({ ...worker, action: 'kms:GenerateDataKey', resource: keyArn, resourcePolicy: keyPolicy })).toBe('ImplicitlyDenied');
  });

  test('never reads the subject key (it sees keyed hashes only) and starts no workflow', async () => {
    expect(await decide({ ...worker, action: 'secretsmanager:GetSecretValue', resource: secret('/subject-key') })).toBe('ImplicitlyDenied');
    expect(await decide({ ...worker, action: 'states:StartExecution', resource: machineArn })).toBe('ImplicitlyDenied');
    expect(await decide({ ...worker, action: 'rds-db:connect', resource: dbUser('lgpd_rights') })).toBe('Allowed');
  });
});

describe('the workflow', () => {
  test('invokes the worker (and its versions) only', async () => {
    expect(await decide({ ...workflow, action: 'lambda:InvokeFunction', resource: fnArn('lgpd-rights-dev-rights-worker') })).toBe('Allowed');
    expect(await decide({ ...workflow, action: 'lambda:InvokeFunction', resource: `${fnArn('lgpd-rights-dev-rights-worker')}:1` })).toBe('Allowed');
    for (const other of ['lgpd-rights-dev-rights-requests', 'lgpd-processor-dev-processor']) {
      expect(await decide({ ...workflow, action: 'lambda:InvokeFunction', resource: fnArn(other) })).toBe('ImplicitlyDenied');
    }
  });

  test('its role is assumed by Step Functions for this account\'s rights workflow only', async () => {
    const trust = stack.trustPolicy(workflowRole);
    const assume = (context: Record<string, string>) => decide({
      principal: 'states.amazonaws.com', action: 'sts:AssumeRole', resource: stack.roleArn(workflowRole), resourcePolicy: trust, context,
    });
    expect(await assume({ 'aws:SourceAccount': TEST_ACCOUNT, 'aws:SourceArn': machineArn })).toBe('Allowed');
    expect(await assume({ 'aws:SourceAccount': '444455556666', 'aws:SourceArn': machineArn.replace(TEST_ACCOUNT, '444455556666') })).toBe('ImplicitlyDenied');
    expect(await assume({ 'aws:SourceAccount': TEST_ACCOUNT, 'aws:SourceArn': arn('states', 'stateMachine:another') })).toBe('ImplicitlyDenied');
  });
});

describe('the callers', () => {
  test('grantSubmit lets a back office invoke the request function, and nothing else of the rights', async () => {
    const caller = stack.caller(built.getLogicalId(backOffice.node.defaultChild as iam.CfnRole));
    expect(await decide({ ...caller, action: 'lambda:InvokeFunction', resource: fnArn('lgpd-rights-dev-rights-requests') })).toBe('Allowed');
    expect(await decide({ ...caller, action: 'lambda:InvokeFunction', resource: fnArn('lgpd-rights-dev-rights-worker') })).toBe('ImplicitlyDenied');
    expect(await decide({ ...caller, action: 'states:StartExecution', resource: machineArn })).toBe('ImplicitlyDenied');
  });

  test('grantReadExports lets a deliverer read and decrypt exports, and write or delete none', async () => {
    const caller = stack.caller(built.getLogicalId(deliverer.node.defaultChild as iam.CfnRole));
    expect(await decide({ ...caller, action: 's3:GetObject', resource: exportObject })).toBe('Allowed');
    expect(await decide({ ...caller, action: 'kms:Decrypt', resource: keyArn, resourcePolicy: keyPolicy })).toBe('Allowed');
    expect(await decide({ ...caller, action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/other/x.json` })).toBe('ImplicitlyDenied');
    for (const action of ['s3:PutObject', 's3:DeleteObject']) expect(await decide({ ...caller, action, resource: exportObject })).toBe('ImplicitlyDenied');
  });
});

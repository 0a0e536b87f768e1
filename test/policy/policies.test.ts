/**
 * The policies of the FastShop app, the production-shaped pipeline and a bring-your-own-key app,
 * evaluated request by request with an offline IAM simulator (@cloud-copilot/iam-simulate): what AWS
 * would answer, not what the template says. See simulate.ts for what the simulator cannot judge; in
 * short, `kms:EncryptionContext:*` conditions are ignored (the CloudWatch Logs statement of the key is
 * not evaluated here), and each request carries the context keys AWS documents for it.
 */
import { App } from 'aws-cdk-lib';
import { ANONYMOUS, arn, Assembly, CLOUDWATCH, decide, evaluate, OTHER_ACCOUNT, ResolvedStack, TEST_ACCOUNT, TEST_REGION } from './simulate';
import { buildFastShopApp } from '../../examples/fastshop/app';
import { buildVariant } from '../../support/variants';
import { bringYourOwnCaseStacks, productionCaseStack } from '../integ-helpers/cases';

/** Where the alarm topic, its key and one alarm of a pipeline are, resolved. */
interface AlarmPath {
  readonly stack: ResolvedStack;
  readonly topicArn: string;
  readonly topicPolicy: any;
  readonly keyArn: string;
  readonly keyPolicy: any;
  /** The ARN of one of the pipeline's alarms. */
  readonly alarmArn: string;
}

function alarmPath(assembly: Assembly, stackName: string, keyStackName = stackName): AlarmPath {
  const stack = assembly.stack(stackName);
  const topic = stack.logicalId('AWS::SNS::Topic');
  const keyStack = assembly.stack(keyStackName);
  const key = keyStack.logicalId('AWS::KMS::Key');
  const keyArn = keyStack.getAtt(key, 'Arn');
  // The topic is encrypted with exactly this key.
  expect(stack.properties(topic).KmsMasterKeyId).toEqual(keyArn);
  return {
    stack,
    topicArn: stack.ref(topic),
    topicPolicy: stack.topicPolicy(topic),
    keyArn,
    keyPolicy: keyStack.keyPolicy(key),
    alarmArn: stack.getAtt(stack.logicalIds('AWS::CloudWatch::Alarm')[0], 'Arn'),
  };
}

/** What CloudWatch sends when an alarm of `account` publishes: aws:SourceAccount and aws:SourceArn, over TLS. */
function fromAlarm(alarmArn: string, account = TEST_ACCOUNT) {
  return { 'aws:SourceAccount': account, 'aws:SourceArn': alarmArn, 'aws:SecureTransport': 'true' };
}

const fastShop = Assembly.of(buildFastShopApp());
const productionVariant = Assembly.of(buildVariant('production'));
const productionCaseApp = new App();
productionCaseStack(productionCaseApp);
const productionCase = Assembly.of(productionCaseApp);
const byoApp = new App();
bringYourOwnCaseStacks(byoApp);
const byo = Assembly.of(byoApp);

const APPS: Array<[string, () => AlarmPath]> = [
  ['FastShop', () => alarmPath(fastShop, 'FastShopPipeline')],
  ['the production-shaped pipeline', () => alarmPath(productionVariant, 'Production')],
  ['the bring-your-own-key app', () => alarmPath(byo, 'LgpdIntegBringYourOwn', 'LgpdIntegBringYourOwnBase')],
];

describe.each(APPS)('alarm delivery in %s', (_, path) => {
  const p = path();

  test('CloudWatch may publish this pipeline\'s alarms to the alarm topic', async () => {
    expect(p.topicPolicy).toBeDefined();
    expect(await decide({ principal: CLOUDWATCH, action: 'sns:Publish', resource: p.topicArn, context: fromAlarm(p.alarmArn), resourcePolicy: p.topicPolicy }))
      .toBe('Allowed');
  });

  test('CloudWatch may not publish for an alarm of another account, nor for another alarm of this account', async () => {
    const foreign = arn('cloudwatch', 'alarm:lgpd-pipeline-dev-db-cpu', TEST_REGION, OTHER_ACCOUNT);
    expect(await decide({ principal: CLOUDWATCH, action: 'sns:Publish', resource: p.topicArn, context: fromAlarm(foreign, OTHER_ACCOUNT), resourcePolicy: p.topicPolicy }))
      .toBe('ImplicitlyDenied');
    const unrelated = arn('cloudwatch', 'alarm:billing-estimated-charges');
    expect(await decide({ principal: CLOUDWATCH, action: 'sns:Publish', resource: p.topicArn, context: fromAlarm(unrelated), resourcePolicy: p.topicPolicy }))
      .toBe('ImplicitlyDenied');
  });

  test('an anonymous caller may not publish', async () => {
    expect(await decide({ principal: ANONYMOUS, action: 'sns:Publish', resource: p.topicArn, context: { 'aws:SecureTransport': 'true' }, resourcePolicy: p.topicPolicy }))
      .not.toBe('Allowed');
  });

  test('a role of the account with sns:Publish in its own policy may publish over TLS, and is denied without TLS', async () => {
    const publisher = {
      principal: `arn:aws:iam::${TEST_ACCOUNT}:role/Publisher`,
      action: 'sns:Publish',
      resource: p.topicArn,
      resourcePolicy: p.topicPolicy,
      identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] }],
    };
    expect(await decide({ ...publisher, context: { 'aws:SecureTransport': 'true' } })).toBe('Allowed');
    expect(await decide({ ...publisher, context: { 'aws:SecureTransport': 'false' } })).toBe('ExplicitlyDenied');
  });

  test('CloudWatch may use the topic\'s key for this account, and not for another', async () => {
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      expect(await decide({ principal: CLOUDWATCH, action, resource: p.keyArn, context: fromAlarm(p.alarmArn), resourcePolicy: p.keyPolicy }))
        .toBe('Allowed');
      const foreign = arn('cloudwatch', 'alarm:x', TEST_REGION, OTHER_ACCOUNT);
      expect(await decide({
        principal: CLOUDWATCH, action, resource: p.keyArn, context: fromAlarm(foreign, OTHER_ACCOUNT), resourcePolicy: p.keyPolicy,
      })).toBe('ImplicitlyDenied');
    }
  });
});

describe.each([
  ['FastShop', fastShop, 'FastShopPipeline'],
  ['the production-shaped pipeline', productionVariant, 'Production'],
])('the roles %s creates', (_, assembly, stackName) => {
  const stack = assembly.stack(stackName);

  test('the default security group function may change only its own VPC\'s default group', async () => {
    const fn = stack.logicalId('AWS::Lambda::Function', r => /default security group/.test(r.Properties?.Description ?? ''));
    const role = stack.resources[fn].Properties.Role['Fn::GetAtt'][0];
    const policies = stack.identityPolicies(role);
    const vpc = stack.logicalId('AWS::EC2::VPC');
    const own = arn('ec2', `security-group/${stack.getAtt(vpc, 'DefaultSecurityGroup')}`);
    const other = arn('ec2', 'security-group/sg-0123456789abcdef0');
    for (const action of ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress']) {
      expect(await decide({ principal: stack.roleArn(role), action, resource: own, identityPolicies: policies })).toBe('Allowed');
      expect(await decide({ principal: stack.roleArn(role), action, resource: other, identityPolicies: policies })).toBe('ImplicitlyDenied');
    }
  });

  /** A service assuming one of the stack's roles, as its trust policy decides. */
  const assumeRole = (role: string, service: string, context: Record<string, string>) => decide({
    principal: service, action: 'sts:AssumeRole', resource: stack.roleArn(role), resourcePolicy: stack.trustPolicy(role), context,
  });

  test('the flow-log role can be assumed by VPC Flow Logs for this account only', async () => {
    const role = stack.resources[stack.logicalId('AWS::EC2::FlowLog')].Properties.DeliverLogsPermissionArn['Fn::GetAtt'][0];
    const assume = (account: string) => assumeRole(role, 'vpc-flow-logs.amazonaws.com',
      { 'aws:SourceAccount': account, 'aws:SourceArn': arn('ec2', 'vpc-flow-log/fl-0123456789abcdef0', TEST_REGION, account) });
    expect(await assume(TEST_ACCOUNT)).toBe('Allowed');
    expect(await assume(OTHER_ACCOUNT)).toBe('ImplicitlyDenied');
  });

  test('the enhanced-monitoring role can be assumed by RDS monitoring for this account only', async () => {
    const role = stack.resources[stack.logicalId('AWS::RDS::DBInstance')].Properties.MonitoringRoleArn['Fn::GetAtt'][0];
    const assume = (account: string) => assumeRole(role, 'monitoring.rds.amazonaws.com', { 'aws:SourceAccount': account });
    expect(await assume(TEST_ACCOUNT)).toBe('Allowed');
    expect(await assume(OTHER_ACCOUNT)).toBe('ImplicitlyDenied');
  });
});

describe('FastShop\'s checkout role (grantWrite)', () => {
  const stack = fastShop.stack('FastShopPipeline');
  const { principal, identityPolicies } = stack.caller(
    stack.logicalId('AWS::IAM::Role', r => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('ecs-tasks.amazonaws.com')));
  const streamArn = stack.getAtt(stack.logicalId('AWS::Kinesis::Stream'), 'Arn');
  const { keyArn, keyPolicy } = stack.key();
  const viaKinesis = { 'kms:ViaService': `kinesis.${TEST_REGION}.amazonaws.com` };

  test('puts records on the stream, and may neither read nor delete it, nor schedule the key\'s deletion', async () => {
    for (const action of ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:ListShards']) {
      expect(await decide({ principal, action, resource: streamArn, identityPolicies })).toBe('Allowed');
    }
    expect(await decide({ principal, action: 'kinesis:DeleteStream', resource: streamArn, identityPolicies })).toBe('ImplicitlyDenied');
    expect(await decide({ principal, action: 'kinesis:GetRecords', resource: streamArn, identityPolicies })).toBe('ImplicitlyDenied');
    expect(await decide({ principal, action: 'kms:ScheduleKeyDeletion', resource: keyArn, identityPolicies, resourcePolicy: keyPolicy })).toBe('ImplicitlyDenied');
  });

  test('gets a data key through Kinesis, and not directly', async () => {
    expect(await decide({ principal, action: 'kms:GenerateDataKey', resource: keyArn, identityPolicies, resourcePolicy: keyPolicy, context: viaKinesis }))
      .toBe('Allowed');
    expect(await decide({ principal, action: 'kms:GenerateDataKey', resource: keyArn, identityPolicies, resourcePolicy: keyPolicy }))
      .toBe('ImplicitlyDenied');
  });

  test('may not read the secrets (the cache users\' passwords, the subject key)', async () => {
    const secrets = stack.logicalIds('AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(3);
    for (const secret of secrets) {
      expect(await decide({ principal, action: 'secretsmanager:GetSecretValue', resource: stack.ref(secret), identityPolicies })).toBe('ImplicitlyDenied');
    }
  });
});

describe('FastShop\'s transaction processor (its one managed policy: grantRead, its own logins, its queue and network interfaces)', () => {
  const stack = fastShop.stack('FastShopPipeline');
  const fn = stack.logicalId('AWS::Lambda::Function', r => r.Properties?.FunctionName === 'lgpd-processor-dev-processor');
  const { principal, identityPolicies } = stack.caller(stack.resources[fn].Properties.Role['Fn::GetAtt'][0]);
  const streamArn = stack.getAtt(stack.logicalId('AWS::Kinesis::Stream'), 'Arn');
  const { keyArn, keyPolicy } = stack.key();
  const db = stack.logicalId('AWS::RDS::DBInstance');
  const dbArn = arn('rds', `db:${stack.ref(db)}`);
  const rdsSecretArn = stack.getAtt(db, 'MasterUserSecret.SecretArn');
  const cachePassword = stack.ref(stack.logicalId('AWS::SecretsManager::Secret', r => r.Properties?.Name === 'lgpd-pipeline/dev/cache-user/processor'));
  const queue = (suffix: string) => stack.getAtt(stack.logicalId('AWS::SQS::Queue', r => r.Properties?.QueueName === `lgpd-processor-dev-processor-${suffix}`), 'Arn');
  const queueArn = queue('failed');
  const quarantineArn = queue('quarantine');
  const via = (service: string) => ({ 'kms:ViaService': `${service}.${TEST_REGION}.amazonaws.com` });

  test('reads records (the event source mapping polls with this role), and may not write or delete the stream', async () => {
    for (const action of ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:ListShards']) {
      expect(await decide({ principal, action, resource: streamArn, identityPolicies })).toBe('Allowed');
    }
    for (const action of ['kinesis:PutRecord', 'kinesis:DeleteStream']) {
      expect(await decide({ principal, action, resource: streamArn, identityPolicies })).toBe('ImplicitlyDenied');
    }
  });

  test('may not read the RDS master secret, by its ARN or by RDS\'s tag for this database', async () => {
    const read = (resource: string, context: Record<string, string> = {}) =>
      decide({ principal, action: 'secretsmanager:GetSecretValue', resource, identityPolicies, context });
    expect(await read(rdsSecretArn, { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': dbArn })).toBe('ImplicitlyDenied');
    expect(await read(arn('secretsmanager', 'secret:rds!db-0a1b2c3d-AbCdEf'), { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': dbArn })).toBe('ImplicitlyDenied');
  });

  test('signs in to PostgreSQL as lgpd_processor only: rds-db:connect names the instance\'s DbiResourceId and that user', async () => {
    const connect = (user: string, resourceId = stack.getAtt(db, 'DbiResourceId')) =>
      decide({ principal, action: 'rds-db:connect', resource: arn('rds-db', `dbuser:${resourceId}/${user}`), identityPolicies });
    expect(await connect('lgpd_processor')).toBe('Allowed');
    expect(await connect('pipeline_admin')).toBe('ImplicitlyDenied');
    expect(await connect('lgpd_processor', 'db-SOMEONEELSESDATABASE')).toBe('ImplicitlyDenied');
    const statement = identityPolicies.flatMap(p => p.Statement).find((st: any) => [st.Action].flat().includes('rds-db:connect'));
    expect(statement.Resource).toBe(arn('rds-db', `dbuser:${stack.getAtt(db, 'DbiResourceId')}/lgpd_processor`));
  });

  test('reads its own cache user\'s password, and no other secret', async () => {
    expect(await decide({ principal, action: 'secretsmanager:GetSecretValue', resource: cachePassword, identityPolicies })).toBe('Allowed');
    expect(await decide({ principal, action: 'secretsmanager:GetSecretValue', resource: arn('secretsmanager', 'secret:payroll/api-key-AbCdEf'), identityPolicies }))
      .toBe('ImplicitlyDenied');
  });

  test('decrypts through Secrets Manager and Kinesis, and not directly', async () => {
    for (const service of ['secretsmanager', 'kinesis']) {
      expect(await decide({ principal, action: 'kms:Decrypt', resource: keyArn, identityPolicies, resourcePolicy: keyPolicy, context: via(service) }))
        .toBe('Allowed');
    }
    expect(await decide({ principal, action: 'kms:Decrypt', resource: keyArn, identityPolicies, resourcePolicy: keyPolicy })).toBe('ImplicitlyDenied');
  });

  test('sends failed records to its queue (with a data key through SQS only), and to no other queue', async () => {
    expect(await decide({ principal, action: 'sqs:SendMessage', resource: queueArn, identityPolicies })).toBe('Allowed');
    expect(await decide({ principal, action: 'sqs:SendMessage', resource: arn('sqs', 'someone-elses-queue'), identityPolicies })).toBe('ImplicitlyDenied');
    expect(await decide({ principal, action: 'kms:GenerateDataKey', resource: keyArn, identityPolicies, resourcePolicy: keyPolicy, context: via('sqs') }))
      .toBe('Allowed');
    expect(await decide({ principal, action: 'kms:GenerateDataKey', resource: keyArn, identityPolicies, resourcePolicy: keyPolicy }))
      .toBe('ImplicitlyDenied');
  });

  test('sends records that are not valid transactions to its quarantine, and may not read the quarantine back', async () => {
    expect(await decide({ principal, action: 'sqs:SendMessage', resource: quarantineArn, identityPolicies })).toBe('Allowed');
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue']) {
      expect(await decide({ principal, action, resource: quarantineArn, identityPolicies })).toBe('ImplicitlyDenied');
    }
  });

  test('creates network interfaces only with its own subnets and security group', async () => {
    const subnets = stack.resources[fn].Properties.VpcConfig.SubnetIds.map((s: any) => stack.resolve(s));
    const group = stack.resolve(stack.resources[fn].Properties.VpcConfig.SecurityGroupIds[0]);
    const create = (resource: string) => decide({ principal, action: 'ec2:CreateNetworkInterface', resource, identityPolicies });
    expect(await create(arn('ec2', `subnet/${subnets[0]}`))).toBe('Allowed');
    expect(await create(arn('ec2', `security-group/${group}`))).toBe('Allowed');
    expect(await create(arn('ec2', 'subnet/subnet-of-the-data-tier'))).toBe('ImplicitlyDenied');
    expect(await create(arn('ec2', 'security-group/sg-of-someone-else'))).toBe('ImplicitlyDenied');
  });
});

describe('FastShop\'s schema migrations (the migration function and the custom resource function)', () => {
  const stack = fastShop.stack('FastShopPipeline');
  const role = (name: string) => stack.resources[stack.logicalId('AWS::Lambda::Function', r => r.Properties?.FunctionName === name)].Properties.Role['Fn::GetAtt'][0];
  const migration = stack.caller(role('lgpd-db-schema-dev'));
  const handler = stack.caller(role('lgpd-db-schema-dev-cfn'));
  const db = stack.logicalId('AWS::RDS::DBInstance');
  const dbArn = arn('rds', `db:${stack.ref(db)}`);
  const rdsSecretArn = stack.getAtt(db, 'MasterUserSecret.SecretArn');
  const { keyArn, keyPolicy } = stack.key();
  const read = (caller: { principal: string; identityPolicies: any[] }, resource: string, instance = dbArn) =>
    decide({ ...caller, action: 'secretsmanager:GetSecretValue', resource, context: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': instance } });

  test('the migration function reads the master secret RDS tags with this database, and decrypts it through Secrets Manager only', async () => {
    expect(await read(migration, rdsSecretArn)).toBe('Allowed');
    expect(await read(migration, arn('secretsmanager', 'secret:rds!db-0a1b2c3d-AbCdEf'), arn('rds', 'db:someone-elses-db'))).toBe('ImplicitlyDenied');
    const decrypt = (context: Record<string, string>) => decide({ ...migration, action: 'kms:Decrypt', resource: keyArn, resourcePolicy: keyPolicy, context });
    expect(await decrypt({ 'kms:ViaService': `secretsmanager.${TEST_REGION}.amazonaws.com` })).toBe('Allowed');
    expect(await decrypt({})).toBe('ImplicitlyDenied');
  });

  test('the custom resource function may only invoke the migration function: it reads no secret', async () => {
    const migrationFunction = stack.getAtt(stack.logicalId('AWS::Lambda::Function', r => r.Properties?.FunctionName === 'lgpd-db-schema-dev'), 'Arn');
    expect(await decide({ ...handler, action: 'lambda:InvokeFunction', resource: migrationFunction })).toBe('Allowed');
    expect(await decide({ ...handler, action: 'lambda:InvokeFunction', resource: arn('lambda', 'function:lgpd-processor-dev-processor') })).toBe('ImplicitlyDenied');
    expect(await read(handler, rdsSecretArn)).toBe('ImplicitlyDenied');
  });
});

describe('FastShop\'s redrive function (its own managed policy: the queues, the stream, the stores)', () => {
  const stack = fastShop.stack('FastShopPipeline');
  const fn = stack.logicalId('AWS::Lambda::Function', r => r.Properties?.FunctionName === 'lgpd-redrive-dev-processor');
  const { principal, identityPolicies } = stack.caller(stack.resources[fn].Properties.Role['Fn::GetAtt'][0]);
  const streamArn = stack.getAtt(stack.logicalId('AWS::Kinesis::Stream'), 'Arn');
  const { keyArn, keyPolicy } = stack.key();
  const queue = (suffix: string) => stack.getAtt(stack.logicalId('AWS::SQS::Queue', r => r.Properties?.QueueName === `lgpd-processor-dev-processor-${suffix}`), 'Arn');
  const via = (service: string) => ({ 'kms:ViaService': `${service}.${TEST_REGION}.amazonaws.com` });

  test('takes messages from the failed-records and quarantine queues (decrypting through SQS only), and no other queue\'s', async () => {
    for (const resource of [queue('failed'), queue('quarantine')]) {
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']) {
        expect(await decide({ principal, action, resource, identityPolicies })).toBe('Allowed');
      }
      expect(await decide({ principal, action: 'sqs:PurgeQueue', resource, identityPolicies })).toBe('ImplicitlyDenied');
    }
    expect(await decide({ principal, action: 'sqs:ReceiveMessage', resource: arn('sqs', 'someone-elses-queue'), identityPolicies })).toBe('ImplicitlyDenied');
    expect(await decide({ principal, action: 'kms:Decrypt', resource: keyArn, identityPolicies, resourcePolicy: keyPolicy, context: via('sqs') })).toBe('Allowed');
    expect(await decide({ principal, action: 'kms:Decrypt', resource: keyArn, identityPolicies, resourcePolicy: keyPolicy })).toBe('ImplicitlyDenied');
  });

  test('sends to the quarantine (what a redrive of failed records finds invalid), and not to the failed-records queue', async () => {
    expect(await decide({ principal, action: 'sqs:SendMessage', resource: queue('quarantine'), identityPolicies })).toBe('Allowed');
    expect(await decide({ principal, action: 'sqs:SendMessage', resource: queue('failed'), identityPolicies })).toBe('ImplicitlyDenied');
  });

  test('reads records from the stream by shard iterator, and may not write or delete the stream', async () => {
    for (const action of ['kinesis:GetShardIterator', 'kinesis:GetRecords']) {
      expect(await decide({ principal, action, resource: streamArn, identityPolicies })).toBe('Allowed');
    }
    for (const action of ['kinesis:PutRecord', 'kinesis:DeleteStream']) {
      expect(await decide({ principal, action, resource: streamArn, identityPolicies })).toBe('ImplicitlyDenied');
    }
  });

  test('signs in to the stores as the processor does: its role with IAM, its cache user, and never the master secret', async () => {
    const db = stack.logicalId('AWS::RDS::DBInstance');
    const cachePassword = stack.ref(stack.logicalId('AWS::SecretsManager::Secret', r => r.Properties?.Name === 'lgpd-pipeline/dev/cache-user/processor'));
    const connect = (user: string) =>
      decide({ principal, action: 'rds-db:connect', resource: arn('rds-db', `dbuser:${stack.getAtt(db, 'DbiResourceId')}/${user}`), identityPolicies });
    expect(await connect('lgpd_processor')).toBe('Allowed');
    expect(await connect('pipeline_admin')).toBe('ImplicitlyDenied');
    expect(await decide({ principal, action: 'secretsmanager:GetSecretValue', resource: cachePassword, identityPolicies })).toBe('Allowed');
    expect(await decide({
      principal,
      action: 'secretsmanager:GetSecretValue',
      resource: stack.getAtt(db, 'MasterUserSecret.SecretArn'),
      identityPolicies,
      context: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': arn('rds', `db:${stack.ref(db)}`) },
    })).toBe('ImplicitlyDenied');
  });
});

describe.each([
  ['the production case', productionCase, 'LgpdIntegProduction', 'LgpdIntegProduction'],
  ['the bring-your-own-key case', byo, 'LgpdIntegBringYourOwn', 'LgpdIntegBringYourOwnBase'],
])('a grantRead consumer in %s', (_, assembly, stackName, keyStackName) => {
  const stack = assembly.stack(stackName);
  const keyStack = assembly.stack(keyStackName);
  const fn = stack.logicalId('AWS::Lambda::Function', r => /Reads a record back/.test(r.Properties?.Description ?? ''));
  const { principal, identityPolicies } = stack.caller(stack.resources[fn].Properties.Role['Fn::GetAtt'][0]);
  const streamArn = stack.getAtt(stack.logicalId('AWS::Kinesis::Stream'), 'Arn');
  const { keyArn, keyPolicy } = keyStack.key();

  test('reads records, and may not write them', async () => {
    for (const action of ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStreamSummary', 'kinesis:ListShards']) {
      expect(await decide({ principal, action, resource: streamArn, identityPolicies })).toBe('Allowed');
    }
    expect(await decide({ principal, action: 'kinesis:PutRecord', resource: streamArn, identityPolicies })).toBe('ImplicitlyDenied');
  });

  test('decrypts records through Kinesis, and not directly', async () => {
    expect(await decide({
      principal,
      action: 'kms:Decrypt',
      resource: keyArn,
      identityPolicies,
      resourcePolicy: keyPolicy,
      context: { 'kms:ViaService': `kinesis.${TEST_REGION}.amazonaws.com` },
    })).toBe('Allowed');
    expect(await decide({ principal, action: 'kms:Decrypt', resource: keyArn, identityPolicies, resourcePolicy: keyPolicy })).toBe('ImplicitlyDenied');
  });
});

describe.each([
  ['the production case', productionCase, 'LgpdIntegProduction'],
  ['the bring-your-own-key case', byo, 'LgpdIntegBringYourOwn'],
])('the alarm inbox of %s', (_, assembly, stackName) => {
  const stack = assembly.stack(stackName);
  const queue = stack.logicalId('AWS::SQS::Queue');
  const topicArn = stack.ref(stack.logicalId('AWS::SNS::Topic'));
  const queuePolicy = stack.properties(stack.logicalId('AWS::SQS::QueuePolicy')).PolicyDocument;
  const deliver = (sourceArn: string) => decide({
    principal: 'sns.amazonaws.com',
    action: 'sqs:SendMessage',
    resource: stack.getAtt(queue, 'Arn'),
    resourcePolicy: queuePolicy,
    context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': TEST_ACCOUNT, 'aws:SecureTransport': 'true' },
  });

  test('receives what SNS delivers from the alarm topic, and nothing from another topic', async () => {
    expect(await deliver(topicArn)).toBe('Allowed');
    expect(await deliver(arn('sns', 'someone-elses-topic'))).toBe('ImplicitlyDenied');
  });
});

describe('what the simulator cannot judge', () => {
  test('it ignores kms:EncryptionContext keys, so the key\'s CloudWatch Logs statement never matches here', async () => {
    const stack = fastShop.stack('FastShopPipeline');
    const key = stack.logicalId('AWS::KMS::Key');
    const outcome = await evaluate({
      principal: `logs.${TEST_REGION}.amazonaws.com`,
      action: 'kms:GenerateDataKey',
      resource: stack.getAtt(key, 'Arn'),
      resourcePolicy: stack.keyPolicy(key),
      context: { 'kms:EncryptionContext:aws:logs:arn': arn('logs', 'log-group:/lgpd-pipeline/dev/vpc-flow-logs') },
    });
    // Not a verdict on the key policy: the statement's condition is unevaluated, so it cannot match.
    expect(outcome.ignoredContextKeys).toEqual(['kms:EncryptionContext:aws:logs:arn']);
    expect(outcome.decision).toBe('ImplicitlyDenied');
  });
});

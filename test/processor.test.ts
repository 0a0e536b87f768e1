/**
 * pipeline.addProcessor: a Lambda function wired to the stream and the stores. What the reference
 * processor does with the records is proven against real PostgreSQL and Redis in test/processor/
 * (`npx projen test:processor`); here, what the template gives it to run with.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DatabaseAuthentication, LgpdDataPipelineProps, PipelineAlarm, TransactionProcessor, TransactionProcessorOptions } from '../src';
import { NetworkModel } from './fixtures/reachability';
import { build, only, resourcesOf } from './util';

function withProcessor(options: TransactionProcessorOptions = {}, props: Partial<LgpdDataPipelineProps> = {}) {
  const { stack, pipeline } = build({ environmentSuffix: 'dev', shardCount: 2, ...props });
  const processor = pipeline.addProcessor('Processor', options);
  return { stack, pipeline, processor, template: Template.fromStack(stack) };
}

const KEY_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineKey'), 'Arn'] };

describe('a processor with the defaults', () => {
  const { stack, pipeline, processor, template } = withProcessor();
  const functions = resourcesOf(template, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('PipelineProcessorFunction'));
  const [functionId, fnResource] = functions[0];

  test('runs the bundled reference processor on Node.js 24 (arm64), named with the suffix', () => {
    expect(functions).toHaveLength(1);
    expect(fnResource.Properties).toMatchObject({
      FunctionName: 'lgpd-processor-dev-processor',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 60,
    });
    const asset = path.join(__dirname, '..', 'assets', 'handlers', 'transaction-processor', 'index.js');
    expect(fs.existsSync(asset)).toBe(true);
    expect(fs.readFileSync(asset, 'utf-8')).toMatch(/exports\.handler|handler:/);
  });

  test('is configured for the pipeline\'s stores: endpoints, ports, its own database role (IAM) and cache user, and the RDS CAs it ships', () => {
    expect(stack.resolve(fnResource.Properties.Environment.Variables)).toEqual({
      DB_HOST: { 'Fn::GetAtt': ['PipelineDatabase0EE08539', 'Endpoint.Address'] },
      DB_PORT: '5433',
      DB_NAME: 'transactions',
      DB_IAM_USER: 'lgpd_processor',
      CACHE_HOST: { 'Fn::GetAtt': ['PipelineCacheD3E320C9', 'PrimaryEndPoint.Address'] },
      CACHE_PORT: { 'Fn::GetAtt': ['PipelineCacheD3E320C9', 'PrimaryEndPoint.Port'] },
      CACHE_USER: 'lgpd-processor',
      CACHE_AUTH_SECRET_ARN: { Ref: expect.stringMatching(/^PipelineCacheUsersProcessorPassword/) },
      CACHE_CLUSTER_MODE: 'false',
      CACHE_TTL_SECONDS: '86400',
      QUARANTINE_QUEUE_URL: { Ref: expect.stringMatching(/^PipelineProcessorQuarantine/) },
      SUBJECT_KEY_SECRET_ARN: { Ref: 'PipelineSubjectKey3505E948' },
      LGPD_PIPELINE: 'dev',
      NODE_EXTRA_CA_CERTS: '/var/task/rds-ca-bundle.pem',
    });
    // The file NODE_EXTRA_CA_CERTS names is in the function's asset, beside index.js.
    expect(fs.existsSync(path.join(__dirname, '..', 'assets', 'handlers', 'transaction-processor', 'rds-ca-bundle.pem'))).toBe(true);
  });

  test('its security group has no fixed name, so an update that replaces the group does not fail on the name', () => {
    const [groupRef] = fnResource.Properties.VpcConfig.SecurityGroupIds;
    expect(template.toJSON().Resources[groupRef['Fn::GetAtt'][0]].Properties.GroupName).toBeUndefined();
  });

  test('its event source waits for the schema migrations, which make its table and its role', () => {
    const [schemaId] = resourcesOf(template, 'Custom::LgpdDatabaseSchema')[0];
    expect(only(template, 'AWS::Lambda::EventSourceMapping').DependsOn).toContain(schemaId);
  });

  test('runs in the application subnets, and reaches the database, the cache and three endpoints only (the SQS one for its quarantine)', () => {
    const model = new NetworkModel(template.toJSON());
    const subnets = fnResource.Properties.VpcConfig.SubnetIds.map((s: any) => s.Ref);
    expect(subnets.sort()).toEqual(model.subnetsNamed('Application').sort());
    const [groupRef] = fnResource.Properties.VpcConfig.SecurityGroupIds;
    expect(model.reachableFrom(groupRef['Fn::GetAtt'][0], subnets)).toEqual([
      'PipelineCacheD3E320C9 tcp/6380', 'PipelineDatabase0EE08539 tcp/5433',
      'kinesis-streams (interface endpoint) tcp/443', 'secretsmanager (interface endpoint) tcp/443', 'sqs (interface endpoint) tcp/443',
    ]);
  });

  test('logs to its own log group, encrypted with the pipeline key, bounded, kept like the pipeline\'s logs', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/aws/lambda/lgpd-processor-dev-processor', KmsKeyId: KEY_ARN, RetentionInDays: 365 },
      DeletionPolicy: Match.stringLikeRegexp('Retain'),
    });
    expect(fnResource.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.stringMatching(/^PipelineProcessorLogs/) });
  });

  test('reads the stream from the oldest record, in batches of 100, with bisection and partial batch responses, retrying a failing batch until its records are 6 hours old', () => {
    const mapping = only(template, 'AWS::Lambda::EventSourceMapping');
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: functionId },
      EventSourceArn: { 'Fn::GetAtt': ['PipelineStream7C05F50C', 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: 21600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^PipelineProcessorFailedRecords/), 'Arn'] } } },
    });
    // Lambda checks the role can read the stream when the mapping is created: it waits for the policy.
    expect(mapping.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^PipelineProcessorPolicy/)]));
    expect(processor.eventSourceMapping).toBeInstanceOf(lambda.EventSourceMapping);
  });

  test('keeps what it gives up on in an SQS queue encrypted with the pipeline key, TLS only, for 14 days', () => {
    const [queueId, queue] = resourcesOf(template, 'AWS::SQS::Queue').find(([id]) => id.startsWith('PipelineProcessorFailedRecords'))!;
    expect(queue.Properties).toMatchObject({
      QueueName: 'lgpd-processor-dev-processor-failed',
      KmsMasterKeyId: { 'Fn::GetAtt': ['PipelineKey5335B18C', 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    expect(fnResource.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
  });

  test('sends records that are not valid transactions to a quarantine queue encrypted with the pipeline key, TLS only, for 14 days, through SQS only', () => {
    const [queueId, queue] = resourcesOf(template, 'AWS::SQS::Queue').find(([id]) => id.startsWith('PipelineProcessorQuarantine'))!;
    expect(queue.Properties).toMatchObject({
      QueueName: 'lgpd-processor-dev-processor-quarantine',
      KmsMasterKeyId: { 'Fn::GetAtt': ['PipelineKey5335B18C', 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const policy = stack.resolve(resourcesOf(template, 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('PipelineProcessorPolicy'))![1].Properties.PolicyDocument);
    expect(policy.Statement).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    ]));
    expect(processor.quarantineQueue.node.id).toBe('Quarantine');
  });

  test('its iterator-age alarm goes off within half of the maximum record age, so an outage is heard of before any record is discarded', () => {
    const mapping = only(template, 'AWS::Lambda::EventSourceMapping').Properties;
    const alarm = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties).find(a => a.AlarmName === 'lgpd-pipeline-dev-processor-iterator-age');
    expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'IteratorAge', Statistic: 'Maximum', ComparisonOperator: 'GreaterThanThreshold' });
    const firesAfterSeconds = alarm.Threshold / 1000 + alarm.Period * alarm.EvaluationPeriods;
    expect(firesAfterSeconds).toBe(660);
    expect(firesAfterSeconds * 2).toBeLessThanOrEqual(mapping.MaximumRecordAgeInSeconds);
  });

  test('has a redrive function (index.redrive of the same bundle) with the processor\'s environment and the failed-records queue, that may read both queues and the stream, and send to the quarantine', () => {
    const [redriveId, redrive] = resourcesOf(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('PipelineProcessorRedrive'))!;
    expect(redrive.Properties).toMatchObject({
      FunctionName: 'lgpd-redrive-dev-processor', Handler: 'index.redrive', Runtime: 'nodejs24.x', Timeout: 900, Code: fnResource.Properties.Code,
    });
    const env = stack.resolve(redrive.Properties.Environment.Variables);
    expect(env).toEqual({ ...stack.resolve(fnResource.Properties.Environment.Variables), FAILED_RECORDS_QUEUE_URL: { Ref: expect.stringMatching(/^PipelineProcessorFailedRecords/) } });
    const policy = JSON.stringify(stack.resolve(resourcesOf(template, 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('PipelineProcessorRedrivePolicy'))![1].Properties.PolicyDocument));
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'rds-db:connect', '/lgpd_processor', 'PipelineCacheUsersProcessorPassword']) {
      expect(policy).toContain(action);
    }
    // It signs in as the processor does: never with the master secret.
    expect(policy).not.toContain('rds!db-');
    expect(policy).not.toContain('MasterUserSecret');
    expect(stack.resolve(processor.redriveFunction!.functionName)).toEqual({ Ref: redriveId });
    // Where the processor runs, with the stores and the endpoints it reads the stream and the queues through.
    const model = new NetworkModel(template.toJSON());
    const subnets = redrive.Properties.VpcConfig.SubnetIds.map((x: any) => x.Ref);
    expect(subnets.sort()).toEqual(model.subnetsNamed('Application').sort());
    expect(model.reachableFrom(redrive.Properties.VpcConfig.SecurityGroupIds[0]['Fn::GetAtt'][0], subnets)).toEqual([
      'PipelineCacheD3E320C9 tcp/6380', 'PipelineDatabase0EE08539 tcp/5433',
      'kinesis-streams (interface endpoint) tcp/443', 'secretsmanager (interface endpoint) tcp/443', 'sqs (interface endpoint) tcp/443',
    ]);
  });

  test('its environment variables are encrypted with the pipeline key', () => {
    expect(fnResource.Properties.KmsKeyArn).toEqual({ 'Fn::GetAtt': ['PipelineKey5335B18C', 'Arn'] });
  });

  test('may write network interfaces only in its own subnets and security group; only the read-only Describe actions are on every resource', () => {
    const policy = stack.resolve(resourcesOf(template, 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('PipelineProcessorPolicy'))![1].Properties.PolicyDocument);
    const wildcard = policy.Statement.filter((st: any) => st.Resource === '*').flatMap((st: any) => [st.Action].flat());
    expect(wildcard.sort()).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);
    const writes = policy.Statement.find((st: any) => [st.Action].flat().includes('ec2:CreateNetworkInterface'));
    const resources = JSON.stringify(writes.Resource);
    for (const subnet of fnResource.Properties.VpcConfig.SubnetIds) expect(resources).toContain(JSON.stringify(subnet));
    expect(resources).toContain(JSON.stringify(fnResource.Properties.VpcConfig.SecurityGroupIds[0]));
    expect(resources).toContain(':network-interface/*');
  });

  test('reserves no concurrency by default (a reservation fails in accounts with a low quota), and says so to cdk-nag and checkov', () => {
    expect(fnResource.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(fnResource.Metadata.checkov.skip.map((x: any) => x.id)).toEqual(['CKV_AWS_115']);
  });

  test('alarms on errors, on its iterator age, on expired and on quarantined records, to the pipeline\'s topic', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties)
      .filter(a => a.AlarmName.startsWith('lgpd-pipeline-dev-processor-'));
    expect(alarms.map(a => [a.AlarmName, a.Namespace, a.MetricName, a.Statistic, a.Threshold, a.ComparisonOperator])).toEqual([
      ['lgpd-pipeline-dev-processor-errors', 'AWS/Lambda', 'Errors', 'Sum', 1, 'GreaterThanOrEqualToThreshold'],
      ['lgpd-pipeline-dev-processor-iterator-age', 'AWS/Lambda', 'IteratorAge', 'Maximum', 600000, 'GreaterThanThreshold'],
      ['lgpd-pipeline-dev-processor-failed-records', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 0, 'GreaterThanThreshold'],
      ['lgpd-pipeline-dev-processor-quarantined', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 0, 'GreaterThanThreshold'],
    ]);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^PipelineMonitoringAlarmTopic/) }]);
    expect(pipeline.alarmsOf(PipelineAlarm.PROCESSOR_ERRORS)).toHaveLength(1);
    expect(pipeline.alarmsOf(PipelineAlarm.PROCESSOR_FAILED_RECORDS)).toHaveLength(1);
    expect(pipeline.alarmsOf(PipelineAlarm.PROCESSOR_QUARANTINED)).toHaveLength(1);
    expect(pipeline.alarmsOf(PipelineAlarm.PROCESSOR_ITERATOR_AGE)).toHaveLength(1);
  });

  test('its permissions are one customer-managed policy on its own role, no inline policy; its connections are the function\'s', () => {
    const role = resourcesOf(template, 'AWS::IAM::Role').find(([id]) => id.startsWith('PipelineProcessorRole'))!;
    expect(fnResource.Properties.Role).toEqual({ 'Fn::GetAtt': [role[0], 'Arn'] });
    expect(role[1].Properties.ManagedPolicyArns).toBeUndefined();
    const managed = resourcesOf(template, 'AWS::IAM::ManagedPolicy').filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(role[0]));
    expect(managed.map(([id]) => id)).toEqual([expect.stringMatching(/^PipelineProcessorPolicy/)]);
    expect(resourcesOf(template, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(role[0]))).toEqual([]);
    expect(processor.connections).toBe(processor.function.connections);
    expect(processor).toBeInstanceOf(TransactionProcessor);
  });
});

describe('a processor with options', () => {
  test('batching, position, parallelization, retries and age are passed to the event source', () => {
    const { template } = withProcessor({
      batchSize: 500,
      maxBatchingWindow: Duration.seconds(5),
      startingPosition: lambda.StartingPosition.LATEST,
      parallelizationFactor: 2,
      bisectBatchOnError: false,
      retryAttempts: 3,
      maxRecordAge: Duration.minutes(30),
      reportBatchItemFailures: false,
    });
    const mapping = only(template, 'AWS::Lambda::EventSourceMapping').Properties;
    expect(mapping).toMatchObject({
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      StartingPosition: 'LATEST',
      ParallelizationFactor: 2,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 1800,
    });
    expect(mapping.FunctionResponseTypes).toBeUndefined();

  });

  test('a rotated secret of its own instead of IAM: the processor reads that secret, which Secrets Manager rotates as the role itself', () => {
    const { template, stack } = withProcessor({ databaseAuthentication: DatabaseAuthentication.rotatedSecret(Duration.days(7)) });
    const env = func(template).Properties.Environment.Variables;
    const [attachment] = resourcesOf(template, 'AWS::SecretsManager::SecretTargetAttachment').map(([id]) => id);
    expect(env.DB_SECRET_ARN).toEqual({ Ref: attachment });
    expect(env.DB_IAM_USER).toBeUndefined();
    const policy = JSON.stringify(stack.resolve(resourcesOf(template, 'AWS::IAM::ManagedPolicy')
      .find(([id]) => id.startsWith('PipelineProcessorPolicy'))![1].Properties.PolicyDocument));
    expect(policy).toContain(attachment);
    expect(policy).not.toContain('rds-db:connect');
    expect(policy).not.toContain('rds!db-');
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'lgpd-pipeline/dev/db-login/lgpd_processor',
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"lgpd_processor","dbname":"transactions"}' }),
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
    const [rotation] = resourcesOf(template, 'AWS::Serverless::Application').map(([, r]) => r);
    const mapping = template.toJSON().Mappings[rotation.Properties.Location.ApplicationId['Fn::FindInMap'][0]];
    expect(mapping.aws.applicationId).toMatch(/:applications\/SecretsManagerRDSPostgreSQLRotationSingleUser$/);
  });

  test('your own code, handler and runtime replace the reference processor; the wiring stays', () => {
    const { template } = withProcessor({ code: lambda.Code.fromInline('exports.main = async () => ({ batchItemFailures: [] });'), handler: 'index.main', runtime: lambda.Runtime.NODEJS_22_X, environment: { MODE: 'audit' } });
    const f = func(template).Properties;
    expect(f).toMatchObject({ Handler: 'index.main', Runtime: 'nodejs22.x', Code: { ZipFile: 'exports.main = async () => ({ batchItemFailures: [] });' } });
    // Your code ships no RDS CA bundle: the runtime's Amazon CAs are trusted instead.
    expect(f.Environment.Variables).toMatchObject({ MODE: 'audit', DB_NAME: 'transactions', NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    // The redrive is the reference processor's: your code has no `index.redrive`.
    expect(resourcesOf(template, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('PipelineProcessorRedrive'))).toEqual([]);
  });

  test('cluster mode: the processor uses the configuration endpoint and a cluster client', () => {
    const env = func(withProcessor({}, { cacheNodeGroups: 2 }).template).Properties.Environment.Variables;
    expect(env.CACHE_CLUSTER_MODE).toBe('true');
    expect(env.CACHE_HOST).toEqual({ 'Fn::GetAtt': ['PipelineCacheD3E320C9', 'ConfigurationEndPoint.Address'] });
  });

  test('reservedConcurrentExecutions reserves that many executions, and nothing is acknowledged then', () => {
    const f = func(withProcessor({ reservedConcurrentExecutions: 4 }, { shardCount: undefined, streamMode: kinesis.StreamMode.ON_DEMAND }).template);
    expect(f.Properties.ReservedConcurrentExecutions).toBe(4);
    expect(f.Metadata.checkov).toBeUndefined();
  });

  test('disabled processor alarms are not created, and enableAlarms false creates none', () => {
    const off = withProcessor({}, { monitoring: { disabledAlarms: [PipelineAlarm.PROCESSOR_ERRORS] } }).template;
    const names = resourcesOf(off, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties.AlarmName);
    expect(names).toContain('lgpd-pipeline-dev-processor-failed-records');
    expect(names).not.toContain('lgpd-pipeline-dev-processor-errors');
    withProcessor({}, { monitoring: { enableAlarms: false } }).template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('two processors get their own names, queues, groups and alarms, and sign in as the one processor role and cache user', () => {
    const { stack, pipeline } = build({ environmentSuffix: 'dev' });
    pipeline.addProcessor('Ledger');
    pipeline.addProcessor('FraudScore');
    const template = Template.fromStack(stack);
    const names = resourcesOf(template, 'AWS::Lambda::Function').map(([, r]) => r.Properties.FunctionName).filter(n => n?.startsWith('lgpd-processor'));
    expect(names.sort()).toEqual(['lgpd-processor-dev-fraud-score', 'lgpd-processor-dev-ledger']);
    template.resourceCountIs('AWS::SQS::Queue', 4);
    expect(pipeline.alarmsOf(PipelineAlarm.PROCESSOR_ERRORS)).toHaveLength(2);
    const groups = resourcesOf(template, 'AWS::EC2::SecurityGroup').filter(([id]) => /^Pipeline(Ledger|FraudScore)SecurityGroup/.test(id));
    expect(groups).toHaveLength(2);
    template.resourceCountIs('Custom::LgpdDatabaseSchema', 1);
    template.resourceCountIs('AWS::ElastiCache::User', 2);
  });
});

function func(template: Template): any {
  return resourcesOf(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('PipelineProcessorFunction'))![1];
}

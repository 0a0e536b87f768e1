/**
 * The DataSubjectRights add-on's template (unit tests): the workflow, the functions, the bucket, the
 * endpoints, the alarms, the tombstone TTL read from the stream's consumers, the stores' erasure-path tag,
 * the options' validation, and the environment contract read by the handlers' own config readers. The
 * behaviour on real stores is in test/rights/*.rights.ts, the roles in test/policy/rights.test.ts.
 */
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ERASURE_PATH_TAG as RULE_TAG } from 'cdk-lgpd-checks/lib/rules/general/PersonalDataErasurePath';
import { readRequestsConfig, readWorkerConfig } from '../handlers/data-subject-rights/config';
import { ClientEndpoints, DataSubjectRightsOptions, ErasureMode, LgpdDataPipelineProps, TransactionProcessorOptions } from '../src';
import { build } from './util';
// The rule pack imports nothing from the constructs: the tag is written on each side, and checked here.
// eslint-disable-next-line import/no-extraneous-dependencies
import { ERASURE_PATH_TAG } from '../src/private/tags';

function rightsTemplate(options: DataSubjectRightsOptions = {}, props: Partial<LgpdDataPipelineProps> = {},
  processor: TransactionProcessorOptions | null = {}) {
  const { stack, pipeline } = build({ environmentSuffix: 'dev', ...props });
  const rights = pipeline.addDataSubjectRights('Rights', options);
  // Added after the rights: the tombstone TTL and the sweep delay are read at synth time, so it counts.
  if (processor !== null) pipeline.addProcessor('Processor', processor);
  return { stack, pipeline, rights, template: Template.fromStack(stack) };
}

function variables(template: Template, functionName: string): Record<string, any> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName } }));
  return fn.Properties.Environment.Variables;
}

function definition(template: Template): any {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const parts = machine.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  return JSON.parse(parts.map(p => (typeof p === 'string' ? p : 'arn:aws:lambda:sa-east-1:111122223333:function:worker')).join(''));
}

describe('DataSubjectRights', () => {
  test('a Standard workflow that carries the request id alone, gives up before the due date, logs without execution data, and is traced', () => {
    const { template } = rightsTemplate();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'lgpd-rights-dev-rights',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    const d = definition(template);
    expect(d.TimeoutSeconds).toBe((15 - 3) * 86_400);
    const tasks = Object.entries<any>(d.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual(['Erase', 'Export', 'Fence', 'MarkFailed', 'Sweep']);
    for (const [name, state] of tasks) {
      expect([name, state.Parameters]).toEqual([name, { 'requestId.$': '$.requestId', 'step': expect.any(String) }]);
      expect([name, state.ResultPath]).toEqual([name, null]);
    }
    expect(d.States.AccessOrErasure.Choices).toEqual([{ Variable: '$.requestId', StringMatches: 'erase-*', Next: 'Fence' }]);
    // The wait before the sweep: the processor's timeout (1 minute by default), read from the template.
    expect(d.States.WaitForInFlightBatches.Seconds).toBe(60);
  });

  test('the tombstone TTL outlasts the stream\'s retention plus the consumers\' maximum record age and timeout, as deployed', () => {
    const { template } = rightsTemplate({}, { streamRetention: Duration.hours(48) },
      { maxRecordAge: Duration.hours(6), timeout: Duration.minutes(3) });
    expect(variables(template, 'lgpd-rights-dev-rights-worker').RIGHTS_TOMBSTONE_TTL_SECONDS).toBe(String(48 * 3600 + 6 * 3600 + 180 + 1));
    expect(definition(template).States.WaitForInFlightBatches.Seconds).toBe(180);
    const none = rightsTemplate({}, {}, null).template;
    expect(variables(none, 'lgpd-rights-dev-rights-worker').RIGHTS_TOMBSTONE_TTL_SECONDS).toBe(String(24 * 3600 + 1));
  });

  test('the functions run in the application subnets with their environment encrypted with the pipeline key, the export bucket is KMS, TLS only, private and expiring', () => {
    const { template } = rightsTemplate({ exportExpiration: Duration.days(3) });
    for (const name of ['lgpd-rights-dev-rights-requests', 'lgpd-rights-dev-rights-worker']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: name,
        VpcConfig: { SubnetIds: [{ Ref: Match.stringLikeRegexp('PipelineNetworkApplicationSubnet1') }, { Ref: Match.stringLikeRegexp('PipelineNetworkApplicationSubnet2') }] },
        KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineKey'), 'Arn'] },
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('PipelineRights') } },
      });
    }
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('PipelineKey'), 'Arn'] } },
          BucketKeyEnabled: true,
        }],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'exports/', ExpirationInDays: 3, Status: 'Enabled' })]) },
      VersioningConfiguration: Match.absent(),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('adds the Step Functions interface endpoint and the S3 gateway endpoint for its clients, and none where the pipeline manages none', () => {
    const { template } = rightsTemplate();
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.sa-east-1.states', VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] }, VpcEndpointType: 'Gateway',
    });
    const none = rightsTemplate({}, { clientEndpoints: ClientEndpoints.NONE }).template;
    expect(Object.keys(none.findResources('AWS::EC2::VPCEndpoint'))).toEqual([]);
  });

  test('tags the database and the cache with its erasure path, and adds its three alarms to the pipeline\'s', () => {
    const { template, pipeline } = rightsTemplate();
    for (const type of ['AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup']) {
      template.hasResourceProperties(type, { Tags: Match.arrayWith([{ Key: 'lgpd:erasure-path', Value: 'lgpd-rights-dev-rights' }]) });
    }
    expect(pipeline.alarms.map(a => a.node.id).filter(id => id.startsWith('Rights'))).toEqual(['RightsWorkflowFailed', 'RightsRequestsNearDue', 'RightsAuditChainBroken']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'lgpd-pipeline-dev-rights-requests-near-due', MetricName: 'RightsRequestsNearDue', Namespace: 'LgpdDataPipeline' });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)', Targets: [Match.objectLike({ Input: '{"step":"deadlines"}' })] });
  });

  test('the environment it sets is what the handlers\' own config readers accept', () => {
    const { template } = rightsTemplate({ erasure: ErasureMode.retainMinimized('CTN art. 173 (tax records)', Duration.days(1825)), recipients: ['Acme Payments'] });
    const local = (vars: Record<string, any>) => ({ AWS_REGION: 'sa-east-1', ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : k.endsWith('PORT') ? '6380' : `<${k}>`])) });
    expect(readRequestsConfig(local(variables(template, 'lgpd-rights-dev-rights-requests')))).toMatchObject({
      pipeline: 'dev',
      database: { credentials: { kind: 'iam', user: 'lgpd_rights' } },
      subjectKeySecretArn: '<SUBJECT_KEY_SECRET_ARN>',
      dueSeconds: 15 * 86_400,
      dueWarningSeconds: 3 * 86_400,
      erasure: { mode: 'RETAIN_MINIMIZED', legalBasis: 'CTN art. 173 (tax records)', retainDays: 1825 },
    });
    const worker = readWorkerConfig(local(variables(template, 'lgpd-rights-dev-rights-worker')));
    expect(worker).toMatchObject({ exportExpirationDays: 7, declaration: { recipients: ['Acme Payments'] } });
    expect(worker.residualCopies.map(c => [c.copy, c.retentionSeconds / 86_400])).toEqual([
      ['stream', 1], ['database-backups', 7], ['cache-snapshots', 15], ['log-groups', 365], ['quarantine-queue', 14], ['export-bucket', 7],
    ]);
  });

  test.each<[string, DataSubjectRightsOptions, RegExp]>([
    ['a due date past 15 days', { dueIn: Duration.days(20) }, /invalid rights.dueIn: got Duration.days\(20\); must be a whole number of days from 1 to 15/],
    ['a warning as long as the due period', { dueIn: Duration.days(5), dueWarning: Duration.days(5) }, /invalid rights.dueWarning: got Duration.days\(5\); must be a whole number of seconds from 1 hour to less than rights.dueIn/],
    ['exports kept past 90 days', { exportExpiration: Duration.days(365) }, /invalid rights.exportExpiration/],
    ['no purpose', { purposes: [] }, /invalid rights.purposes: got ; must name at least one purpose/],
    ['a declaration too long for the environment', { dataOrigin: 'x'.repeat(2500) }, /must be at most 2000 characters in all/],
  ])('fails when given %s', (_, options, message) => {
    expect(() => rightsTemplate(options)).toThrow(message);
  });

  test('fails when blocking states no legal basis, or keeps rows for more than 20 years', () => {
    expect(() => ErasureMode.retainMinimized(' ', Duration.days(30))).toThrow(/invalid rights.erasure legalBasis: got " "; must state the legal basis/);
    expect(() => ErasureMode.retainMinimized('CTN art. 173', Duration.days(8000))).toThrow(/invalid rights.erasure retention/);
  });

  test('fails when added twice to one pipeline: its tables are the pipeline\'s', () => {
    const { pipeline } = build({ environmentSuffix: 'dev' });
    pipeline.addDataSubjectRights('Rights');
    expect(() => pipeline.addDataSubjectRights('MoreRights')).toThrow(/invalid data-subject rights: got "MoreRights"; must be added once per pipeline/);
  });

  test('the erasure-path tag it writes is the one LgpdChecks\' PersonalDataErasurePath reads', () => {
    expect(ERASURE_PATH_TAG).toBe(RULE_TAG);
  });

  test('the gateway-endpoint hook adds one S3 endpoint however often it is asked', () => {
    const { stack, pipeline } = build({ environmentSuffix: 'dev', clientEndpoints: ClientEndpoints.PIPELINE_AND_CONTAINERS });
    pipeline.addClientGatewayEndpoint(ec2.GatewayVpcEndpointAwsService.S3);
    pipeline.addClientGatewayEndpoint(ec2.GatewayVpcEndpointAwsService.S3);
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }))).toHaveLength(1);
  });
});

/**
 * A user's own add-on, written against `ILgpdDataPipeline` / `IPipelineAddOn` the way a platform team
 * would: an audit consumer that reads the stream from the client subnets into a queue of its own. It
 * binds through the interface only, so this is also the proof that the interface carries what an
 * add-on needs: names, removal, log groups, acknowledgements, alarms, endpoints, grants and wiring.
 * (The same add-on is written in Python by the consumer tests: consumers/python.)
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ClientEndpoints, ILgpdDataPipeline, IPipelineAddOn, LgpdDataPipeline, LgpdDataPipelineProps, PipelineAlarm } from '../src';
import { NetworkModel } from './fixtures/reachability';
import { Assembly, arn, decide } from './policy/simulate';

/** The user's add-on. */
class AuditConsumer implements IPipelineAddOn {
  public queue?: sqs.Queue;
  public function?: lambda.Function;
  public alarm?: cloudwatch.Alarm;

  public bind(pipeline: ILgpdDataPipeline): void {
    const { conventions } = pipeline;
    const name = conventions.physicalName('audit', 'Consumer');
    this.queue = new sqs.Queue(pipeline, 'AuditQueue', {
      queueName: name,
      encryptionMasterKey: pipeline.encryptionKey,
      enforceSSL: true,
      removalPolicy: conventions.removalPolicy,
    });
    this.function = new lambda.Function(pipeline, 'AuditFunction', {
      functionName: name,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
      vpc: pipeline.vpc,
      vpcSubnets: pipeline.clientSubnets,
      allowAllOutbound: false,
      logGroup: conventions.logGroup(pipeline, 'AuditLogs', `/aws/lambda/${name}`),
    });
    pipeline.allowFrom(this.function);
    pipeline.grantRead(this.function);
    this.queue.grantSendMessages(this.function);
    pipeline.addClientEndpoint(ec2.InterfaceVpcEndpointAwsService.SQS);
    pipeline.addClientEndpoint(ec2.InterfaceVpcEndpointAwsService.SQS);
    conventions.acknowledge(this.function, 'CKV_AWS_116', 'The audit consumer is invoked by its event source only.');
    this.alarm = pipeline.addAlarm('AuditBacklog', {
      name: 'audit-backlog',
      description: 'Audit records wait in the audit queue.',
      metric: this.queue.metricApproximateNumberOfMessagesVisible(),
      threshold: 100,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      kind: PipelineAlarm.PROCESSOR_FAILED_RECORDS,
    });
  }
}

function withAuditConsumer(props: Partial<LgpdDataPipelineProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Audit', { env: { region: 'sa-east-1', account: '111122223333' } });
  const pipeline = new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev', ...props });
  const addOn = new AuditConsumer();
  pipeline.addOn(addOn);
  return { app, stack, pipeline, addOn, template: Template.fromStack(stack) };
}

describe('a user add-on bound through ILgpdDataPipeline', () => {
  const { app, stack, pipeline, addOn, template } = withAuditConsumer();

  test('names its queue with the pipeline convention, encrypts it with the pipeline key, and keeps it like the pipeline keeps data', () => {
    template.hasResource('AWS::SQS::Queue', {
      Properties: { QueueName: 'lgpd-audit-dev-consumer', KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineKey'), 'Arn'] } },
      DeletionPolicy: 'RetainExceptOnCreate',
    });
  });

  test('its log group follows the pipeline recipe: the pipeline key, one year, kept', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: '/aws/lambda/lgpd-audit-dev-consumer',
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PipelineKey'), 'Arn'] },
        RetentionInDays: 365,
      },
      DeletionPolicy: 'RetainExceptOnCreate',
    });
  });

  test('its alarm is the pipeline\'s: named with the suffix, listed by kind, and notifying the alarm topic on ALARM and OK', () => {
    expect(addOn.alarm).toBeDefined();
    expect(pipeline.alarmsOf(PipelineAlarm.PROCESSOR_FAILED_RECORDS)).toContain(addOn.alarm);
    const topic = { Ref: stack.getLogicalId(pipeline.alarmTopic!.node.defaultChild as any) };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'lgpd-pipeline-dev-audit-backlog',
      AlarmDescription: 'Audit records wait in the audit queue. (LGPD pipeline dev)',
      AlarmActions: [topic],
      OKActions: [topic],
      Threshold: 100,
    });
  });

  test('asking twice for the SQS endpoint adds one, and the function reaches the stores and the three endpoints only', () => {
    const model = new NetworkModel(template.toJSON());
    const sqsEndpoints = model.entries('AWS::EC2::VPCEndpoint').filter(([, r]) => JSON.stringify(r.Properties.ServiceName).includes('.sqs'));
    expect(sqsEndpoints).toHaveLength(1);
    const fn = addOn.function!.node.defaultChild as lambda.CfnFunction;
    const resource = template.toJSON().Resources[stack.getLogicalId(fn)];
    const subnets = resource.Properties.VpcConfig.SubnetIds.map((s: any) => s.Ref);
    const group = resource.Properties.VpcConfig.SecurityGroupIds[0]['Fn::GetAtt'][0];
    expect(model.reachableFrom(group, subnets)).toEqual([
      'PipelineCacheD3E320C9 tcp/6380', 'PipelineDatabase0EE08539 tcp/5433',
      'kinesis-streams (interface endpoint) tcp/443', 'secretsmanager (interface endpoint) tcp/443', 'sqs (interface endpoint) tcp/443',
    ]);
  });

  test('the acknowledgement reaches checkov on the function resource', () => {
    const fn = template.toJSON().Resources[stack.getLogicalId(addOn.function!.node.defaultChild as lambda.CfnFunction)];
    expect(fn.Metadata.checkov.skip).toEqual([{ id: 'CKV_AWS_116', comment: 'The audit consumer is invoked by its event source only.' }]);
  });

  test('the IAM simulator lets its role read the stream and send to its queue, and refuses it writing the stream or reading the cache token', async () => {
    const resolved = Assembly.of(app).stack(stack);
    const caller = resolved.caller(stack.getLogicalId(addOn.function!.role!.node.defaultChild as iam.CfnRole));
    const stream = arn('kinesis', 'stream/lgpd-transactions-dev');
    expect(await decide({ ...caller, action: 'kinesis:GetRecords', resource: stream })).toBe('Allowed');
    expect(await decide({ ...caller, action: 'kinesis:PutRecord', resource: stream })).toBe('ImplicitlyDenied');
    expect(await decide({ ...caller, action: 'sqs:SendMessage', resource: arn('sqs', 'lgpd-audit-dev-consumer') })).toBe('Allowed');
    expect(await decide({ ...caller, action: 'secretsmanager:GetSecretValue', resource: arn('secretsmanager', 'secret:lgpd-pipeline/dev/cache-auth-token-AbCdEf') }))
      .toBe('ImplicitlyDenied');
  });
});

describe('the add-on hooks follow the pipeline\'s settings', () => {
  test('a destroyable pipeline gives the add-on\'s queue and log group a Delete policy', () => {
    const { template } = withAuditConsumer({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::SQS::Queue', { Properties: { QueueName: 'lgpd-audit-dev-consumer' }, DeletionPolicy: 'Delete' });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { LogGroupName: '/aws/lambda/lgpd-audit-dev-consumer' }, DeletionPolicy: 'Delete' });
  });

  test('addAlarm creates nothing when the pipeline\'s alarms are off, or the alarm\'s kind is disabled', () => {
    expect(withAuditConsumer({ monitoring: { enableAlarms: false } }).addOn.alarm).toBeUndefined();
    const disabled = withAuditConsumer({ monitoring: { disabledAlarms: [PipelineAlarm.PROCESSOR_FAILED_RECORDS] } });
    expect(disabled.addOn.alarm).toBeUndefined();
    expect(disabled.template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'lgpd-pipeline-dev-audit-backlog' } })).toEqual({});
  });

  test('addClientEndpoint adds nothing when the pipeline manages no endpoints', () => {
    const { template } = withAuditConsumer({ clientEndpoints: ClientEndpoints.NONE });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test.each([
    ['the kind is not lowercase letters', 'Audit', 'X', 'LgpdDataPipeline: invalid add-on kind: got "Audit"; must be lowercase letters: it is part of physical names'],
    ['the id has a hyphen', 'audit', 'My-Consumer', 'LgpdDataPipeline: invalid audit id: got "My-Consumer"; must be letters and digits, starting with a letter'],
    ['the name would pass 64 characters', 'audit', 'A'.repeat(50), 'longer than Lambda\'s 64 characters: use a shorter id'],
  ])('physicalName fails when %s', (_, kind, id, message) => {
    const { pipeline } = withAuditConsumer();
    expect(() => pipeline.conventions.physicalName(kind, id)).toThrow(message);
  });

  test('acknowledging a checkov check fails on a construct that holds no CloudFormation resource of its own', () => {
    const { pipeline } = withAuditConsumer();
    const plain = new Construct(pipeline, 'Plain');
    expect(() => pipeline.conventions.acknowledge(plain, 'CKV_AWS_1', 'x'))
      .toThrow('LgpdDataPipeline: invalid acknowledge scope: got "Audit/Pipeline/Plain"; must be a CloudFormation resource, or a construct whose default child is one, for the checkov check CKV_AWS_1');
  });
});

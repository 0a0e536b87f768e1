import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LgpdChecks } from 'cdk-lgpd-checks';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgements, cdkNagPacks, findings, resourceCount, variants } from './nag';
import { LgpdDataPipeline } from '../../src';
import { buildIntegCase, CASE_NAMES } from '../integ-helpers/suite';

/**
 * The acknowledgements the library makes, as `<rule id> @ <path below the pipeline>`. Each is scoped to
 * the one construct that makes the resource and listed with its reason in docs/compliance.md. Adding
 * one is a decision a reviewer sees here; removing one makes its pack fail below.
 */
const IAM4_RDS_MONITORING = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]';
const COMMON_ACKNOWLEDGEMENTS = [
  'AwsSolutions-KDS3 @ Stream/Resource',
  // The cache admits the users of its user group, not an AUTH token (src/cache-users.ts); the processor's
  // user's password has no rotation function to give it.
  'AwsSolutions-AEC6 @ Cache/Resource',
  'AwsSolutions-SMG4 @ Cache/Users/ProcessorPassword',
  'HIPAA.Security-SecretsManagerRotationEnabled @ Cache/Users/ProcessorPassword',
  'NIST.800.53.R5-SecretsManagerRotationEnabled @ Cache/Users/ProcessorPassword',
  'HIPAA.Security-RDSInBackupPlan @ Database/Resource',
  'NIST.800.53.R5-RDSInBackupPlan @ Database/Resource',
  `${IAM4_RDS_MONITORING} @ Database/MonitoringRole`,
  // The inline Lambda that closes the default security group (src/private/default-security-group.ts).
  ...['HIPAA.Security', 'NIST.800.53.R5'].flatMap(pack => ['LambdaConcurrency', 'LambdaDLQ', 'LambdaInsideVPC']
    .map(rule => `${pack}-${rule} @ Network/DefaultSecurityGroup/Function`)),
  'PCI.DSS.321-LambdaInsideVPC @ Network/DefaultSecurityGroup/Function',
  // The transaction processor's policy (src/processor/transaction-processor.ts): the VPC network-interface actions.
  'AwsSolutions-IAM5[Resource::*] @ Processor/Policy',
  'HIPAA.Security-LambdaConcurrency @ Processor/Function/Resource',
  'NIST.800.53.R5-LambdaConcurrency @ Processor/Function/Resource',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:sa-east-1:<AWS::AccountId>:network-interface/*] @ Processor/Policy',
  // Its quarantine queue, which is the place of last resort itself (src/processor/transaction-processor.ts).
  'AwsSolutions-SQS3 @ Processor/Quarantine',
  // Its redrive function (src/processor/redrive.ts): the same network-interface statements, run by an operator.
  'AwsSolutions-IAM5[Resource::*] @ Processor/Redrive/Policy',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:sa-east-1:<AWS::AccountId>:network-interface/*] @ Processor/Redrive/Policy',
  ...['HIPAA.Security', 'NIST.800.53.R5'].flatMap(pack => ['LambdaConcurrency', 'LambdaDLQ'].map(rule => `${pack}-${rule} @ Processor/Redrive/Function/Resource`)),
  // The schema migrations (src/database-schema.ts): the migration function's policy (network interfaces, and the
  // tag-conditioned `rds!db-*` master secret, which it alone reads), its role for LgpdChecks, and both functions, run at deploy time only.
  'AwsSolutions-IAM5[Resource::*] @ Database/Schema/Migrate/Policy',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:sa-east-1:<AWS::AccountId>:network-interface/*] @ Database/Schema/Migrate/Policy',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:sa-east-1:<AWS::AccountId>:secret:rds!db-*] @ Database/Schema/Migrate/Policy',
  'LGPD-ComputeRoleNoRDSMasterSecret @ Database/Schema/Migrate/Role',
  ...['HIPAA.Security', 'NIST.800.53.R5'].flatMap(pack => ['Handler', 'Migrate'].flatMap(fn => ['LambdaConcurrency', 'LambdaDLQ']
    .map(rule => `${pack}-${rule} @ Database/Schema/${fn}/Function`))),
  ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map(pack => `${pack}-LambdaInsideVPC @ Database/Schema/Handler/Function`),
  // The subject key (src/subject-key.ts): never rotated, since every stored keyed hash was made with it.
  'AwsSolutions-SMG4 @ SubjectKey/Resource',
  // The rights' Redis user's password, like the processor's (src/cache-users.ts).
  'AwsSolutions-SMG4 @ Cache/Users/RightsPassword',
  'HIPAA.Security-SecretsManagerRotationEnabled @ Cache/Users/RightsPassword',
  'NIST.800.53.R5-SecretsManagerRotationEnabled @ Cache/Users/RightsPassword',
  'HIPAA.Security-SecretsManagerRotationEnabled @ SubjectKey/Resource',
  'NIST.800.53.R5-SecretsManagerRotationEnabled @ SubjectKey/Resource',
  // Data-subject rights (src/rights/): the functions' network interfaces, the workflow's log delivery and
  // tracing, the worker's versions, the exports' keys; concurrency and dead-letter queues of two functions
  // invoked synchronously; and the export bucket, whose versions, replicas and access logs would be copies.
  ...['Requests', 'Worker'].flatMap(fn => [
    `AwsSolutions-IAM5[Resource::*] @ Rights/${fn}/Policy`,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:sa-east-1:<AWS::AccountId>:network-interface/*] @ Rights/${fn}/Policy`,
    ...['HIPAA.Security', 'NIST.800.53.R5'].flatMap(pack => ['LambdaConcurrency', 'LambdaDLQ'].map(rule => `${pack}-${rule} @ Rights/${fn}/Function/Resource`)),
  ]),
  'AwsSolutions-IAM5[Resource::*] @ Rights/Workflow/Policy',
  'AwsSolutions-IAM5[Resource::<PipelineRightsWorkerFunction55BAF3D4.Arn>:*] @ Rights/Workflow/Policy',
  'AwsSolutions-IAM5[Resource::<PipelineRightsExports7869E9F0.Arn>/exports/*] @ Rights/Worker/Policy',
  'AwsSolutions-S1 @ Rights/Exports',
  ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap(pack => ['S3BucketLoggingEnabled', 'S3BucketReplicationEnabled', 'S3BucketVersioningEnabled']
    .map(rule => `${pack}-${rule} @ Rights/Exports`)),
];
const publicRoutes = (azs: number) => Array.from({ length: azs }, (_, i) => ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']
  .map(pack => `${pack}-VPCNoUnrestrictedRouteToIGW @ Network/Resource/PublicSubnet${i + 1}/DefaultRoute`)).flat();
const EXPECTED_ACKNOWLEDGEMENTS: Record<string, string[]> = {
  fastshop: [...COMMON_ACKNOWLEDGEMENTS, ...publicRoutes(2)],
  production: [...COMMON_ACKNOWLEDGEMENTS, ...publicRoutes(3)],
  destroyable: [
    ...COMMON_ACKNOWLEDGEMENTS, ...publicRoutes(2),
    'AwsSolutions-RDS10 @ Database/Resource',
    'HIPAA.Security-RDSInstanceDeletionProtectionEnabled @ Database/Resource',
    'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled @ Database/Resource',
  ],
};

/**
 * Acknowledgements the FastShop example app makes itself, on its own resources (not the library's):
 * the CDK grants of its checkout service's role write an inline policy.
 */
const EXAMPLE_OWNED: Record<string, string[]> = {
  fastshop: ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map(pack => `${pack}-IAMNoInlinePolicy @ FastShopPipeline/CheckoutTaskRole/DefaultPolicy`),
};

const apps = variants();
for (const app of Object.values(apps)) app.synth();

describe.each(Object.keys(apps))('%s', (name) => {
  const app: App = apps[name];

  test('has resources for the packs to check', () => {
    expect(resourceCount(app)).toBeGreaterThan(40);
  });

  test.each(['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'])('no unacknowledged error or warning in %s', (packName) => {
    const pack = cdkNagPacks().find(p => p.name === packName)!;
    expect(findings(pack, app)).toEqual([]);
  });

  test('no unacknowledged error or warning in LgpdChecks', () => {
    expect(findings(new LgpdChecks(), app)).toEqual([]);
  });

  test('the acknowledgements are exactly the pinned list, each with a reason a reviewer can read', () => {
    const acks = acknowledgements(app);
    const pipelinePath = app.node.findAll().find(c => c.node.id === 'Pipeline')!.node.path;
    const inPipeline = acks.filter(a => a.path.startsWith(`${pipelinePath}/`));
    const pinned = inPipeline.map(a => `${a.id} @ ${a.path.slice(pipelinePath.length + 1)}`);
    expect(pinned.sort()).toEqual([...EXPECTED_ACKNOWLEDGEMENTS[name]].sort());
    const outside = acks.filter(a => !inPipeline.includes(a)).map(a => `${a.id} @ ${a.path}`);
    expect(outside.sort()).toEqual([...(EXAMPLE_OWNED[name] ?? [])].sort());
    for (const a of acks) {
      expect(a.reason.length).toBeGreaterThan(80);
    }
  });

  test('without the acknowledgements the packs do flag those resources (each acknowledgement is needed)', () => {
    const acknowledged = new Set(acknowledgements(app).map(a => a.id));
    const raw = [...cdkNagPacks(), new LgpdChecks()].flatMap(p => findings(p, app, { ignoreAcknowledgements: true }))
      .map(f => f.split(' ')[1]);
    expect(new Set(raw)).toEqual(acknowledged);
  });
});

describe('LgpdChecks on a pipeline whose alarms notify no one', () => {
  test('fails when the alarms have no topic: the stream, database and cache are reported (Art. 48)', () => {
    const app = new App();
    new LgpdDataPipeline(new Stack(app, 'Quiet', { env: { region: 'sa-east-1' } }), 'Pipeline', {
      environmentSuffix: 'quiet', monitoring: { createAlarmTopic: false },
    });
    app.synth();
    expect(findings(new LgpdChecks(), app)).toEqual([
      // And, without data-subject rights, no erasure path (Art. 18).
      'error LGPD-PersonalDataErasurePath Quiet/Pipeline/Cache/Resource',
      'error LGPD-PersonalDataErasurePath Quiet/Pipeline/Database/Resource/Resource',
      'error LGPD-PersonalDataStoreAlarmed Quiet/Pipeline/Cache/Resource',
      'error LGPD-PersonalDataStoreAlarmed Quiet/Pipeline/Database/Resource/Resource',
      'error LGPD-PersonalDataStoreAlarmed Quiet/Pipeline/Stream/Resource/Resource',
    ]);
  });
});

describe('grantSecretsRead leaves the grantee\'s policy clean in any environment', () => {
  test.each([
    ['concrete region, unknown account', { region: 'sa-east-1' }],
    ['concrete account and region', { account: '111122223333', region: 'sa-east-1' }],
    ['env-agnostic', undefined],
  ])('%s: the tag-conditioned rds!db-* statement is acknowledged for exactly its resource', (_, env) => {
    const app = new App();
    const stack = new Stack(app, 'Grants', { env });
    const pipeline = new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'grants', allowedRegions: ['sa-east-1', stack.region] });
    const role = new iam.Role(stack, 'Processor', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    pipeline.grantSecretsRead(role);
    app.synth();
    const iam5 = (options = {}) => findings(new AwsSolutionsChecks(), app, options).filter(f => f.includes('IAM5') && f.includes('Processor'));
    expect(iam5({ ignoreAcknowledgements: true })).toHaveLength(1);
    expect(iam5()).toEqual([]);
  });
});

describe.each(CASE_NAMES)('LgpdChecks on the pipeline stack of the integration case %s', (name) => {
  test('reports nothing, AlarmActionDeliverable included', () => {
    const app = new App();
    const { pipelineStack } = buildIntegCase(app, name);
    app.synth();
    expect(findings(new LgpdChecks(), pipelineStack)).toEqual([]);
  });
});

/**
 * Generated configurations: fast-check generates valid props (AZ count, shards, stream mode, node
 * types, engine versions, node counts, cluster mode, removal policy, suffixes at the length limits,
 * brought VPC and key, database options, alarms) and every synthesized template must keep the
 * pipeline's invariants. A sample of the templates is linted with cfn-lint.
 *
 * Not part of `npx jest` (the file name ends in .prop.ts): run it with `npx projen test:properties`.
 *   FC_NUM_RUNS=1000 npx projen test:properties        more runs
 *   FC_SEED=123 FC_PATH=4:2 npx projen test:properties  replay a failure (both are printed when one fails)
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as fc from 'fast-check';
import { CacheEngineVersion, CacheNodeType, DatabaseOptions, LgpdDataPipeline, LgpdDataPipelineProps, MonitoringOptions } from '../../src';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 200);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
const PATH = process.env.FC_PATH;
/** How many of the generated templates cfn-lint checks. */
const LINT_SAMPLE = Number(process.env.LINT_SAMPLE ?? 20);
const REPO = path.join(__dirname, '..', '..');

// ---- Generators ------------------------------------------------------------------------------------

/** Suffixes: random valid ones, every length from 1 to the 29-character limit, and the limits themselves. */
const suffix = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,2}$/).filter(s => s.length <= 29) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 29 }).chain(n => fc.stringMatching(new RegExp(`^[a-z0-9]{${n}}$`))) },
  { weight: 1, arbitrary: fc.constantFrom('a', '0', 'a'.repeat(29), `x-${'9'.repeat(27)}`, 'a-b-c-d-e-f-g-h-i-j-k-l-m-n-o') },
);

const nodeType = fc.oneof(
  fc.constantFrom(
    CacheNodeType.BURSTABLE4_GRAVITON_MICRO, CacheNodeType.BURSTABLE4_GRAVITON_SMALL, CacheNodeType.BURSTABLE4_GRAVITON_MEDIUM,
    CacheNodeType.STANDARD7_GRAVITON_LARGE, CacheNodeType.STANDARD7_GRAVITON_XLARGE, CacheNodeType.STANDARD7_GRAVITON_XLARGE2,
    CacheNodeType.MEMORY7_GRAVITON_LARGE, CacheNodeType.MEMORY7_GRAVITON_XLARGE,
    CacheNodeType.MEMORY7_GRAVITON_XLARGE2, CacheNodeType.MEMORY7_GRAVITON_XLARGE4,
  ),
  fc.constantFrom('cache.m6g.large', 'cache.r6g.xlarge', 'cache.t3.small', 'cache.m5.large', 'cache.r5.large').map(n => CacheNodeType.of(n)),
);

const engineVersion = fc.oneof(
  fc.constantFrom(
    CacheEngineVersion.REDIS_6_2, CacheEngineVersion.REDIS_7_0, CacheEngineVersion.REDIS_7_1,
    CacheEngineVersion.VALKEY_7_2, CacheEngineVersion.VALKEY_8_0, CacheEngineVersion.VALKEY_8_1,
  ),
  fc.constantFrom('6.2', '7.0', '7.1').map(v => CacheEngineVersion.redis(v)),
  fc.constantFrom('7.2', '8.0', '8.1').map(v => CacheEngineVersion.valkey(v)),
);

/** Provisioned with or without a shard count, or on-demand without one. */
const stream = fc.oneof(
  fc.record({
    streamMode: fc.constantFrom(undefined, kinesis.StreamMode.PROVISIONED),
    shardCount: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
  }),
  fc.constant({ streamMode: kinesis.StreamMode.ON_DEMAND, shardCount: undefined }),
);

/**
 * Cluster mode off (cacheNodeGroups unset) or on, within ElastiCache's default quota of 90 nodes per
 * cluster (node groups x nodes per group), as shardCount stays within the default shard quota.
 * The construct refuses more (test/reliability/known-gaps.test.ts).
 */
const MAX_CACHE_NODES = 90;
const cache = fc.integer({ min: 2, max: 6 }).chain(nodes => fc.record({
  cacheNodeType: fc.option(nodeType, { nil: undefined }),
  cacheEngineVersion: fc.option(engineVersion, { nil: undefined }),
  cacheNodesPerGroup: fc.constantFrom(nodes, undefined),
  cacheNodeGroups: fc.option(
    fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: Math.floor(MAX_CACHE_NODES / nodes) })),
    { nil: undefined, freq: 3 },
  ),
  cachePort: fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined, freq: 3 }),
})).filter(c => (c.cacheNodeGroups ?? 1) * (c.cacheNodesPerGroup ?? 2) <= MAX_CACHE_NODES);

const identifier = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/).filter(n => !['postgres', 'rdsadmin', 'admin'].includes(n));

const database: fc.Arbitrary<DatabaseOptions | undefined> = fc.option(
  // Up to RDS's limit: without maxAllocatedStorage the default is capped at 65536 GiB.
  fc.integer({ min: 20, max: 65535 }).chain(allocated => fc.record({
    instanceType: fc.option(fc.constantFrom('t4g.medium', 't4g.large', 'm7g.large', 'r7g.large', 'm6g.large', 'r6g.xlarge').map(t => new ec2.InstanceType(t)), { nil: undefined }),
    engineVersion: fc.option(
      fc.constantFrom(rds.PostgresEngineVersion.VER_17_7, rds.PostgresEngineVersion.VER_17_6, rds.PostgresEngineVersion.VER_16_10),
      { nil: undefined },
    ),
    allocatedStorage: fc.constant(allocated),
    maxAllocatedStorage: fc.option(fc.integer({ min: allocated + 1, max: 65536 }), { nil: undefined }),
    multiAz: fc.option(fc.boolean(), { nil: undefined }),
    backupRetention: fc.option(fc.integer({ min: 1, max: 35 }).map(d => Duration.days(d)), { nil: undefined }),
    port: fc.option(fc.integer({ min: 1150, max: 65535 }), { nil: undefined }),
    databaseName: fc.option(identifier, { nil: undefined }),
    masterUsername: fc.option(identifier, { nil: undefined }),
  }, { requiredKeys: ['allocatedStorage'] })).filter(d => d.maxAllocatedStorage !== undefined || d.allocatedStorage <= 32768),
  { nil: undefined },
);

const monitoring: fc.Arbitrary<MonitoringOptions | undefined> = fc.option(
  fc.record(
    { enableAlarms: fc.boolean(), dashboard: fc.boolean(), databaseCpuPercentThreshold: fc.integer({ min: 1, max: 100 }) },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

/** Where the pipeline runs, and what it is given rather than creating. */
const setting = fc.record({
  /** 'region': sa-east-1 without an account (AZs chosen at deploy); 'concrete': an account whose region has 3 AZs. */
  env: fc.constantFrom('region', 'concrete'),
  /** Bring a VPC with isolated subnets in this many AZs (undefined: the pipeline creates one). */
  broughtVpcAzs: fc.option(fc.integer({ min: 2, max: 3 }), { nil: undefined, freq: 4 }),
  broughtKey: fc.boolean(),
  allowClient: fc.boolean(),
});

interface Generated {
  readonly setting: { env: string; broughtVpcAzs?: number; broughtKey: boolean; allowClient: boolean };
  readonly props: Omit<LgpdDataPipelineProps, 'vpc' | 'encryptionKey'>;
}

const generated: fc.Arbitrary<Generated> = setting.chain(s => fc.record({
  setting: fc.constant(s),
  props: fc.record({
    environmentSuffix: suffix,
    azCount: s.broughtVpcAzs ? fc.constant(undefined) : fc.option(fc.integer({ min: 2, max: s.env === 'concrete' ? 3 : 6 }), { nil: undefined }),
    stream,
    streamRetention: fc.option(fc.integer({ min: 24, max: 8760 }).map(h => Duration.hours(h)), { nil: undefined }),
    cache,
    database,
    removalPolicy: fc.constantFrom(undefined, RemovalPolicy.DESTROY, RemovalPolicy.RETAIN, RemovalPolicy.SNAPSHOT),
    allowedRegions: fc.option(fc.subarray(['us-east-1', 'eu-west-1']).map(r => ['sa-east-1', ...r]), { nil: undefined }),
    logRetention: fc.option(
      fc.constantFrom(logs.RetentionDays.ONE_MONTH, logs.RetentionDays.ONE_YEAR, logs.RetentionDays.TWO_YEARS, logs.RetentionDays.TEN_YEARS),
      { nil: undefined },
    ),
    dataClassification: fc.option(fc.constantFrom('personal-data', 'sensitive-personal-data'), { nil: undefined }),
    monitoring,
  }).map(({ stream: st, cache: c, ...rest }) => ({ ...rest, ...st, ...c })),
}));

// ---- Synthesis ---------------------------------------------------------------------------------------

const CONCRETE: StackProps = { env: { account: '111111111111', region: 'sa-east-1' } };
const AZ_CONTEXT = { 'availability-zones:account=111111111111:region=sa-east-1': ['sa-east-1a', 'sa-east-1b', 'sa-east-1c'] };

function synthesize(g: Generated): any {
  const app = new App({ context: g.setting.env === 'concrete' ? AZ_CONTEXT : {} });
  const stack = new Stack(app, 'Generated', g.setting.env === 'concrete' ? CONCRETE : { env: { region: 'sa-east-1' } });
  const destroy = g.props.removalPolicy === RemovalPolicy.DESTROY;
  const vpc = g.setting.broughtVpcAzs ? new ec2.Vpc(stack, 'BroughtVpc', {
    maxAzs: g.setting.broughtVpcAzs,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  }) : undefined;
  const encryptionKey = g.setting.broughtKey
    ? new kms.Key(stack, 'BroughtKey', { enableKeyRotation: true, removalPolicy: destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN, pendingWindow: Duration.days(7) })
    : undefined;
  if (encryptionKey) {
    // A brought key must let CloudWatch Logs use it (see the encryptionKey prop).
    encryptionKey.grantEncryptDecrypt(new iam.ServicePrincipal('logs.sa-east-1.amazonaws.com'));
  }
  const pipeline = new LgpdDataPipeline(stack, 'Pipeline', { ...g.props, vpc, encryptionKey });
  if (g.setting.allowClient) {
    pipeline.allowFrom(new ec2.SecurityGroup(stack, 'Client', { vpc: pipeline.vpc, allowAllOutbound: false, description: 'a client' }));
  }
  return Template.fromStack(stack).toJSON();
}

// ---- Invariants ------------------------------------------------------------------------------------

type Resources = Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

function ofType(resources: Resources, type: string): Array<[string, any]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** True if `value` is a Ref or GetAtt of `logicalId`. */
function refersTo(value: unknown, logicalId: string): boolean {
  const v = value as any;
  return v?.Ref === logicalId || (Array.isArray(v?.['Fn::GetAtt']) && v['Fn::GetAtt'][0] === logicalId);
}

/** Physical-name properties, with their service limits. */
const NAMES: Array<[type: string, property: string, limit: number]> = [
  ['AWS::RDS::DBInstance', 'DBInstanceIdentifier', 63],
  ['AWS::ElastiCache::ReplicationGroup', 'ReplicationGroupId', 40],
  ['AWS::Kinesis::Stream', 'Name', 128],
  ['AWS::Logs::LogGroup', 'LogGroupName', 512],
  ['AWS::SecretsManager::Secret', 'Name', 512],
  ['AWS::ElastiCache::SubnetGroup', 'CacheSubnetGroupName', 255],
  ['AWS::RDS::DBSubnetGroup', 'DBSubnetGroupName', 255],
  ['AWS::RDS::DBParameterGroup', 'DBParameterGroupName', 255],
  ['AWS::KMS::Alias', 'AliasName', 256],
  ['AWS::SNS::Topic', 'TopicName', 256],
  ['AWS::CloudWatch::Dashboard', 'DashboardName', 255],
  ['AWS::CloudWatch::Alarm', 'AlarmName', 255],
  ['AWS::Lambda::Function', 'FunctionName', 64],
];

const KEEPING = ['Retain', 'Snapshot', 'RetainExceptOnCreate'];

function checkInvariants(g: Generated, template: any): void {
  const resources: Resources = template.Resources;
  const suffixText = g.props.environmentSuffix;
  const problems: string[] = [];
  const expect = (ok: boolean, problem: string) => { if (!ok) problems.push(problem); };

  // 1. Every data store is encrypted with the pipeline key (the one key in the stack).
  const keys = ofType(resources, 'AWS::KMS::Key');
  expect(keys.length === 1, `expected one KMS key, found ${keys.length}`);
  const key = keys[0]?.[0];
  for (const [id, s] of ofType(resources, 'AWS::Kinesis::Stream')) {
    expect(s.Properties.StreamEncryption?.EncryptionType === 'KMS' && refersTo(s.Properties.StreamEncryption?.KeyId, key), `stream ${id} not encrypted with the key`);
  }
  for (const [id, db] of ofType(resources, 'AWS::RDS::DBInstance')) {
    const p = db.Properties;
    expect(p.StorageEncrypted === true && refersTo(p.KmsKeyId, key), `database ${id} storage not encrypted with the key`);
    expect(refersTo(p.PerformanceInsightsKMSKeyId, key), `database ${id} Performance Insights not encrypted with the key`);
    expect(refersTo(p.MasterUserSecret?.KmsKeyId, key), `database ${id} master secret not encrypted with the key`);
    expect(p.PubliclyAccessible === false, `database ${id} publicly accessible`);
  }
  for (const [id, rg] of ofType(resources, 'AWS::ElastiCache::ReplicationGroup')) {
    expect(rg.Properties.AtRestEncryptionEnabled === true && refersTo(rg.Properties.KmsKeyId, key), `cache ${id} not encrypted at rest with the key`);
  }
  for (const [type, property] of [['AWS::SecretsManager::Secret', 'KmsKeyId'], ['AWS::Logs::LogGroup', 'KmsKeyId'], ['AWS::SNS::Topic', 'KmsMasterKeyId']]) {
    for (const [id, r] of ofType(resources, type)) {
      expect(refersTo(r.Properties?.[property], key), `${type} ${id} not encrypted with the key`);
    }
  }

  // 2. TLS is required by the cache and the database.
  for (const [id, rg] of ofType(resources, 'AWS::ElastiCache::ReplicationGroup')) {
    expect(rg.Properties.TransitEncryptionEnabled === true && rg.Properties.TransitEncryptionMode === 'required', `cache ${id} does not require TLS`);
  }
  for (const [id, db] of ofType(resources, 'AWS::RDS::DBInstance')) {
    const groupId = db.Properties.DBParameterGroupName?.Ref;
    expect(resources[groupId]?.Properties?.Parameters?.['rds.force_ssl'] === '1', `database ${id} does not force SSL`);
  }

  // 3. No ingress is open to the world; with no client allowed, the data tier has no ingress at all.
  const ingress: any[] = [
    ...ofType(resources, 'AWS::EC2::SecurityGroup').flatMap(([, sg]) => sg.Properties.SecurityGroupIngress ?? []),
    ...ofType(resources, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties),
  ];
  for (const rule of ingress) {
    expect(rule.CidrIp !== '0.0.0.0/0' && rule.CidrIpv6 !== '::/0', `ingress open to the world: ${JSON.stringify(rule)}`);
  }
  if (!g.setting.allowClient) expect(ingress.length === 0, `ingress without allowFrom: ${JSON.stringify(ingress)}`);

  // 4. Every physical name carries the suffix and fits its service's limit.
  for (const [type, property, limit] of NAMES) {
    for (const [id, r] of ofType(resources, type)) {
      const name = r.Properties?.[property];
      if (name === undefined) continue;
      expect(typeof name === 'string', `${type} ${id} ${property} is not a literal: ${JSON.stringify(name)}`);
      if (typeof name !== 'string') continue;
      expect(name.includes(suffixText), `${type} ${id} ${property} "${name}" lacks the suffix`);
      expect(name.length <= limit, `${type} ${id} ${property} "${name}" is ${name.length} characters, over ${limit}`);
    }
  }
  for (const [id, sg] of ofType(resources, 'AWS::EC2::SecurityGroup')) {
    const name = sg.Properties.GroupName;
    if (name !== undefined) expect(typeof name === 'string' && name.includes(suffixText) && name.length <= 255, `security group ${id} name ${name}`);
  }

  // 5. Cache nodes span at least two AZs, with automatic failover.
  for (const [id, rg] of ofType(resources, 'AWS::ElastiCache::ReplicationGroup')) {
    const p = rg.Properties;
    expect(p.MultiAZEnabled === true && p.AutomaticFailoverEnabled === true, `cache ${id} without Multi-AZ failover`);
    expect((p.NumCacheClusters ?? 0) >= 2 || (p.ReplicasPerNodeGroup ?? 0) >= 1, `cache ${id} has no replica`);
    const subnetGroup = resources[p.CacheSubnetGroupName?.Ref];
    const azs = new Set((subnetGroup?.Properties.SubnetIds ?? []).map((s: any) => JSON.stringify(resources[s.Ref]?.Properties.AvailabilityZone)));
    expect(azs.size >= 2, `cache ${id} subnets span ${azs.size} AZ(s)`);
  }

  // 6. Destroyable means nothing is retained and nothing is protected; otherwise the data is kept.
  if (g.props.removalPolicy === RemovalPolicy.DESTROY) {
    for (const [id, r] of Object.entries(resources)) {
      expect(!KEEPING.includes(r.DeletionPolicy ?? '') && !KEEPING.includes(r.UpdateReplacePolicy ?? ''), `${r.Type} ${id} retained although destroyable`);
    }
    for (const [id, db] of ofType(resources, 'AWS::RDS::DBInstance')) expect(db.Properties.DeletionProtection === false, `database ${id} protected although destroyable`);
  } else {
    for (const type of ['AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::Kinesis::Stream', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']) {
      for (const [id, r] of ofType(resources, type)) expect(KEEPING.includes(r.DeletionPolicy ?? ''), `${type} ${id} not kept (DeletionPolicy ${r.DeletionPolicy})`);
    }
    for (const [id, db] of ofType(resources, 'AWS::RDS::DBInstance')) expect(db.Properties.DeletionProtection === true, `database ${id} not protected`);
  }

  // 7. Numbers stay within the services' limits.
  for (const [id, db] of ofType(resources, 'AWS::RDS::DBInstance')) {
    const allocated = Number(db.Properties.AllocatedStorage);
    const max = Number(db.Properties.MaxAllocatedStorage);
    expect(max > allocated && max <= 65536, `database ${id} MaxAllocatedStorage ${max} not in (${allocated}, 65536]`);
  }

  // 8. The stores carry the suffix tag.
  for (const type of ['AWS::RDS::DBInstance', 'AWS::ElastiCache::ReplicationGroup', 'AWS::Kinesis::Stream']) {
    for (const [id, r] of ofType(resources, type)) {
      const tags: any[] = r.Properties.Tags ?? [];
      expect(tags.some(t => t.Key === LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG && t.Value === suffixText), `${type} ${id} lacks the ${LgpdDataPipeline.ENVIRONMENT_SUFFIX_TAG} tag`);
    }
  }

  // 9. CloudFormation can take the template: at most 500 resources and 1 MB (as `cdk synth` writes it).
  const resourceCount = Object.keys(resources).length;
  expect(resourceCount <= 500, `${resourceCount} resources, over CloudFormation's 500`);
  const bytes = Buffer.byteLength(JSON.stringify(template, undefined, 1));
  expect(bytes <= 1_000_000, `template of ${bytes} bytes, over CloudFormation's 1 MB`);

  if (problems.length > 0) throw new Error(`invariants broken:\n  - ${problems.join('\n  - ')}`);
}

/** Runs cfn-lint with the project's configuration on some files; resolves with its findings and exit code. */
function cfnLint(files: string[]): Promise<{ findings: string[]; status: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('cfn-lint', ['--config-file', path.join(REPO, '.cfnlintrc.yaml'), '--format', 'parseable', '--', ...files]);
    let out = '';
    child.stdout.on('data', d => { out += d; });
    child.stderr.on('data', d => { out += d; });
    child.on('error', e => reject(new Error(`cfn-lint could not run (${e.message}): install it with scripts/install/reliability.sh`)));
    child.on('close', code => resolve({ findings: out.split('\n').filter(Boolean), status: code ?? 255 }));
  });
}

// ---- The properties --------------------------------------------------------------------------------

describe('generated configurations', () => {
  const sampleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpd-generated-'));
  let synthesized = 0;
  let sampled = 0;
  afterAll(() => fs.rmSync(sampleDir, { recursive: true, force: true }));

  test(`every template of ${NUM_RUNS} generated configurations keeps the invariants`, () => {
    // Printed first, so a crashed or timed-out run can be replayed too.
    console.log(`fast-check: seed ${SEED}, ${NUM_RUNS} runs (replay: FC_SEED=${SEED} npx projen test:properties)`);
    const started = Date.now();
    const every = Math.max(1, Math.floor(NUM_RUNS / LINT_SAMPLE));
    fc.assert(
      fc.property(generated, g => {
        const template = synthesize(g);
        if (synthesized % every === 0 && sampled < LINT_SAMPLE) {
          fs.writeFileSync(path.join(sampleDir, `generated-${String(sampled).padStart(3, '0')}.template.json`), JSON.stringify(template, undefined, 1));
          fs.writeFileSync(path.join(sampleDir, `generated-${String(sampled).padStart(3, '0')}.props.txt`), fc.stringify(g));
          sampled++;
        }
        synthesized++;
        checkInvariants(g, template);
      }),
      { numRuns: NUM_RUNS, seed: SEED, path: PATH },
    );
    console.log(`fast-check: ${NUM_RUNS} generated configurations synthesized and checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 900_000);

  test(`a sample of at least ${Math.min(20, LINT_SAMPLE)} generated templates passes cfn-lint with no error`, async () => {
    const files = fs.readdirSync(sampleDir).filter(f => f.endsWith('.template.json')).map(f => path.join(sampleDir, f));
    expect(files.length).toBeGreaterThanOrEqual(Math.min(20, LINT_SAMPLE));
    const started = Date.now();
    // cfn-lint takes seconds per template: one process per core, each with its share of the files.
    const workers = Math.max(1, Math.min(os.cpus().length, files.length));
    const results = await Promise.all(Array.from({ length: workers }, (_, w) => cfnLint(files.filter((_f, i) => i % workers === w))));
    const findings = results.flatMap(r => r.findings);
    const errors = findings.filter(f => /:E\d{4}:/.test(f));
    console.log(`cfn-lint: ${files.length} generated templates in ${((Date.now() - started) / 1000).toFixed(1)} s, `
      + `${errors.length} errors, ${findings.length - errors.length} warnings/informational${findings.length ? `:\n${findings.join('\n')}` : ''}`);
    expect(errors).toEqual([]);
    // cfn-lint's exit code is a bit mask (2 errors, 4 warnings, 8 informational): 2 must not be set.
    const hasErrors = (status: number) => status > 15 || Math.floor(status / 2) % 2 === 1;
    expect(results.filter(r => hasErrors(r.status)).map(r => r.status)).toEqual([]);
  }, 900_000);
});

/**
 * Bad input gets a clear error at synth: a table of invalid configurations. Each must throw (at
 * construction or at synth) a message that names the prop, echoes the value and says what is
 * allowed, and none may leave a template in the cloud assembly.
 *
 * The project's one validation suite: every prop check is a row here (valid boundaries are tested
 * with the concern they belong to).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CacheAccess, CacheEngineVersion, CacheNodeType, DatabaseAuthentication, LgpdDataPipeline, LgpdDataPipelineProps, TransactionProcessorOptions } from '../../src';

const SA_EAST_1: StackProps = { env: { region: 'sa-east-1' } };

interface InvalidCase {
  /** Completes "fails when ...". */
  readonly when: string;
  /** The prop the message must name. */
  readonly prop: string;
  /** The value the message must echo, exactly as rendered (or a pattern, for tokens). */
  readonly got: string | RegExp;
  /** What the message must say is allowed (matched against the text after "got <value>; "). */
  readonly allowed: RegExp;
  /** Builds the invalid configuration in a fresh stack. */
  readonly build: (stack: Stack) => void;
  /** Stack properties; sa-east-1 unless given. */
  readonly stackProps?: StackProps;
  /** App context. */
  readonly context?: Record<string, unknown>;
}

/** A pipeline with `dev` as suffix and the given props. */
function pipeline(props: Partial<LgpdDataPipelineProps>): (stack: Stack) => void {
  return stack => {
    new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev', ...props });
  };
}

/** A pipeline whose props are built from the stack (parameters, a brought VPC). */
function pipelineWith(props: (stack: Stack) => Partial<LgpdDataPipelineProps>): (stack: Stack) => void {
  return stack => {
    new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev', ...props(stack) });
  };
}

const AZ = /must be an integer from 2 to 6 \(automatic failover needs two availability zones\)$/;
const SHARDS = /^must be an integer from 1 to 200 \(the default Kinesis shard quota per account\)$/;
const SUFFIX = /^must be 1-29 characters of lowercase letters, digits and single hyphens, not starting or ending with a hyphen \(the ElastiCache replication group id "lgpd-cache-<suffix>" is limited to 40 characters\)$/;
const NODES = /^must be an integer from 2 to 6 \(automatic failover needs a replica in a second availability zone; at most 5 replicas per node group\)$/;
const RETENTION = /^must be a whole number of hours from 24 to 8760 \(365 days\)$/;

const INVALID_CASES: InvalidCase[] = [
  // ---- availability zones -------------------------------------------------------------------------
  { when: 'azCount is 1', prop: 'azCount', got: '1', allowed: AZ, build: pipeline({ azCount: 1 }) },
  { when: 'azCount is 7', prop: 'azCount', got: '7', allowed: AZ, build: pipeline({ azCount: 7 }) },
  { when: 'azCount is 2.5', prop: 'azCount', got: '2.5', allowed: AZ, build: pipeline({ azCount: 2.5 }) },
  { when: 'azCount is 0', prop: 'azCount', got: '0', allowed: AZ, build: pipeline({ azCount: 0 }) },
  {
    when: 'azCount is a CloudFormation parameter (it shapes the VPC at synth)',
    prop: 'azCount',
    got: /a token \(\$\{Token\[TOKEN\.\d+\]\}\)/,
    allowed: /^must be a literal integer from 2 to 6: it decides how many subnets the VPC has at synth time/,
    build: pipelineWith(stack => ({ azCount: new CfnParameter(stack, 'Azs', { type: 'Number' }).valueAsNumber })),
  },
  {
    when: 'azCount exceeds the AZs of a concrete environment',
    prop: 'azCount',
    got: '4',
    allowed: /^stack Test in sa-east-1 has only 3 availability zones \(sa-east-1a, sa-east-1b, sa-east-1c\)$/,
    stackProps: { env: { account: '111111111111', region: 'sa-east-1' } },
    context: { 'availability-zones:account=111111111111:region=sa-east-1': ['sa-east-1a', 'sa-east-1b', 'sa-east-1c'] },
    build: pipeline({ azCount: 4 }),
  },
  {
    when: 'azCount is given with a brought VPC (conflicting options)',
    prop: 'azCount',
    got: '3',
    allowed: /^must be left unset when you bring your own vpc \(the VPC decides its AZs\)$/,
    build: pipelineWith(stack => ({ vpc: isolatedVpc(stack, 2), azCount: 3 })),
  },

  // ---- stream ---------------------------------------------------------------------------------------
  { when: 'shardCount is 0', prop: 'shardCount', got: '0', allowed: SHARDS, build: pipeline({ shardCount: 0 }) },
  { when: 'shardCount is negative', prop: 'shardCount', got: '-3', allowed: SHARDS, build: pipeline({ shardCount: -3 }) },
  { when: 'shardCount is above the default account quota', prop: 'shardCount', got: '201', allowed: SHARDS, build: pipeline({ shardCount: 201 }) },
  { when: 'shardCount is fractional', prop: 'shardCount', got: '1.5', allowed: SHARDS, build: pipeline({ shardCount: 1.5 }) },
  {
    when: 'streamMode is ON_DEMAND and a shardCount is given (conflicting options)',
    prop: 'shardCount',
    got: '2',
    allowed: /^must be left unset when streamMode is ON_DEMAND \(on-demand streams scale their own shards\)$/,
    build: pipeline({ streamMode: kinesis.StreamMode.ON_DEMAND, shardCount: 2 }),
  },
  { when: 'streamRetention is under 24 hours', prop: 'streamRetention', got: 'Duration.hours(23)', allowed: RETENTION, build: pipeline({ streamRetention: Duration.hours(23) }) },
  { when: 'streamRetention is over 365 days', prop: 'streamRetention', got: 'Duration.days(366)', allowed: RETENTION, build: pipeline({ streamRetention: Duration.days(366) }) },
  { when: 'streamRetention is not a whole number of hours', prop: 'streamRetention', got: 'Duration.minutes(1530)', allowed: RETENTION, build: pipeline({ streamRetention: Duration.minutes(1530) }) },

  // ---- environment suffix ---------------------------------------------------------------------------
  { when: 'environmentSuffix is uppercase', prop: 'environmentSuffix', got: '"Dev"', allowed: SUFFIX, build: pipeline({ environmentSuffix: 'Dev' }) },
  { when: 'environmentSuffix has a space', prop: 'environmentSuffix', got: '"my env"', allowed: SUFFIX, build: pipeline({ environmentSuffix: 'my env' }) },
  { when: 'environmentSuffix is 30 characters long', prop: 'environmentSuffix', got: `"${'a'.repeat(30)}"`, allowed: SUFFIX, build: pipeline({ environmentSuffix: 'a'.repeat(30) }) },
  { when: 'environmentSuffix is empty', prop: 'environmentSuffix', got: '""', allowed: SUFFIX, build: pipeline({ environmentSuffix: '' }) },
  { when: 'environmentSuffix has a double hyphen', prop: 'environmentSuffix', got: '"a--b"', allowed: SUFFIX, build: pipeline({ environmentSuffix: 'a--b' }) },
  { when: 'environmentSuffix starts with a hyphen', prop: 'environmentSuffix', got: '"-dev"', allowed: SUFFIX, build: pipeline({ environmentSuffix: '-dev' }) },
  { when: 'environmentSuffix has an underscore', prop: 'environmentSuffix', got: '"dev_1"', allowed: SUFFIX, build: pipeline({ environmentSuffix: 'dev_1' }) },
  {
    when: 'environmentSuffix is a CloudFormation parameter',
    prop: 'environmentSuffix',
    got: /"\$\{Token\[TOKEN\.\d+\]\}"/,
    allowed: /^must be a literal string: it is part of physical names that are validated at synth time$/,
    build: stack => { new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: new CfnParameter(stack, 'Suffix').valueAsString }); },
  },

  // ---- cache ------------------------------------------------------------------------------------------
  {
    when: 'the cache node type is unknown',
    prop: 'cacheNodeType',
    got: '"cache.banana"',
    allowed: /^must look like cache.<family>.<size>, for example cache.r7g.large$/,
    build: pipelineWith(() => ({ cacheNodeType: CacheNodeType.of('cache.banana') })),
  },
  {
    when: 'the cache node type has no cache. prefix',
    prop: 'cacheNodeType',
    got: '"r7g.large"',
    allowed: /^must look like cache.<family>.<size>/,
    build: () => { CacheNodeType.of('r7g.large'); },
  },
  {
    when: 'the cache node type is a previous generation without Multi-AZ failover',
    prop: 'cacheNodeType',
    got: '"cache.t1.micro"',
    allowed: /^must be a current-generation type: previous-generation families lack Multi-AZ failover or in-transit encryption$/,
    build: pipelineWith(() => ({ cacheNodeType: CacheNodeType.of('cache.t1.micro') })),
  },
  { when: 'one cache node cannot span two AZs', prop: 'cacheNodesPerGroup', got: '1', allowed: NODES, build: pipeline({ cacheNodesPerGroup: 1 }) },
  { when: 'cacheNodesPerGroup exceeds a primary and 5 replicas', prop: 'cacheNodesPerGroup', got: '7', allowed: NODES, build: pipeline({ cacheNodesPerGroup: 7 }) },
  { when: 'one cache node per shard cannot span two AZs in cluster mode', prop: 'cacheNodesPerGroup', got: '1', allowed: NODES, build: pipeline({ cacheNodeGroups: 3, cacheNodesPerGroup: 1 }) },
  { when: 'cacheNodeGroups is 0', prop: 'cacheNodeGroups', got: '0', allowed: /^must be an integer from 1 to 45 \(each node group/, build: pipeline({ cacheNodeGroups: 0 }) },
  { when: 'cacheNodeGroups is above 45', prop: 'cacheNodeGroups', got: '46', allowed: /^must be an integer from 1 to 45 /, build: pipeline({ cacheNodeGroups: 46 }) },
  { when: 'cachePort is a privileged port', prop: 'cachePort', got: '80', allowed: /^must be an integer from 1024 to 65535$/, build: pipeline({ cachePort: 80 }) },
  { when: 'cachePort is not a TCP port', prop: 'cachePort', got: '70000', allowed: /^must be an integer from 1024 to 65535$/, build: pipeline({ cachePort: 70000 }) },
  {
    when: 'the Redis version is older than 6.2',
    prop: 'cacheEngineVersion',
    got: '"redis 5.0"',
    allowed: /^must be a redis version major.minor, 6.2 or newer$/,
    build: pipelineWith(() => ({ cacheEngineVersion: CacheEngineVersion.redis('5.0') })),
  },
  {
    when: 'the Redis version has no minor',
    prop: 'cacheEngineVersion',
    got: '"redis 7"',
    allowed: /^must be a redis version major.minor, 6.2 or newer$/,
    build: () => { CacheEngineVersion.redis('7'); },
  },
  {
    when: 'the Valkey version is older than 7.2',
    prop: 'cacheEngineVersion',
    got: '"valkey 6.2"',
    allowed: /^must be a valkey version major.minor, 7.2 or newer$/,
    build: () => { CacheEngineVersion.valkey('6.2'); },
  },

  // ---- database ---------------------------------------------------------------------------------------
  { when: 'database.allocatedStorage is under 20 GiB', prop: 'database.allocatedStorage', got: '10', allowed: /^must be an integer from 20 to 6553[56]$/, build: pipeline({ database: { allocatedStorage: 10 } }) },
  {
    when: 'database.maxAllocatedStorage is not above allocatedStorage (conflicting options)',
    prop: 'database.maxAllocatedStorage',
    got: '100',
    allowed: /^must be greater than database.allocatedStorage \(200\) so storage can autoscale$/,
    build: pipeline({ database: { allocatedStorage: 200, maxAllocatedStorage: 100 } }),
  },
  { when: 'database.backupRetention is 0 days', prop: 'database.backupRetention', got: 'Duration.days(0)', allowed: /^must be a whole number of days from 1 to 35$/, build: pipeline({ database: { backupRetention: Duration.days(0) } }) },
  { when: 'database.backupRetention is over 35 days', prop: 'database.backupRetention', got: 'Duration.days(36)', allowed: /^must be a whole number of days from 1 to 35$/, build: pipeline({ database: { backupRetention: Duration.days(36) } }) },
  { when: 'database.port is below the ports RDS allows', prop: 'database.port', got: '1149', allowed: /^must be an integer from 1150 to 65535 \(the ports RDS allows\)$/, build: pipeline({ database: { port: 1149 } }) },
  {
    when: 'database.masterUsername is reserved',
    prop: 'database.masterUsername',
    got: '"postgres"',
    allowed: /^must be 1-63 letters, digits or underscores starting with a letter, and not a reserved name$/,
    build: pipeline({ database: { masterUsername: 'postgres' } }),
  },
  {
    when: 'database.databaseName starts with a digit',
    prop: 'database.databaseName',
    got: '"1orders"',
    allowed: /^must be 1-63 letters, digits or underscores starting with a letter$/,
    build: pipeline({ database: { databaseName: '1orders' } }),
  },

  // ---- data residency and network ---------------------------------------------------------------------
  {
    when: 'the stack region is outside the allowed list',
    prop: 'region',
    got: '"us-east-1"',
    allowed: /^personal data may only live in allowedRegions \(sa-east-1\); add the region to allowedRegions if a transfer is lawful under LGPD Art. 33$/,
    stackProps: { env: { region: 'us-east-1' } },
    build: pipeline({}),
  },
  {
    when: 'the stack region is outside an explicit allowed list',
    prop: 'region',
    got: '"sa-east-1"',
    allowed: /^personal data may only live in allowedRegions \(us-east-1, eu-west-1\)/,
    build: pipeline({ allowedRegions: ['us-east-1', 'eu-west-1'] }),
  },
  {
    when: 'allowedRegions is empty',
    prop: 'allowedRegions',
    got: '"[]"',
    allowed: /^must list at least one region where personal data may live$/,
    build: pipeline({ allowedRegions: [] }),
  },
  {
    when: 'the data tier is placed in public subnets',
    prop: 'vpcSubnets',
    got: '"public subnets"',
    allowed: /^the data tier must live in private or isolated subnets$/,
    build: pipelineWith(stack => ({
      vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'Pub', subnetType: ec2.SubnetType.PUBLIC }] }),
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    })),
  },
  {
    when: 'the clients would run in public subnets',
    prop: 'clientSubnets',
    got: '"public subnets"',
    allowed: /^clients must run in private or isolated subnets, reaching AWS through VPC endpoints$/,
    build: pipeline({ clientSubnets: { subnetType: ec2.SubnetType.PUBLIC } }),
  },
  {
    when: 'a brought VPC has data subnets in one AZ only',
    prop: 'vpc',
    got: '"1 availability zone(s)"',
    allowed: /^the cache subnets must span at least two availability zones for Multi-AZ failover$/,
    build: pipelineWith(stack => ({ vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['sa-east-1a'], isolatedSubnetIds: ['subnet-1'] }) })),
  },

  {
    // An enum reaches other languages as a string: a value no version of the library knows.
    when: 'cacheAccess is not one of CacheAccess',
    prop: 'cacheAccess',
    got: '"TOKEN"',
    allowed: /^must be CacheAccess\.USERS or CacheAccess\.AUTH_TOKEN$/,
    build: pipeline({ cacheAccess: 'TOKEN' as CacheAccess }),
  },

  // ---- cache size -----------------------------------------------------------------------------------
  {
    // Past the default quota of 90 nodes per cluster, the per-node alarms would also push the stack past
    // CloudFormation's 500 resources or 1 MB (a gap the property tests found). Alarms off: the check
    // comes before them.
    when: 'the cache has more than 90 nodes (cacheNodeGroups x cacheNodesPerGroup)',
    prop: 'cacheNodeGroups',
    got: '40',
    allowed: /^must keep cacheNodeGroups x cacheNodesPerGroup \(40 x 3 = 120\) at most 90 nodes, the default ElastiCache quota of nodes per cluster$/,
    build: pipeline({ cacheNodeGroups: 40, cacheNodesPerGroup: 3, monitoring: { enableAlarms: false } }),
  },

  // ---- transaction processor ------------------------------------------------------------------------
  { when: 'processor.batchSize is 0', prop: 'processor.batchSize', got: '0', allowed: /^must be an integer from 1 to 10000$/, build: withProcessor({ batchSize: 0 }) },
  { when: 'processor.parallelizationFactor is 11', prop: 'processor.parallelizationFactor', got: '11', allowed: /^must be an integer from 1 to 10$/, build: withProcessor({ parallelizationFactor: 11 }) },
  {
    when: 'processor.retryAttempts is -1 (unbounded is what leaving it unset means)',
    prop: 'processor.retryAttempts',
    got: '-1',
    allowed: /^must be an integer from 0 to 10000 \(or unset: retried until the records reach processor.maxRecordAge\)$/,
    build: withProcessor({ retryAttempts: -1 }),
  },
  {
    when: 'processor.maxRecordAge outlives the stream\'s retention',
    prop: 'processor.maxRecordAge',
    got: 'Duration.days(2)',
    allowed: /^must be a whole number of seconds from 60 to 82800 \(at most the stream's retention \(1 day\) less 1 hour, so that the records of a failed-records pointer can still be read from the stream to redrive them, and at most Lambda's 604800\)$/,
    build: withProcessor({ maxRecordAge: Duration.days(2) }),
  },
  {
    when: 'processor.maxRecordAge leaves no hour to redrive before the stream drops the records',
    prop: 'processor.maxRecordAge',
    got: 'Duration.hours(24)',
    allowed: /^must be a whole number of seconds from 60 to 82800 \(at most the stream's retention \(1 day\) less 1 hour/,
    build: withProcessor({ maxRecordAge: Duration.hours(24) }),
  },
  {
    when: 'processor.maxRecordAge is so short that the iterator-age alarm (default threshold) would go off after half of it',
    prop: 'processor.maxRecordAge',
    got: 'Duration.minutes(3)',
    allowed: /^the iterator-age alarm \(threshold 45 seconds, plus one minute of evaluation\) goes off after 1 minute 45 seconds, which must be at most half of processor.maxRecordAge \(3 minutes\), so that an outage is heard of before any record is discarded: at least 3 minutes 30 seconds$/,
    build: withProcessor({ maxRecordAge: Duration.minutes(3) }),
  },
  {
    when: 'processor.iteratorAgeAlarmThreshold would go off after half of processor.maxRecordAge',
    prop: 'processor.iteratorAgeAlarmThreshold',
    got: 'Duration.minutes(40)',
    allowed: /^the iterator-age alarm \(threshold 40 minutes, plus one minute of evaluation\) goes off after 41 minutes, which must be at most half of processor.maxRecordAge \(1 hour\), so that an outage is heard of before any record is discarded: at most 29 minutes with processor.maxRecordAge Duration.hours\(1\)$/,
    build: withProcessor({ maxRecordAge: Duration.hours(1), iteratorAgeAlarmThreshold: Duration.minutes(40) }),
  },
  {
    when: 'processor.iteratorAgeAlarmThreshold would go off after half of the default processor.maxRecordAge',
    prop: 'processor.iteratorAgeAlarmThreshold',
    got: 'Duration.hours(3)',
    allowed: /: at most 2 hours 59 minutes with processor.maxRecordAge Duration.hours\(6\) \(the default\)$/,
    build: withProcessor({ iteratorAgeAlarmThreshold: Duration.hours(3) }),
  },
  { when: 'processor.maxBatchingWindow is over 5 minutes', prop: 'processor.maxBatchingWindow', got: 'Duration.seconds(301)', allowed: /^must be a whole number of seconds from 0 to 300$/, build: withProcessor({ maxBatchingWindow: Duration.seconds(301) }) },
  {
    when: 'processor.handler is given without processor.code',
    prop: 'processor.handler',
    got: '"index.main"',
    allowed: /^must be given together with processor.code \(the reference processor has its own\)$/,
    build: withProcessor({ handler: 'index.main' }),
  },
  {
    when: 'the processor id has a hyphen',
    prop: 'processor id',
    got: '"fraud-score"',
    allowed: /^must be letters and digits, starting with a letter/,
    build: stack => { new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev' }).addProcessor('fraud-score'); },
  },
  {
    when: 'the processor\'s own secret would rotate more often than daily',
    prop: 'databaseAuthentication.rotatedSecret',
    got: 'Duration.hours(12)',
    allowed: /^must be a whole number of days from 1 to 365$/,
    build: withProcessor(() => ({ databaseAuthentication: DatabaseAuthentication.rotatedSecret(Duration.hours(12)) })),
  },
  {
    when: 'two processors ask for different database authentication (they sign in as one role)',
    prop: 'databaseAuthentication',
    got: '"password"',
    allowed: /^must be the same for every job that signs in as lgpd_processor, which signs in with iam already$/,
    build: stack => {
      const p = new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev' });
      p.addProcessor('Ledger');
      p.addProcessor('FraudScore', { databaseAuthentication: DatabaseAuthentication.rotatedSecret() });
    },
  },

  // ---- monitoring -----------------------------------------------------------------------------------
  {
    when: 'a topic is given and createAlarmTopic is true (conflicting options)',
    prop: 'monitoring.createAlarmTopic',
    got: 'true',
    allowed: /^must be left unset when you give monitoring.alarmTopic \(the alarms go to your topic\)$/,
    build: pipelineWith(stack => ({ monitoring: { alarmTopic: new sns.Topic(stack, 'Ops'), createAlarmTopic: true } })),
  },
  {
    when: 'a percentage threshold is above 100',
    prop: 'monitoring.databaseCpuPercentThreshold',
    got: '120',
    allowed: /^must be a percentage greater than 0 and at most 100$/,
    build: pipeline({ monitoring: { databaseCpuPercentThreshold: 120 } }),
  },
  {
    when: 'a percentage threshold is 0',
    prop: 'monitoring.cacheMemoryPercentThreshold',
    got: '0',
    allowed: /^must be a percentage greater than 0 and at most 100$/,
    build: pipeline({ monitoring: { cacheMemoryPercentThreshold: 0 } }),
  },
  {
    when: 'the evictions threshold is 0',
    prop: 'monitoring.cacheEvictionsThreshold',
    got: '0',
    allowed: /^must be an integer from 1 to \d+$/,
    build: pipeline({ monitoring: { cacheEvictionsThreshold: 0 } }),
  },
];

/** A pipeline with `dev` as suffix and a processor with the given options. */
function withProcessor(options: TransactionProcessorOptions | (() => TransactionProcessorOptions)): (stack: Stack) => void {
  return stack => {
    new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev' }).addProcessor('Processor', typeof options === 'function' ? options() : options);
  };
}

function isolatedVpc(stack: Stack, azs: number): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: azs, subnetConfiguration: [{ name: 'Iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

interface Attempt {
  readonly error?: Error;
  /** Files in the cloud assembly directory after the attempt. */
  readonly assemblyFiles: string[];
}

/** Builds the case and synthesizes its app, as `cdk synth` would; catches what is thrown. */
function attempt(c: InvalidCase, outdir: string): Attempt {
  try {
    const app = new App({ outdir, context: c.context });
    const stack = new Stack(app, 'Test', c.stackProps ?? SA_EAST_1);
    c.build(stack);
    app.synth();
  } catch (error) {
    return { error: error as Error, assemblyFiles: fs.readdirSync(outdir) };
  }
  return { assemblyFiles: fs.readdirSync(outdir) };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('invalid configurations', () => {
  let root: string;
  beforeAll(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpd-invalid-')); });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the table has at least 25 cases, each with its own name', () => {
    expect(INVALID_CASES.length).toBeGreaterThanOrEqual(25);
    expect(new Set(INVALID_CASES.map(c => c.when)).size).toBe(INVALID_CASES.length);
  });

  test.each(INVALID_CASES.map(c => [c.when, c] as const))('fails when %s', (_when, c) => {
    const outdir = fs.mkdtempSync(path.join(root, 'case-'));
    const { error, assemblyFiles } = attempt(c, outdir);

    // It throws, at construction or at synth.
    expect(error).toBeInstanceOf(Error);
    const message = error!.message;
    // It names the prop and echoes the value ...
    const got = typeof c.got === 'string' ? escape(c.got) : c.got.source;
    const shape = new RegExp(`^LgpdDataPipeline: invalid ${escape(c.prop)}: got ${got}; (.+)$`, 's');
    expect(message).toMatch(shape);
    // ... and says what is allowed.
    const allowed = shape.exec(message)![1];
    expect(allowed).toMatch(c.allowed);
    // No template is produced.
    expect(assemblyFiles.filter(f => f.endsWith('.template.json'))).toEqual([]);
  });
});

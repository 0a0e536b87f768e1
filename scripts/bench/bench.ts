/**
 * Synth and deploy-time benchmark (`npx projen bench`). Not a test: it prints figures and checks them
 * against the targets of docs/performance.md, and exits non-zero only if BENCH_STRICT=1 and a target is
 * missed.
 *
 * Synth: each app is compiled once with tsc (so ts-node's type checking is not measured) and run as a
 * whole separate `node` process, BENCH_RUNS times (default 11) after one warm-up, round-robin so that
 * every app sees the same machine noise; the median wall time is reported, with the peak RSS.
 *
 * Deploy: an estimate on paper, the longest path through each template's dependency graph weighted by
 * typical create times (WEIGHTS below), against its lower bound, the single slowest resource.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dependencies } from '../diagram/diagram';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'cdk.out', 'bench');
const JS = path.join(OUT, 'js', 'scripts', 'bench', 'apps');
const RUNS = Number(process.env.BENCH_RUNS ?? '11');

/**
 * Typical CloudFormation create times in seconds. RDS and ElastiCache dominate; everything else is
 * seconds. Sources: AWS documentation ranges and common experience; they are estimates, not measurements.
 */
export const WEIGHTS: Record<string, number> = {
  'AWS::RDS::DBInstance': 900, // Multi-AZ PostgreSQL: 10-15+ minutes
  'AWS::ElastiCache::ReplicationGroup': 720, // 2 nodes, Multi-AZ, encrypted: 10-15 minutes
  'AWS::Kinesis::Stream': 30,
  'AWS::KMS::Key': 30,
  'AWS::KMS::Alias': 3,
  'AWS::EC2::VPC': 15,
  'AWS::EC2::Subnet': 5,
  'AWS::EC2::RouteTable': 3,
  'AWS::EC2::Route': 3,
  'AWS::EC2::SubnetRouteTableAssociation': 3,
  'AWS::EC2::InternetGateway': 10,
  'AWS::EC2::VPCGatewayAttachment': 15,
  'AWS::EC2::SecurityGroup': 5,
  'AWS::EC2::SecurityGroupIngress': 2,
  'AWS::EC2::SecurityGroupEgress': 2,
  'AWS::EC2::FlowLog': 10,
  'AWS::EC2::VPCEndpoint': 120, // an interface endpoint: about 2 minutes until available
  'AWS::IAM::Role': 15,
  'AWS::IAM::Policy': 15,
  'AWS::Lambda::Function': 10,
  'Custom::*': 20, // Lambda-backed custom resource: invoke and wait
  'AWS::Logs::LogGroup': 3,
  'AWS::SecretsManager::Secret': 5,
  'AWS::RDS::DBSubnetGroup': 3,
  'AWS::RDS::DBParameterGroup': 5,
  'AWS::ElastiCache::SubnetGroup': 3,
  'AWS::SNS::Topic': 5,
  'AWS::SNS::TopicPolicy': 5,
  'AWS::CloudWatch::Alarm': 3,
  'AWS::CloudWatch::Dashboard': 3,
  '*': 5,
};

function weightOf(type: string): number {
  if (type in WEIGHTS) return WEIGHTS[type];
  if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return WEIGHTS['Custom::*'];
  return WEIGHTS['*'];
}

export interface DeployEstimate {
  readonly criticalPath: string[];
  readonly criticalSeconds: number;
  readonly lowerBoundSeconds: number;
  readonly slowest: string;
  /** Whether the database and the cache are independent (neither waits for the other). */
  readonly databaseAndCacheIndependent: boolean;
  /** Lambda-backed custom resources on the critical path. */
  readonly customResourcesOnCriticalPath: string[];
}

/** The longest weighted path through a template's dependency graph. */
export function estimateDeploy(template: any): DeployEstimate {
  const resources: Record<string, any> = template.Resources ?? {};
  const deps = dependencies(template);
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  const visit = (id: string, stack: Set<string>): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    if (stack.has(id)) throw new Error(`dependency cycle at ${id}`);
    stack.add(id);
    let start = 0;
    let before: string | undefined;
    for (const d of [...deps.get(id)!].sort()) {
      const f = visit(d, stack);
      if (f > start) [start, before] = [f, d];
    }
    stack.delete(id);
    const f = start + weightOf(resources[id].Type);
    finish.set(id, f);
    via.set(id, before);
    return f;
  };
  for (const id of Object.keys(resources).sort()) visit(id, new Set());
  let end = Object.keys(resources)[0];
  for (const [id, f] of finish) if (f > finish.get(end)!) end = id;
  const criticalPath: string[] = [];
  for (let at: string | undefined = end; at; at = via.get(at)) criticalPath.unshift(at);

  const ancestors = (id: string, seen = new Set<string>()): Set<string> => {
    for (const d of deps.get(id) ?? []) if (!seen.has(d)) { seen.add(d); ancestors(d, seen); }
    return seen;
  };
  const ofType = (type: string) => Object.keys(resources).filter(id => resources[id].Type === type);
  const dbs = ofType('AWS::RDS::DBInstance');
  const caches = ofType('AWS::ElastiCache::ReplicationGroup');
  const independent = dbs.every(db => caches.every(c => !ancestors(db).has(c) && !ancestors(c).has(db)));
  let slowest = Object.keys(resources)[0];
  for (const id of Object.keys(resources)) if (weightOf(resources[id].Type) > weightOf(resources[slowest].Type)) slowest = id;
  const isCustom = (id: string) => /^Custom::|^AWS::CloudFormation::CustomResource$/.test(resources[id].Type);
  return {
    criticalPath: criticalPath.map(id => `${id} (${resources[id].Type}, ${weightOf(resources[id].Type)} s)`),
    criticalSeconds: finish.get(end)!,
    lowerBoundSeconds: weightOf(resources[slowest].Type),
    slowest,
    databaseAndCacheIndependent: independent,
    customResourcesOnCriticalPath: criticalPath.filter(isCustom),
  };
}

interface Case {
  readonly name: string;
  readonly script: string;
  readonly args: string[];
  readonly pipelines: number;
}

const CASES: Case[] = [
  { name: 'empty app (floor)', script: 'empty.js', args: [], pipelines: 0 },
  { name: 'hand-written stack (plain aws-cdk-lib)', script: 'baseline.js', args: [], pipelines: 0 },
  { name: 'hand-written + flow logs, closed SG, alarms', script: 'baseline-plus.js', args: [], pipelines: 0 },
  { name: 'FastShop example', script: 'fastshop.js', args: [], pipelines: 1 },
  { name: '1 pipeline', script: 'pipelines.js', args: ['1'], pipelines: 1 },
  { name: '1 pipeline, alarms off', script: 'pipelines.js', args: ['1', 'no-alarms'], pipelines: 1 },
  { name: '10 pipelines', script: 'pipelines.js', args: ['10'], pipelines: 10 },
  { name: '25 pipelines', script: 'pipelines.js', args: ['25'], pipelines: 25 },
];

interface Sample { readonly ms: number; readonly cpuMs: number; readonly rssKiB: number }

function runOnce(c: Case, outdir: string): Sample {
  fs.rmSync(outdir, { recursive: true, force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(JS, c.script), outdir, ...c.args], { encoding: 'utf-8', cwd: ROOT });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${c.name} failed:\n${r.stderr}`);
  const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { ms, cpuMs: last.cpuMs, rssKiB: last.maxRssKiB };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function templates(outdir: string): any[] {
  return fs.readdirSync(outdir).filter(f => f.endsWith('.template.json')).sort()
    .map(f => JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf-8')));
}

function resourceCount(outdir: string): number {
  return templates(outdir).reduce((n, t) => n + Object.keys(t.Resources ?? {}).length, 0);
}

function main(): void {
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    console.log(`  ${ok ? 'PASS' : 'MISS'}  ${what}`);
    if (!ok) failures.push(what);
  };

  console.log('Compiling the benchmark apps with tsc (not measured) ...');
  execFileSync('npx', ['tsc', '-p', path.join('scripts', 'bench', 'tsconfig.json')], { cwd: ROOT, stdio: 'inherit' });
  // The compiled library finds the bundled processor at ../assets, as the package does.
  const assets = path.join(ROOT, 'cdk.out', 'bench', 'js', 'assets');
  if (!fs.existsSync(assets)) fs.symlinkSync(path.join(ROOT, 'assets'), assets, 'dir');

  const cpus = os.cpus();
  const load = () => os.loadavg().map(x => x.toFixed(1)).join(' ');
  console.log(`\nMachine: ${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, node ${process.version}, load average ${load()}; `
    + `${RUNS} runs per app after 1 warm-up, round-robin\n`);
  const samples = new Map<string, Sample[]>(CASES.map(c => [c.name, []]));
  const outdirOf = (c: Case) => path.join(OUT, 'assemblies', c.name.replace(/[^a-z0-9]+/gi, '-'));
  for (const c of CASES) runOnce(c, outdirOf(c)); // warm-up: file cache, JIT caches
  for (let run = 0; run < RUNS; run++) {
    for (const c of CASES) samples.get(c.name)!.push(runOnce(c, outdirOf(c)));
  }

  console.log(`Load average after the runs: ${load()} (wall times on a busy machine are noisy; CPU times much less so)\n`);
  const ms = (name: string) => median(samples.get(name)!.map(s => s.ms));
  const cpu = (name: string) => median(samples.get(name)!.map(s => s.cpuMs));
  const rows = CASES.map(c => {
    const s = samples.get(c.name)!;
    const resources = resourceCount(outdirOf(c));
    return {
      app: c.name,
      medianMs: Math.round(ms(c.name)),
      medianCpuMs: Math.round(cpu(c.name)),
      minMs: Math.round(Math.min(...s.map(x => x.ms))),
      maxMs: Math.round(Math.max(...s.map(x => x.ms))),
      peakRssMiB: Math.round(Math.max(...s.map(x => x.rssKiB)) / 1024),
      resources,
      resourcesPerPipeline: c.pipelines > 0 ? Math.round(resources / c.pipelines) : undefined,
    };
  });
  console.log('Synth time (whole process, wall clock):');
  console.log(`  ${'app'.padEnd(38)} ${'median'.padStart(8)} ${'min'.padStart(7)} ${'max'.padStart(7)} ${'CPU med.'.padStart(9)} ${'peak RSS'.padStart(9)} ${'resources'.padStart(9)} ${'per pipeline'.padStart(12)}`);
  for (const r of rows) {
    console.log(`  ${r.app.padEnd(38)} ${`${r.medianMs} ms`.padStart(8)} ${`${r.minMs}`.padStart(7)} ${`${r.maxMs}`.padStart(7)} ${`${r.medianCpuMs} ms`.padStart(9)} `
      + `${`${r.peakRssMiB} MiB`.padStart(9)} ${String(r.resources).padStart(9)} ${String(r.resourcesPerPipeline ?? '-').padStart(12)}`);
  }

  const floor = ms('empty app (floor)');
  const baseline = ms('hand-written stack (plain aws-cdk-lib)');
  const fastshop = ms('FastShop example');
  const one = ms('1 pipeline');
  const ten = ms('10 pipelines');
  const twentyFive = ms('25 pipelines');
  const first = one - floor;
  const extra10 = (ten - one) / 9;
  const extra25 = (twentyFive - one) / 24;
  const cpuOf = (name: string) => cpu(name);
  const [cFloor, cBaseline, cFastshop, cOne, cTen, cTwentyFive] = ['empty app (floor)', 'hand-written stack (plain aws-cdk-lib)',
    'FastShop example', '1 pipeline', '10 pipelines', '25 pipelines'].map(cpuOf);
  const cFirst = cOne - cFloor;
  const cExtra10 = (cTen - cOne) / 9;
  const cExtra25 = (cTwentyFive - cOne) / 24;
  console.log('\nRatios (medians of this run):                 wall          CPU');
  const line = (label: string, wall: string, cpuText: string) => console.log(`  ${label.padEnd(36)} ${wall.padStart(12)} ${cpuText.padStart(12)}`);
  line('FastShop / hand-written', `${(fastshop / baseline).toFixed(3)}x`, `${(cFastshop / cBaseline).toFixed(3)}x`);
  const baselinePlus = ms('hand-written + flow logs, closed SG, alarms');
  const cBaselinePlus = cpu('hand-written + flow logs, closed SG, alarms');
  line('hand-written + extras / hand-written', `${(baselinePlus / baseline).toFixed(3)}x`, `${(cBaselinePlus / cBaseline).toFixed(3)}x`);
  line('FastShop / hand-written + extras', `${(fastshop / baselinePlus).toFixed(3)}x`, `${(cFastshop / cBaselinePlus).toFixed(3)}x`);
  line('hand-written / floor', `${(baseline / floor).toFixed(3)}x`, `${(cBaseline / cFloor).toFixed(3)}x`);
  line('FastShop / floor', `${(fastshop / floor).toFixed(3)}x`, `${(cFastshop / cFloor).toFixed(3)}x`);
  line('first pipeline (1 pipeline - floor)', `${Math.round(first)} ms`, `${Math.round(cFirst)} ms`);
  line('  of which the 11 alarms and topic', `${Math.round(one - ms('1 pipeline, alarms off'))} ms`, `${Math.round(cOne - cpu('1 pipeline, alarms off'))} ms`);
  line('each extra pipeline, 1 -> 10', `${Math.round(extra10)} ms`, `${Math.round(cExtra10)} ms`);
  line('each extra pipeline, 1 -> 25', `${Math.round(extra25)} ms`, `${Math.round(cExtra25)} ms`);
  line('  as a share of the first', `${(extra25 / first).toFixed(2)}`, `${(cExtra25 / cFirst).toFixed(2)}`);

  console.log('\nDeploy-time estimate on paper (longest weighted path; lower bound = slowest single resource):');
  const estimates: Record<string, DeployEstimate> = {};
  for (const c of CASES.filter(x => x.name === 'hand-written stack (plain aws-cdk-lib)' || x.name === 'FastShop example' || x.name === '1 pipeline')) {
    const [t] = templates(outdirOf(c));
    const e = estimateDeploy(t);
    estimates[c.name] = e;
    console.log(`  ${c.name}: ${e.criticalSeconds} s critical path vs ${e.lowerBoundSeconds} s lower bound (${e.slowest}) = `
      + `${((e.criticalSeconds / e.lowerBoundSeconds - 1) * 100).toFixed(1)}% over; database and cache independent: ${e.databaseAndCacheIndependent}; `
      + `custom resources on the critical path: ${e.customResourcesOnCriticalPath.length ? e.customResourcesOnCriticalPath.join(', ') : 'none'}`);
    console.log(`    ${e.criticalPath.join('\n    -> ')}`);
  }

  console.log('\nTargets:');
  check(fastshop / baseline <= 1.15, `FastShop synthesizes within 1.15x of the hand-written stack (wall ${(fastshop / baseline).toFixed(3)}x, CPU ${(cFastshop / cBaseline).toFixed(3)}x)`);
  check(extra25 <= first && cExtra25 <= cFirst, `each extra pipeline costs no more than the first (wall ${Math.round(extra25)} <= ${Math.round(first)} ms, CPU ${Math.round(cExtra25)} <= ${Math.round(cFirst)} ms)`);
  const lone = estimates['1 pipeline'];
  check(lone.criticalSeconds <= lone.lowerBoundSeconds * 1.05, `one pipeline alone: critical path within 5% of its lower bound (${lone.criticalSeconds} s <= ${lone.lowerBoundSeconds * 1.05} s)`);
  const fs1 = estimates['FastShop example'];
  check(fs1.criticalSeconds <= fs1.lowerBoundSeconds * 1.05, `FastShop critical path within 5% of its lower bound (${fs1.criticalSeconds} s <= ${fs1.lowerBoundSeconds * 1.05} s)`);
  check(fs1.databaseAndCacheIndependent, 'the database and the cache do not wait for each other');
  check(fs1.customResourcesOnCriticalPath.length === 0, 'no Lambda-backed custom resource on the critical path');

  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ runs: RUNS, node: process.version, cpus: cpus.length, rows, estimates, failures }, null, 2));
  console.log(`\nResults: ${path.relative(ROOT, path.join(OUT, 'results.json'))}`);
  if (failures.length > 0 && process.env.BENCH_STRICT === '1') process.exit(1);
}

if (require.main === module) main();

/**
 * The update matrix: synthesizes a FastShop-like baseline and then each single prop change, diffs the
 * two templates with @aws-cdk/cloudformation-diff, and records which changes would replace (or
 * remove) one of the four stateful resources: the database, the replication group, the stream, the key.
 *
 * Used by update-matrix.test.ts, and run directly (`npx projen docs:update-matrix`) to rewrite the
 * table in README.md (Reliability).
 */
import * as fs from 'fs';
import * as path from 'path';
import { fullDiff, ResourceDifference, ResourceImpact } from '@aws-cdk/cloudformation-diff';
// Not in the package's index; the same schema lookup fullDiff itself uses for each property.
import { loadResourceModel } from '@aws-cdk/cloudformation-diff/lib/diff/util';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { CacheEngineVersion, CacheNodeType, LgpdDataPipeline, LgpdDataPipelineProps } from '../../src';

/** The four resources whose replacement loses data (or, for the key, makes data unreadable). */
export const STATEFUL = {
  'AWS::RDS::DBInstance': 'Database',
  'AWS::ElastiCache::ReplicationGroup': 'Replication group',
  'AWS::Kinesis::Stream': 'Stream',
  'AWS::KMS::Key': 'Key',
} as const;
export type StatefulType = keyof typeof STATEFUL;
export const STATEFUL_TYPES = Object.keys(STATEFUL) as StatefulType[];

/** The FastShop example's props: sa-east-1, two AZs, two shards, t4g.small nodes. */
export const BASELINE: LgpdDataPipelineProps = {
  environmentSuffix: 'dev',
  azCount: 2,
  shardCount: 2,
  cacheNodeType: CacheNodeType.BURSTABLE4_GRAVITON_SMALL,
};

/** Cluster mode on: the baseline for changes that only exist in cluster mode. */
export const CLUSTER_BASELINE: LgpdDataPipelineProps = { ...BASELINE, cacheNodeGroups: 2 };

export interface PropChange {
  /** The prop and its change, as shown in the table. */
  readonly change: string;
  /** A scaling or retention change: it must replace none of the stateful resources. */
  readonly scaling: boolean;
  /** The props after the change; the stack is given for brought resources. */
  readonly props: (stack: Stack) => LgpdDataPipelineProps;
  /** The baseline the change applies to. */
  readonly baseline?: 'default' | 'cluster';
  /**
   * A scaling change that replaces data today, with the reason and the fix. The test requires it to
   * still replace data (so the entry is removed when the fix lands) instead of failing.
   */
  readonly knownIssue?: string;
}

// `monitoring` comes from the observability concern; typed loosely so this file compiles without it.
const withMonitoring = (monitoring: Record<string, unknown>) => ({ ...BASELINE, monitoring } as LgpdDataPipelineProps);

export const CHANGES: PropChange[] = [
  // ---- Scaling and retention: must replace nothing --------------------------------------------------
  { change: '`shardCount` 2 → 4', scaling: true, props: () => ({ ...BASELINE, shardCount: 4 }) },
  { change: '`shardCount` 2 → 1', scaling: true, props: () => ({ ...BASELINE, shardCount: 1 }) },
  { change: '`streamMode` PROVISIONED → ON_DEMAND', scaling: true, props: () => ({ ...BASELINE, shardCount: undefined, streamMode: kinesis.StreamMode.ON_DEMAND }) },
  { change: '`streamRetention` 24 h → 7 days', scaling: true, props: () => ({ ...BASELINE, streamRetention: Duration.days(7) }) },
  { change: '`cacheNodeType` t4g.small → r7g.large', scaling: true, props: () => ({ ...BASELINE, cacheNodeType: CacheNodeType.MEMORY7_GRAVITON_LARGE }) },
  { change: '`cacheNodesPerGroup` 2 → 3', scaling: true, props: () => ({ ...BASELINE, cacheNodesPerGroup: 3 }) },
  {
    change: '`cacheNodeGroups` 2 → 3 (cluster mode)',
    scaling: true,
    baseline: 'cluster',
    props: () => ({ ...CLUSTER_BASELINE, cacheNodeGroups: 3 }),
  },
  {
    change: '`cacheNodesPerGroup` 2 → 3 (cluster mode)',
    scaling: true,
    baseline: 'cluster',
    props: () => ({ ...CLUSTER_BASELINE, cacheNodesPerGroup: 3 }),
    knownIssue: 'ReplicasPerNodeGroup is create-only in the CloudFormation resource schema: in cluster mode the replica count cannot change in place',
  },
  { change: '`database.instanceType` t4g.medium → r7g.large', scaling: true, props: () => ({ ...BASELINE, database: { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE) } }) },
  { change: '`database.allocatedStorage` 20 → 50 GiB', scaling: true, props: () => ({ ...BASELINE, database: { allocatedStorage: 50 } }) },
  { change: '`database.maxAllocatedStorage` 100 → 500 GiB', scaling: true, props: () => ({ ...BASELINE, database: { maxAllocatedStorage: 500 } }) },
  { change: '`logRetention` 1 year → 2 years', scaling: true, props: () => ({ ...BASELINE, logRetention: logs.RetentionDays.TWO_YEARS }) },
  { change: 'alarms: `monitoring.databaseCpuPercentThreshold` → 90', scaling: true, props: () => withMonitoring({ databaseCpuPercentThreshold: 90 }) },
  { change: 'alarms: `monitoring.enableAlarms` → false', scaling: true, props: () => withMonitoring({ enableAlarms: false }) },
  { change: 'alarms: `monitoring.dashboard` → true', scaling: true, props: () => withMonitoring({ dashboard: true }) },

  // ---- Everything else: recorded, some replace data by design ---------------------------------------
  { change: '`database.backupRetention` 7 → 14 days', scaling: false, props: () => ({ ...BASELINE, database: { backupRetention: Duration.days(14) } }) },
  { change: '`database.multiAz` true → false', scaling: false, props: () => ({ ...BASELINE, database: { multiAz: false } }) },
  { change: '`cacheEngineVersion` Redis 7.1 → Valkey 8.0', scaling: false, props: () => ({ ...BASELINE, cacheEngineVersion: CacheEngineVersion.VALKEY_8_0 }) },
  { change: '`cachePort` 6380 → 6390', scaling: false, props: () => ({ ...BASELINE, cachePort: 6390 }) },
  { change: '`cacheNodeGroups` unset → 2 (cluster mode on)', scaling: false, props: () => ({ ...CLUSTER_BASELINE }) },
  { change: '`database.engineVersion` 17 → 17.9', scaling: false, props: () => ({ ...BASELINE, database: { engineVersion: rds.PostgresEngineVersion.VER_17_9 } }) },
  { change: '`database.port` 5433 → 5434', scaling: false, props: () => ({ ...BASELINE, database: { port: 5434 } }) },
  { change: '`database.databaseName` transactions → orders', scaling: false, props: () => ({ ...BASELINE, database: { databaseName: 'orders' } }) },
  { change: '`database.masterUsername` pipeline_admin → shop_admin', scaling: false, props: () => ({ ...BASELINE, database: { masterUsername: 'shop_admin' } }) },
  { change: '`removalPolicy` default → DESTROY', scaling: false, props: () => ({ ...BASELINE, removalPolicy: RemovalPolicy.DESTROY }) },
  { change: '`removalPolicy` default → RETAIN', scaling: false, props: () => ({ ...BASELINE, removalPolicy: RemovalPolicy.RETAIN }) },
  { change: '`allowedRegions` + us-east-1', scaling: false, props: () => ({ ...BASELINE, allowedRegions: ['sa-east-1', 'us-east-1'] }) },
  { change: '`dataClassification` → sensitive-personal-data', scaling: false, props: () => ({ ...BASELINE, dataClassification: 'sensitive-personal-data' }) },
  { change: '`azCount` 2 → 3', scaling: false, props: () => ({ ...BASELINE, azCount: 3 }) },
  { change: '`environmentSuffix` dev → prod', scaling: false, props: () => ({ ...BASELINE, environmentSuffix: 'prod' }) },
  {
    change: '`encryptionKey` new key → a brought key',
    scaling: false,
    props: stack => ({ ...BASELINE, encryptionKey: new kms.Key(stack, 'BroughtKey', { enableKeyRotation: true }) }),
  },
  {
    change: '`vpc` new VPC → a brought VPC',
    scaling: false,
    props: stack => ({
      ...BASELINE,
      azCount: undefined,
      vpc: new ec2.Vpc(stack, 'BroughtVpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
    }),
  },
];

/** What a change does to one stateful resource. */
export type Effect = 'replaced' | 'may be replaced' | 'removed' | 'updated' | '';

export type Verdict = 'safe to change' | 'may replace data' | 'replaces data';

export interface MatrixRow {
  readonly change: string;
  readonly scaling: boolean;
  readonly knownIssue?: string;
  /** Effect on each stateful resource type. */
  readonly effects: Record<StatefulType, Effect>;
  /** Other resources the change replaces or may replace (type names, sorted, deduplicated). */
  readonly otherReplaced: string[];
  /**
   * `replaces data` when a stateful resource is replaced or removed, `may replace data` when the
   * CloudFormation resource schema says its replacement depends on a condition this table cannot
   * resolve, `safe to change` otherwise.
   */
  readonly verdict: Verdict;
}

export function synthTemplate(props: (stack: Stack) => LgpdDataPipelineProps): any {
  const app = new App();
  const stack = new Stack(app, 'FastShopPipeline', { env: { region: 'sa-east-1' } });
  new LgpdDataPipeline(stack, 'Pipeline', props(stack));
  return Template.fromStack(stack).toJSON();
}

function effectOf(impact: ResourceImpact): Effect {
  switch (impact) {
    case ResourceImpact.WILL_REPLACE: return 'replaced';
    case ResourceImpact.MAY_REPLACE: return 'may be replaced';
    case ResourceImpact.WILL_DESTROY:
    case ResourceImpact.WILL_ORPHAN: return 'removed';
    case ResourceImpact.WILL_UPDATE: return 'updated';
    default: return '';
  }
}

const SEVERITY: Effect[] = ['', 'updated', 'may be replaced', 'replaced', 'removed'];
const worst = (a: Effect, b: Effect): Effect => SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;

/**
 * Conditional replacements ("maybe" in the resource schema) whose condition is documented and can be
 * read from the new template. Each returns the resolved effect.
 */
const CONDITIONS: Record<string, (resource: any) => Effect> = {
  // "Update requires no interruption if the resource contains an UseOnlineResharding update policy set
  // to true; replacement if it does not" (AWS::ElastiCache::ReplicationGroup NumNodeGroups).
  'AWS::ElastiCache::ReplicationGroup.NumNodeGroups': r => r?.UpdatePolicy?.UseOnlineResharding === true ? 'updated' : 'replaced',
};

/** The effect of one resource difference, with documented conditions resolved. */
function resourceEffect(d: ResourceDifference): Effect {
  if (d.isRemoval) return effectOf(d.changeImpact);
  if (d.resourceTypeChanged) return 'replaced';
  let effect: Effect = d.isDifferent ? 'updated' : '';
  for (const [property, pd] of Object.entries(d.propertyUpdates)) {
    effect = worst(effect, propertyEffect(d.newResourceType!, property, d.newValue, pd.changeImpact));
  }
  return effect;
}

function propertyEffect(type: string, property: string, newResource: any, impact: ResourceImpact | undefined): Effect {
  const condition = CONDITIONS[`${type}.${property}`];
  if (impact === ResourceImpact.MAY_REPLACE && condition) return condition(newResource);
  return effectOf(impact ?? ResourceImpact.WILL_UPDATE);
}

/** The replacement impact of changing one property, from the resource schema cloudformation-diff uses. */
function replacementImpact(type: string, property: string): ResourceImpact {
  const causes = loadResourceModel(type)?.properties?.[property]?.causesReplacement;
  return causes === 'yes' ? ResourceImpact.WILL_REPLACE : causes === 'maybe' ? ResourceImpact.MAY_REPLACE : ResourceImpact.WILL_UPDATE;
}

/** Logical ids a value refers to with Ref, Fn::GetAtt or Fn::Sub. */
function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach(v => referencedIds(v, into));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') {into.add(v);} else if (key === 'Fn::GetAtt') {into.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);} else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        for (const m of String(text).matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) into.add(m[1]);
        referencedIds(Array.isArray(v) ? v[1] : undefined, into);
      } else {referencedIds(v, into);}
    }
  }
  return into;
}

/**
 * cloudformation-diff judges each resource on its own template text. A replaced resource gets a new
 * physical id, so every property that refers to it (Ref, GetAtt) changes at deploy time too: this
 * applies the resource schema to those properties as well, until nothing more changes.
 */
function propagateReplacements(after: any, effects: Map<string, Effect>): void {
  const resources: Record<string, any> = after.Resources ?? {};
  let changed = true;
  while (changed) {
    changed = false;
    const replaced = new Set([...effects].filter(([, e]) => e === 'replaced' || e === 'may be replaced').map(([id]) => id));
    for (const [id, resource] of Object.entries(resources)) {
      const current = effects.get(id);
      if (current === undefined || current === 'replaced' || current === 'removed') continue; // new, or already lost
      for (const [property, value] of Object.entries<any>(resource.Properties ?? {})) {
        if (![...referencedIds(value)].some(ref => replaced.has(ref))) continue;
        const effect = worst(effects.get(id)!, propertyEffect(resource.Type, property, resource, replacementImpact(resource.Type, property)));
        if (effect !== effects.get(id)) {
          effects.set(id, effect);
          changed = true;
        }
      }
    }
  }
}

/** Diffs two templates and summarizes what happens to the stateful resources. */
export function classify(change: PropChange, before: any, after: any): MatrixRow {
  const diff = fullDiff(before, after);
  // Every resource of the old template that is still there or removed, with its own effect.
  const effects = new Map<string, Effect>();
  const types = new Map<string, string>();
  for (const [id, r] of Object.entries<any>(before.Resources ?? {})) {
    effects.set(id, '');
    types.set(id, r.Type);
  }
  diff.resources.forEachDifference((logicalId, d) => {
    if (d.isAddition) return; // something new is created: nothing existing is lost
    effects.set(logicalId, resourceEffect(d));
  });
  propagateReplacements(after, effects);

  const byType = Object.fromEntries(STATEFUL_TYPES.map(t => [t, ''])) as Record<StatefulType, Effect>;
  const other = new Set<string>();
  for (const [id, effect] of effects) {
    const type = types.get(id)!;
    if (type in STATEFUL) {
      byType[type as StatefulType] = worst(byType[type as StatefulType], effect);
    } else if (effect === 'replaced' || effect === 'may be replaced') {
      other.add(type);
    }
  }
  const all = STATEFUL_TYPES.map(t => byType[t]);
  const verdict: Verdict = all.some(e => e === 'replaced' || e === 'removed') ? 'replaces data'
    : all.includes('may be replaced') ? 'may replace data' : 'safe to change';
  const { change: name, scaling, knownIssue } = change;
  return { change: name, scaling, knownIssue, effects: byType, otherReplaced: [...other].sort(), verdict };
}

/** Synthesizes the baselines and every change, and classifies each. */
export function computeMatrix(changes: PropChange[] = CHANGES): MatrixRow[] {
  const baselines = {
    default: synthTemplate(() => BASELINE),
    cluster: synthTemplate(() => CLUSTER_BASELINE),
  };
  return changes.map(c => classify(c, baselines[c.baseline ?? 'default'], synthTemplate(c.props)));
}

/** The Markdown table for README.md (Reliability). */
export function renderTable(rows: MatrixRow[]): string {
  const header = ['Change (one prop, from the FastShop baseline)', 'Verdict', ...STATEFUL_TYPES.map(t => STATEFUL[t]), 'Other resources replaced'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
  ];
  const cell = (e: Effect) => e === 'updated' ? 'updated in place' : e ? `**${e}**` : '–';
  for (const row of rows) {
    const verdict = row.verdict === 'safe to change' ? row.verdict : `**${row.verdict}**`;
    const change = row.knownIssue ? `${row.change} ⚠️ known issue` : row.change;
    const other = row.otherReplaced.map(t => `\`${t}\``).join(', ') || '–';
    lines.push(`| ${change} | ${verdict} | ${STATEFUL_TYPES.map(t => cell(row.effects[t])).join(' | ')} | ${other} |`);
  }
  const count = (v: Verdict) => rows.filter(r => r.verdict === v).length;
  const scaling = rows.filter(r => r.scaling);
  lines.push('');
  lines.push(`${rows.length} single-prop changes: ${count('safe to change')} safe to change, ${count('replaces data')} replace or remove `
    + `a stateful resource, ${count('may replace data')} may replace one (a condition in the resource schema). `
    + `Of the ${scaling.length} scaling, retention and alarm changes, ${scaling.filter(r => r.verdict === 'safe to change').length} replace nothing`
    + (scaling.some(r => r.knownIssue) ? `; ${scaling.filter(r => r.knownIssue).length} are known issues, listed below.` : '.'));
  for (const row of rows.filter(r => r.knownIssue)) {
    lines.push('');
    lines.push(`- ⚠️ ${row.change}: ${row.knownIssue}.`);
  }
  return lines.join('\n');
}

export const DOCS_FILE = path.join(__dirname, '..', '..', 'README.md');
export const START_MARKER = '<!-- update-matrix:start (generated by `npx projen docs:update-matrix`) -->';
export const END_MARKER = '<!-- update-matrix:end -->';

/** The table currently in README.md (Reliability), or undefined if the markers are missing. */
export function tableInDocs(file = DOCS_FILE): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, 'utf-8');
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) return undefined;
  return text.slice(start + START_MARKER.length, end).trim();
}

/** Rewrites the table in README.md (Reliability) between the markers. */
export function writeTableToDocs(table: string, file = DOCS_FILE): void {
  const text = fs.readFileSync(file, 'utf-8');
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`${file} has no ${START_MARKER} ... ${END_MARKER} block`);
  fs.writeFileSync(file, `${text.slice(0, start + START_MARKER.length)}\n${table}\n${text.slice(end)}`);
}

if (require.main === module) {
  const started = Date.now();
  const table = renderTable(computeMatrix());
  if (process.argv.includes('--write')) {
    writeTableToDocs(table);
    console.log(`update matrix written to ${path.relative(process.cwd(), DOCS_FILE)} in ${Date.now() - started} ms`);
  } else {
    console.log(table);
  }
}

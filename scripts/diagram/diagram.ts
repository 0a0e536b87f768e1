/**
 * Draws the architecture of a synthesized CloudFormation template: resources grouped by service,
 * an edge A -> B wherever A refers to B (Ref, Fn::GetAtt, Fn::Sub, DependsOn). Resources of one type
 * that occur more than twice are drawn as one node ("Subnet x4"), so the picture stays readable.
 *
 *   ts-node scripts/diagram/diagram.ts [--check] [template.json] [out-prefix]
 *
 * Writes <out-prefix>.dot and, with Graphviz's `dot` on the PATH, <out-prefix>.svg.
 * Defaults: cdk.out/fastshop/FastShopPipeline.template.json and docs/architecture.
 * With --check nothing is written: it exits 1 if <out-prefix>.dot differs from what the template gives.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface Graph {
  /** Node key -> label lines and service. */
  readonly nodes: Map<string, { label: string; service: string; count: number; customResource: boolean }>;
  /** "from\tto" pairs, deduplicated. */
  readonly edges: Set<string>;
}

/** Logical ids a template value refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub), pseudo parameters excluded. */
export function references(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) references(v, into);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) {into.add(v);} else if (k === 'Fn::GetAtt') {into.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);} else if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        for (const m of String(text).matchAll(/\$\{([A-Za-z0-9]+)(\.[^}]*)?\}/g)) into.add(m[1]);
        if (Array.isArray(v)) references(v[1], into);
      } else {references(v, into);}
    }
  }
  return into;
}

/** Every dependency of each resource: references in Properties (and elsewhere) plus DependsOn. */
export function dependencies(template: any): Map<string, Set<string>> {
  const resources: Record<string, any> = template.Resources ?? {};
  const deps = new Map<string, Set<string>>();
  for (const [id, r] of Object.entries(resources)) {
    const found = references({ Properties: r.Properties, Metadata: undefined });
    const dependsOn = r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
    for (const d of dependsOn) found.add(d);
    deps.set(id, new Set([...found].filter(d => d in resources && d !== id)));
  }
  return deps;
}

function shortType(type: string): string {
  return type.replace(/^AWS::/, '').replace(/^Custom::/, 'Custom::');
}

function serviceOf(type: string): string {
  if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return 'Custom resources';
  return type.split('::')[1];
}

/** The readable part of a CDK logical id: without the 8-hex-digit hash. */
function shortId(id: string): string {
  const readable = id.replace(/[0-9A-F]{8}$/, '');
  return readable.length <= 40 ? readable : `${readable.slice(0, 22)}\u2026${readable.slice(-17)}`;
}

export function buildGraph(template: any, collapseAbove = 2): Graph {
  const resources: Record<string, any> = template.Resources ?? {};
  const countOfType = new Map<string, number>();
  for (const r of Object.values(resources)) countOfType.set(r.Type, (countOfType.get(r.Type) ?? 0) + 1);
  const keyOf = (id: string) => {
    const type = resources[id].Type;
    return (countOfType.get(type) ?? 0) > collapseAbove ? `type:${type}` : id;
  };
  const nodes: Graph['nodes'] = new Map();
  for (const id of Object.keys(resources).sort()) {
    const type = resources[id].Type;
    const key = keyOf(id);
    const custom = type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
    if (!nodes.has(key)) {
      const collapsed = key.startsWith('type:');
      const count = countOfType.get(type) ?? 1;
      nodes.set(key, {
        label: collapsed ? `${shortType(type).split('::').pop()} \u00d7${count}\n${shortType(type)}` : `${shortId(id)}\n${shortType(type)}`,
        service: serviceOf(type),
        count: collapsed ? count : 1,
        customResource: custom,
      });
    }
  }
  const edges = new Set<string>();
  for (const [id, deps] of dependencies(template)) {
    for (const d of deps) {
      const [a, b] = [keyOf(id), keyOf(d)];
      if (a !== b) edges.add(`${a}\t${b}`);
    }
  }
  return { nodes, edges };
}

const COLORS: Record<string, string> = {
  'EC2': '#fdebd0',
  'KMS': '#fadbd8',
  'Kinesis': '#d6eaf8',
  'RDS': '#d5f5e3',
  'ElastiCache': '#e8daef',
  'CloudWatch': '#fcf3cf',
  'SNS': '#fcf3cf',
  'Logs': '#eaeded',
  'IAM': '#f2f3f4',
  'SecretsManager': '#fadbd8',
  'Lambda': '#f5eef8',
  'Custom resources': '#f5eef8',
};

export function toDot(graph: Graph, title: string): string {
  const q = (s: string) => JSON.stringify(s);
  const byService = new Map<string, string[]>();
  for (const [key, n] of graph.nodes) byService.set(n.service, [...(byService.get(n.service) ?? []), key]);
  const lines = [
    'digraph architecture {',
    `  graph [rankdir=LR, fontname="Helvetica", fontsize=20, labelloc=t, label=${q(title)}, nodesep=0.25, ranksep=1.1, compound=true];`,
    '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica", fontsize=11];',
    '  edge [color="#808b96", arrowsize=0.6];',
  ];
  [...byService.keys()].sort().forEach((service, i) => {
    lines.push(`  subgraph cluster_${i} {`);
    lines.push(`    label=${q(service)}; style="rounded,filled"; fillcolor=${q(COLORS[service] ?? '#f8f9f9')}; color="#aab7b8"; fontsize=14;`);
    for (const key of byService.get(service)!.sort()) {
      const n = graph.nodes.get(key)!;
      const extra = n.customResource ? ', style="rounded,filled,dashed"' : n.count > 1 ? ', peripheries=2' : '';
      lines.push(`    ${q(key)} [label=${q(n.label)}${extra}];`);
    }
    lines.push('  }');
  });
  for (const edge of [...graph.edges].sort()) {
    const [a, b] = edge.split('\t');
    lines.push(`  ${q(a)} -> ${q(b)};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

function main(): void {
  const check = process.argv.includes('--check');
  const args = process.argv.slice(2).filter(a => a !== '--check');
  const templatePath = args[0] ?? 'cdk.out/fastshop/FastShopPipeline.template.json';
  const outPrefix = args[1] ?? 'docs/architecture';
  if (!fs.existsSync(templatePath)) {
    console.error(`${templatePath} not found: run \`npx projen synth:example\` first`);
    process.exit(1);
  }
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf-8'));
  const graph = buildGraph(template);
  const count = Object.keys(template.Resources ?? {}).length;
  const title = `${path.basename(templatePath, '.template.json')}: ${count} resources\n`
    + 'A \u2192 B: A refers to or depends on B. Double border: several of one type. Dashed: Lambda-backed custom resource.';
  const dot = toDot(graph, title);
  if (check) {
    const committed = fs.existsSync(`${outPrefix}.dot`) ? fs.readFileSync(`${outPrefix}.dot`, 'utf-8') : '';
    if (committed !== dot) {
      console.error(`${outPrefix}.dot (and .svg) is out of date with ${templatePath}: run \`npx projen diagram\` and commit it`);
      process.exit(1);
    }
    console.log(`${outPrefix}.dot is up to date with ${templatePath}`);
    return;
  }
  fs.mkdirSync(path.dirname(outPrefix), { recursive: true });
  fs.writeFileSync(`${outPrefix}.dot`, dot);
  const svg = execFileSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf-8' });
  fs.writeFileSync(`${outPrefix}.svg`, svg);
  console.log(`${outPrefix}.dot and ${outPrefix}.svg: ${graph.nodes.size} nodes for ${count} resources, ${graph.edges.size} edges`);
}

if (require.main === module) main();

/**
 * Checks the cloud assemblies the consumers synthesized into DIR/<language>/ (consumers/run.sh):
 *
 * - no warning or error annotation on any construct (what `cdk synth` would print: from aws-cdk-lib
 *   about how the library uses it, or from the library), except the library's own warnings about the
 *   app's configuration, which name their acknowledgement id (`[ack: cdk-lgpd-data-pipeline:...]`):
 *   the consumer app asks for azCount 3 in a stack without an account, and is told so;
 * - with --same-templates, every language's templates equal the TypeScript reference's
 *   (DIR/typescript/), ignoring what legitimately differs between runtimes: Metadata, the
 *   CDKMetadata resource and its condition, asset hashes (64 hex digits), and the bootstrap-version
 *   Parameters/Rules. Any other difference is a bug in the library's jsii shape (a prop that does not
 *   reach the construct the same way from every language), and fails.
 *
 *   ts-node consumers/compare.ts [--same-templates] DIR
 */
import * as fs from 'fs';
import * as path from 'path';

const REFERENCE = 'typescript';

function normalize(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/[0-9a-f]{64}/g, '<hash>');
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Metadata') continue;
      out[k.replace(/[0-9a-f]{64}/g, '<hash>')] = normalize(v);
    }
    return out;
  }
  return value;
}

function loadTemplate(file: string): any {
  const t = JSON.parse(fs.readFileSync(file, 'utf-8'));
  delete t.Resources?.CDKMetadata;
  delete t.Conditions?.CDKMetadataAvailable;
  if (t.Conditions && Object.keys(t.Conditions).length === 0) delete t.Conditions;
  delete t.Parameters?.BootstrapVersion;
  if (t.Parameters && Object.keys(t.Parameters).length === 0) delete t.Parameters;
  delete t.Rules?.CheckBootstrapVersion;
  if (t.Rules && Object.keys(t.Rules).length === 0) delete t.Rules;
  return normalize(t);
}

/** Paths where `a` and `b` differ, e.g. `Resources.PipelineStream1234.Properties.ShardCount: 4 != 2`. */
function diff(a: any, b: any, at: string, found: string[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[k], b[k], at ? `${at}.${k}` : k, found);
    return;
  }
  found.push(`${at}: ${JSON.stringify(b)?.slice(0, 120)} (typescript: ${JSON.stringify(a)?.slice(0, 120)})`);
}

function templatesIn(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.template.json')).sort() : [];
}

/** The library's warnings about an app's configuration end with their acknowledgement id. */
const CONFIGURATION_WARNING = /\[ack: cdk-lgpd-data-pipeline:[A-Za-z0-9]+\]$/;

/**
 * `aws:cdk:warning` and `aws:cdk:error` entries of an assembly (in manifest.json, or with aws-cdk-lib
 * 2.27x in <stack>.metadata.json), but the library's configuration warnings, which are printed as notes.
 */
function annotations(dir: string): string[] {
  const found: string[] = [];
  const scan = (byPath: Record<string, { type: string; data: unknown }[]>) => {
    for (const [at, entries] of Object.entries(byPath ?? {})) {
      for (const e of entries) {
        if (e.type !== 'aws:cdk:warning' && e.type !== 'aws:cdk:error') continue;
        const line = `${e.type} ${at}: ${JSON.stringify(e.data).slice(0, 200)}`;
        if (e.type === 'aws:cdk:warning' && CONFIGURATION_WARNING.test(String(e.data))) console.log(`note ${path.basename(dir)}: ${line}`);
        else found.push(line);
      }
    }
  };
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf-8'));
  for (const artifact of Object.values<any>(manifest.artifacts ?? {})) scan(artifact.metadata);
  for (const f of fs.readdirSync(dir).filter(n => n.endsWith('.metadata.json'))) scan(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf-8')));
  return found;
}

const args = process.argv.slice(2);
const sameTemplates = args.includes('--same-templates');
const out = args.filter(a => a !== '--same-templates')[0];
if (!out) {
  console.error('usage: compare.ts [--same-templates] DIR  (DIR/<language>/ holds each consumer\'s cloud assembly)');
  process.exit(2);
}
const languages = fs.readdirSync(out).filter(l => fs.existsSync(path.join(out, l, 'manifest.json'))).sort();
let passed = 0;
let failed = 0;

for (const language of languages) {
  const found = annotations(path.join(out, language));
  if (found.length === 0) {
    console.log(`ok   ${language}: no warning or error annotation`);
    passed++;
  } else {
    console.log(`FAIL ${language}: ${found.length} warning or error annotation(s)`);
    for (const f of found.slice(0, 20)) console.log(`       ${f}`);
    failed++;
  }
}

const reference = templatesIn(path.join(out, REFERENCE));
if (sameTemplates && reference.length === 0) {
  console.error(`no reference templates in ${path.join(out, REFERENCE)}: did the TypeScript consumer run?`);
  process.exit(1);
}
for (const language of sameTemplates ? languages.filter(l => l !== REFERENCE) : []) {
  const dir = path.join(out, language);
  const found = templatesIn(dir);
  for (const extra of found.filter(f => !reference.includes(f))) {
    console.log(`FAIL ${language}/${extra}: no such stack in the TypeScript app`);
    failed++;
  }
  for (const file of reference) {
    if (!found.includes(file)) {
      console.log(`FAIL ${language}/${file}: missing (did the ${language} consumer run?)`);
      failed++;
      continue;
    }
    const expected = loadTemplate(path.join(out, REFERENCE, file));
    const actual = loadTemplate(path.join(dir, file));
    const differences: string[] = [];
    diff(expected, actual, '', differences);
    const resources = Object.keys(expected.Resources ?? {}).length;
    if (differences.length === 0) {
      console.log(`ok   ${language}/${file}: identical to typescript (${resources} resources)`);
      passed++;
    } else {
      console.log(`FAIL ${language}/${file}: ${differences.length} difference(s) from typescript`);
      for (const d of differences.slice(0, 20)) console.log(`       ${d}`);
      failed++;
    }
  }
}
console.log(`${out}: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || languages.length === 0 ? 1 : 0);

/**
 * Compares the templates each language's consumer synthesized (consumers/out/<language>/) with the
 * TypeScript reference (consumers/out/typescript/), ignoring what legitimately differs between
 * runtimes: Metadata, the CDKMetadata resource and its condition, asset hashes (64 hex digits), and
 * the bootstrap-version Parameters/Rules. Any other difference is a bug in the library's jsii shape
 * (a prop that does not reach the construct the same way from every language), and fails.
 *
 *   ts-node consumers/compare.ts python java go
 */
import * as fs from 'fs';
import * as path from 'path';

const OUT = path.join(__dirname, 'out');
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

const languages = process.argv.slice(2);
if (languages.length === 0) {
  console.error('usage: compare.ts LANGUAGE...  (compares consumers/out/LANGUAGE with consumers/out/typescript)');
  process.exit(2);
}
const reference = templatesIn(path.join(OUT, REFERENCE));
if (reference.length === 0) {
  console.error(`no reference templates in ${path.join(OUT, REFERENCE)}: run the TypeScript consumer first`);
  process.exit(1);
}
let passed = 0;
let failed = 0;
for (const language of languages) {
  const dir = path.join(OUT, language);
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
    const expected = loadTemplate(path.join(OUT, REFERENCE, file));
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
console.log(`template comparison: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

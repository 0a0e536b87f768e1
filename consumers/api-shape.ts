/**
 * Checks the public API in the jsii assembly (.jsii) for the shapes that do not work the same in every
 * language, and fails if it finds one:
 * - a union type (Java gets `Object`, Go `interface{}`: a consumer can pass anything and the compiler
 *   checks nothing) or `any`;
 * - an optional property of a props struct without a `@default` (the docs in every language say it).
 *
 * It warns (without failing, until the API changes) about constants whose name has a digit followed by
 * a letter: jsii renames them in Python and Java (`CacheNodeType.R7G_LARGE` is `R7_G_LARGE` there,
 * `CacheNodeType_R7G_LARGE()` in Go), and jsii-rosetta's Python and Java translations keep the
 * TypeScript name, so Construct Hub shows code that does not run. Set API_SHAPE_STRICT=1 to fail on it.
 *
 * The consumer tests catch a removed or renamed prop (their code stops compiling); this catches what
 * still compiles everywhere. Run after compile: `ts-node consumers/api-shape.ts`.
 */
import * as fs from 'fs';
import * as path from 'path';

const assembly = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.jsii'), 'utf-8'));
const problems: string[] = [];
const warnings: string[] = [];
let checked = 0;

function checkType(where: string, ref: any): void {
  checked++;
  if (!ref) return;
  if (ref.union) problems.push(`${where}: union type (${ref.union.types.map(describe).join(' | ')}); use one type, or an enum-like class`);
  if (ref.primitive === 'any') problems.push(`${where}: type any`);
  if (ref.collection) checkType(`${where} (element)`, ref.collection.elementtype);
}

function describe(ref: any): string {
  return ref.fqn ?? ref.primitive ?? (ref.collection ? `${ref.collection.kind}<${describe(ref.collection.elementtype)}>` : 'union');
}

function checkCallable(where: string, callable: any): void {
  for (const p of callable.parameters ?? []) checkType(`${where}(${p.name})`, p.type);
  if (callable.returns) checkType(`${where} returns`, callable.returns.type);
}

for (const [fqn, type] of Object.entries<any>(assembly.types)) {
  for (const prop of type.properties ?? []) {
    checkType(`${fqn}.${prop.name}`, prop.type);
    if (prop.const && /[0-9][A-Z]/.test(prop.name)) {
      const renamed = prop.name.replace(/([0-9])([A-Z])/g, '$1_$2');
      warnings.push(`${fqn}.${prop.name}: Python and Java call it ${renamed}; README/@example translations will not run`);
    }
    if (type.kind === 'interface' && type.datatype && prop.optional && prop.docs?.default === undefined) {
      problems.push(`${fqn}.${prop.name}: optional prop without @default`);
    }
  }
  if (type.initializer) checkCallable(`new ${fqn}`, type.initializer);
  for (const method of type.methods ?? []) checkCallable(`${fqn}.${method.name}`, method);
}

if (process.env.API_SHAPE_STRICT) problems.push(...warnings.splice(0));
for (const w of warnings) console.log(`WARN ${w}`);
for (const p of problems) console.log(`FAIL ${p}`);
console.log(`jsii API shape: ${checked} type references in ${Object.keys(assembly.types).length} types, `
  + `${problems.length} problem(s), ${warnings.length} warning(s)`);
process.exit(problems.length > 0 ? 1 : 0);

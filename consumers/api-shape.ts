/**
 * Checks the public API in the jsii assembly (.jsii) for the shapes that do not work the same in every
 * language, and fails if it finds one:
 * - a union type (Java gets `Object`, Go `interface{}`: a consumer can pass anything and the compiler
 *   checks nothing) or `any`;
 * - an optional property of a props struct without a `@default` (the docs in every language say it).
 *
 * - a public type, member, enum member or parameter without a description: API.md and Construct Hub
 *   show "No description" for it, in every language;
 * - a constant whose name has a digit followed by a letter: jsii renames it in Python and Java only
 *   (`R7G_LARGE` becomes `R7_G_LARGE`), while jsii-rosetta's translations keep the TypeScript name, so
 *   Construct Hub would show code that does not run. (This check made us rename CacheNodeType's
 *   constants to `MEMORY7_GRAVITON_LARGE` style, as ec2.InstanceClass does.)
 *
 * The consumer tests catch a removed or renamed prop (their code stops compiling); this catches what
 * still compiles everywhere. Run after compile: `ts-node consumers/api-shape.ts`.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The assemblies of both packages: the construct and the checks. */
const ASSEMBLIES = ['.jsii', 'packages/cdk-lgpd-checks/.jsii'];
const problems: string[] = [];
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

function checkDocs(where: string, docs: any): void {
  if (!docs?.summary?.trim()) problems.push(`${where}: no description (API.md says "No description")`);
}

function checkCallable(where: string, callable: any): void {
  for (const p of callable.parameters ?? []) {
    checkType(`${where}(${p.name})`, p.type);
    checkDocs(`${where}(${p.name})`, p.docs);
  }
  if (callable.returns) checkType(`${where} returns`, callable.returns.type);
}

let typeCount = 0;
for (const file of ASSEMBLIES) {
  const assembly = JSON.parse(fs.readFileSync(path.join(__dirname, '..', file), 'utf-8'));
  typeCount += Object.keys(assembly.types).length;
  checkAssembly(assembly);
}

function checkAssembly(assembly: any): void {
  for (const [fqn, type] of Object.entries<any>(assembly.types)) {
    checkDocs(fqn, type.docs);
    for (const member of type.members ?? []) checkDocs(`${fqn}.${member.name}`, member.docs);
    for (const prop of type.properties ?? []) {
      checkType(`${fqn}.${prop.name}`, prop.type);
      checkDocs(`${fqn}.${prop.name}`, prop.docs);
      if (prop.const && /[0-9][A-Z]/.test(prop.name)) {
        const renamed = prop.name.replace(/([0-9])([A-Z])/g, '$1_$2');
        problems.push(`${fqn}.${prop.name}: Python and Java call it ${renamed}; README/@example translations will not run`);
      }
      if (type.kind === 'interface' && type.datatype && prop.optional && prop.docs?.default === undefined) {
        problems.push(`${fqn}.${prop.name}: optional prop without @default`);
      }
    }
    if (type.initializer) checkCallable(`new ${fqn}`, type.initializer);
    for (const method of type.methods ?? []) {
      checkCallable(`${fqn}.${method.name}`, method);
      checkDocs(`${fqn}.${method.name}`, method.docs);
    }
}

}

for (const p of problems) console.log(`FAIL ${p}`);
console.log(`jsii API shape: ${checked} type references in ${typeCount} types of ${ASSEMBLIES.length} assemblies, `
  + `${problems.length} problem(s)`);
process.exit(problems.length > 0 ? 1 : 0);

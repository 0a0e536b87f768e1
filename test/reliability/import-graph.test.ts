/**
 * The structure of src/, read from the imports of every source file and its length (TypeScript's own pre-processor,
 * so comments and strings are not mistaken for imports): no import cycle, no part importing the facade
 * (parts and add-ons bind to ILgpdDataPipeline instead), and the LgpdChecks rule pack (its own package,
 * packages/cdk-lgpd-checks) and the constructs independent of each other.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Each file of src/ (relative path) and the files of src/ it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const imported = ts.preProcessFile(fs.readFileSync(file, 'utf-8'), true, true).importedFiles
      .map(i => i.fileName)
      .filter(name => name.startsWith('.'))
      .map(name => {
        const target = path.resolve(path.dirname(file), name);
        return fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
      });
    graph.set(path.relative(SRC, file), imported.map(t => path.relative(SRC, t)));
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); component.push(w); } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

const graph = importGraph();

test('the import graph of src/ has no cycle', () => {
  expect(graph.size).toBeGreaterThan(20);
  expect(cycles(graph)).toEqual([]);
});

test('the cycle check finds a cycle when there is one', () => {
  expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
});

test('only the module index imports the facade: parts and add-ons bind to ILgpdDataPipeline', () => {
  const importers = [...graph].filter(([, imports]) => imports.includes('lgpd-data-pipeline.ts')).map(([file]) => file);
  expect(importers).toEqual(['index.ts']);
});

/** The modules (package names and relative paths) the files under `dir` import. */
function importsUnder(dir: string): Array<{ file: string; target: string }> {
  return sourceFiles(dir).flatMap(file => ts.preProcessFile(fs.readFileSync(file, 'utf-8'), true, true).importedFiles
    .map(i => ({ file: path.relative(path.join(SRC, '..'), file), target: i.fileName.startsWith('.') ? path.resolve(path.dirname(file), i.fileName) : i.fileName })));
}

test('the constructs import neither cdk-nag nor the LgpdChecks package, and the package nothing of the constructs', () => {
  const checks = path.join(SRC, '..', 'packages', 'cdk-lgpd-checks', 'src');
  const fromConstructs = importsUnder(SRC).filter(i => /^(cdk-nag|cdk-lgpd-checks)(\/|$)/.test(i.target) || i.target.startsWith(path.dirname(checks)));
  const fromPack = importsUnder(checks).filter(i => i.target === 'cdk-lgpd-data-pipeline' || i.target.startsWith(`${SRC}${path.sep}`) || i.target === SRC);
  expect(fromConstructs).toEqual([]);
  expect(fromPack).toEqual([]);
  expect(importsUnder(checks).some(i => i.target.startsWith('cdk-nag/'))).toBe(true);
});

test('no source file of src/ is over 350 lines: one concern a file', () => {
  const long = sourceFiles(SRC)
    .map(file => [path.relative(SRC, file), fs.readFileSync(file, 'utf-8').split('\n').length - 1] as const)
    .filter(([, lines]) => lines > 350);
  expect(long).toEqual([]);
});

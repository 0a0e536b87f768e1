/**
 * What the npm tarball holds, as `npm pack` lists it: the files a user and Construct Hub need, and
 * nothing else. (The PyPI, Maven and Go packages embed this same tarball.) Needs the compiled library
 * (lib/, .jsii, .jsii.tabl.json): the build runs it after compile and rosetta.
 *
 * - lib/**\/*.js and lib/**\/*.d.ts: the library and its types (package.json `main`, `types`);
 * - assets/**: files the library reads at synth time (bundled Lambda handlers);
 * - .jsii: the assembly jsii-pacmak and Construct Hub read the API from;
 * - .jsii.tabl.json: the README and @example snippets translated to Python, Java and Go by our
 *   strict rosetta run; Construct Hub uses these translations and translates live only what is missing;
 * - API.md, README.md, LICENSE, package.json.
 *
 * Not: sources, tests, examples, scripts, docs, the rosetta fixture (it only compiles the snippets
 * here), CI and build configuration, synthesized apps.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

const ALLOWED: RegExp[] = [
  /^lib\/.+\.js$/,
  /^lib\/.+\.d\.ts$/,
  /^assets\/.+$/,
  /^\.jsii$/,
  /^\.jsii\.tabl\.json$/,
  /^API\.md$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^package\.json$/,
];

/** Files under `dir` (relative to the repository), recursively. */
function filesUnder(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

let packed: string[];

beforeAll(() => {
  const required = ['lib/index.js', '.jsii', '.jsii.tabl.json'].filter(f => !fs.existsSync(path.join(ROOT, f)));
  if (required.length > 0) throw new Error(`${required.join(', ')} missing: compile first (npx projen compile post-compile)`);
  const report = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: ROOT, encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 }));
  packed = report[0].files.map((f: { path: string }) => f.path).sort();
});

test('the tarball holds nothing outside the library, its assets, .jsii, the tablet, API.md, README, LICENSE and package.json', () => {
  expect(packed.filter(f => !ALLOWED.some(a => a.test(f)))).toEqual([]);
});

test('the tarball holds every compiled module and type declaration, and every asset', () => {
  const expected = [
    ...filesUnder('lib').filter(f => f.endsWith('.js') || f.endsWith('.d.ts')),
    ...filesUnder('assets'),
  ];
  expect(expected.length).toBeGreaterThan(0);
  expect(expected.filter(f => !packed.includes(f))).toEqual([]);
});

test('the tarball holds the assembly, its translations, API.md, README, LICENSE and package.json, and what main and types name', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  for (const f of ['.jsii', '.jsii.tabl.json', 'API.md', 'README.md', 'LICENSE', 'package.json', pkg.main, pkg.types]) {
    expect(packed).toContain(f);
  }
});

test('the schema functions\' bundle ships with its migrations, and each function that connects to RDS with the RDS certificate authorities', () => {
  expect(packed).toEqual(expect.arrayContaining([
    'assets/handlers/schema-migrations/index.js',
    'assets/handlers/schema-migrations/migrations/0001_transactions_and_processor_role.sql',
    'assets/handlers/schema-migrations/rds-ca-bundle.pem',
    'assets/handlers/transaction-processor/index.js',
    'assets/handlers/transaction-processor/rds-ca-bundle.pem',
  ]));
});

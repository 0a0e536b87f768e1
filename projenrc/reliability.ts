import { awscdk } from 'projen';

/**
 * Reliability: no bad template, no accidental data loss, no broken API. Called from .projenrc.ts.
 *
 * The fast tests (invalid configurations, tokens, update matrix, pinned construct ids, pinned API) are
 * in test/reliability/*.test.ts and run with the unit tests. Here: the property tests, which are slow,
 * the task that regenerates the update-matrix table of docs/reliability.md, and the API compatibility
 * check against the last released version.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  const properties = project.addTask('test:properties', {
    description: 'fast-check property tests of generated configurations (FC_NUM_RUNS, default 200; replay with FC_SEED and FC_PATH) and cfn-lint on a sample',
    exec: "jest --coverage=false --testMatch '<rootDir>/test/reliability/**/*.prop.ts'",
    receiveArgs: true,
  });

  project.addTask('docs:update-matrix', {
    description: 'Recompute the update matrix (which prop changes replace data) and write it into docs/reliability.md',
    exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/reliability/update-matrix.ts --write',
  });

  // projen's `compat` task (jsii-diff) compares with the latest version on npm. Until a version is
  // released there is nothing to compare with and test/reliability/api-surface.test.ts pins the API.
  // The package's stability is experimental, which jsii-diff does not report by default: count it.
  const compat = project.addTask('compat:released', {
    description: 'Check API compatibility with the latest released version (jsii-diff), once one is on npm',
    condition: 'npm view cdk-lgpd-data-pipeline version --loglevel=silent',
    exec: 'jsii-diff npm:cdk-lgpd-data-pipeline -k --ignore-file .compatignore --experimental-errors',
  });

  const ci = project.tasks.tryFind('ci')!;
  ci.spawn(properties);
  ci.spawn(compat);
}

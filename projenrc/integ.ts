import { awscdk, github, YamlFile } from 'projen';
import { NODE_LINES } from './release';

/** Where every integration case deploys (the pipeline's data-residency guard allows only sa-east-1). */
const REGION = 'sa-east-1';

/** The integration cases, test/integ.<case>.ts. */
export const INTEG_CASES = ['default', 'production', 'bring-your-own'];

/**
 * integ-runner on this repository's TypeScript cases. ts-node transpiles only (each case would
 * otherwise type-check the whole library again): the `integ` task type-checks the apps with tsc first,
 * and jest type-checks the helpers (test/integ-destroyable.test.ts imports them).
 */
const INTEG_RUNNER = [
  'integ-runner',
  '--directory test',
  '--language typescript',
  '--app "node -r ts-node/register/transpile-only {filePath}"',
  `--parallel-regions ${REGION}`,
].join(' ');

/** The actionlint release installed by scripts/install/integ.sh (Go module proxy). */
export const ACTIONLINT_VERSION = 'v1.7.12';

/**
 * Integration tests: snapshot verification (no credentials), snapshot update, a real deploy used by
 * the `integ` GitHub workflow, cfn-lint on the snapshot templates, and actionlint on every workflow.
 * Called from .projenrc.ts.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  const ci = project.tasks.tryFind('ci')!;

  const integ = project.addTask('integ', {
    description: 'Type-check the integ apps, then verify their snapshots (test/integ.*.ts.snapshot) without deploying; fails on drift',
    steps: [
      // integ-runner only transpiles; the helpers are type-checked by jest, the apps here.
      { exec: `tsc --noEmit --strict --esModuleInterop --skipLibCheck --module node16 --moduleResolution node16 --target es2022 --types node,jest --noUnusedLocals --noUnusedParameters ${INTEG_CASES.map(c => `test/integ.${c}.ts`).join(' ')}` },
      { exec: INTEG_RUNNER },
    ],
  });
  // --force: rewrite every snapshot, not only those whose templates drifted (a change to a case's
  // integ.json alone, its hooks for example, is not drift to integ-runner).
  project.addTask('integ:update', {
    description: 'Regenerate every integration test snapshot without deploying',
    exec: `${INTEG_RUNNER} --update-on-failed --dry-run --force`,
  });
  project.addTask('integ:deploy', {
    description: 'Deploy, assert and destroy integration cases in the current AWS account (all, or the files given: integ.default.ts)',
    // --inspect-failures keeps a failed case's cloud assembly (test/cdk-integ.out.*) for the workflow's artifact.
    exec: `${INTEG_RUNNER} --force --no-update-workflow --inspect-failures --verbose`,
    receiveArgs: true,
  });

  const cfnLint = project.addTask('lint:integ-cfn', {
    description: 'Run cfn-lint on every integration snapshot template (zero errors and warnings)',
    exec: 'cfn-lint --config-file .cfnlintrc.yaml -- test/integ.*.snapshot/*.template.json',
  });

  // actionlint's configuration: shellcheck's findings in the `run:` steps projen itself generates are
  // waived, file by file, because this repository cannot change those steps: the build workflow's
  // self-mutation step, the release workflow's tag and commit checks and `gh release` step, the
  // upgrade workflow's patch step (`>> $GITHUB_OUTPUT` unquoted, `! -z`, `A && B || C`, all at info or
  // style level). Every finding in a step written here (projenrc/*.ts), and every other finding, is linted.
  new YamlFile(project, '.github/actionlint.yaml', {
    obj: {
      paths: {
        '.github/workflows/build.yml': {
          ignore: ['shellcheck reported issue in this script: SC2086:info:2:93: Double quote to prevent globbing'],
        },
        '.github/workflows/release.yml': {
          ignore: [
            'shellcheck reported issue in this script: SC2086:info:[0-9:]+ Double quote to prevent globbing',
            'shellcheck reported issue in this script: SC2236:style:[0-9:]+ Use -n instead of ! -z',
            'shellcheck reported issue in this script: SC2015:info:[0-9:]+ Note that A && B \\|\\| C is not if-then-else',
          ],
        },
        '.github/workflows/upgrade-main.yml': {
          ignore: ['shellcheck reported issue in this script: SC2086:info:2:84: Double quote to prevent globbing'],
        },
      },
    },
  });

  const lintWorkflows = project.addTask('lint:workflows', {
    description: 'Lint the GitHub workflow files with actionlint (and shellcheck on their run blocks), and the integ shell scripts',
    steps: [
      { exec: 'PATH="$PATH:$(go env GOPATH)/bin" actionlint -color=false .github/workflows/*.yml' },
      { exec: 'shellcheck test/integ-helpers/*.sh scripts/install/integ.sh' },
    ],
  });

  // The snapshots are committed whole: the repository ignores *.js under test/ and every cdk.out,
  // which would drop the assertion handler bundle and the snapshot's version marker.
  project.gitignore.include('/test/integ.*.snapshot/**');
  // integ-runner's working output, and the deploy workflow's logs.
  project.gitignore.exclude('test/cdk-integ.out.*', '/integ-output/');

  ci.spawn(integ);
  ci.spawn(cfnLint);
  ci.spawn(lintWorkflows);

  addDeployWorkflow(project);
}

/**
 * The `integ` workflow: deploys, asserts and destroys every case in a real account, through OIDC.
 * On demand, and on pull requests that change src/ when the repository variable AWS_INTEG_ROLE_ARN
 * is set (never for pull requests from forks, which get no id token).
 */
function addDeployWorkflow(project: awscdk.AwsCdkConstructLibrary): void {
  const workflow = new github.GithubWorkflow(project.github!, 'integ', {
    // Every run uses the same physical names: one at a time per repository, never cancelled halfway
    // (a cancelled run would leave stacks behind).
    limitConcurrency: true,
    concurrencyOptions: { group: 'integ-aws-account', cancelInProgress: false },
  });
  workflow.on({
    workflowDispatch: {},
    pullRequest: { paths: ['src/**'] },
  });
  workflow.addJobs({
    integ: {
      name: 'integ ${{ matrix.case }}',
      runsOn: ['ubuntu-latest'],
      if: "vars.AWS_INTEG_ROLE_ARN != '' && (github.event_name == 'workflow_dispatch' || github.event.pull_request.head.repo.full_name == github.repository)",
      permissions: { idToken: github.workflows.JobPermission.WRITE, contents: github.workflows.JobPermission.READ },
      timeoutMinutes: 150,
      strategy: { failFast: false, matrix: { domain: { case: INTEG_CASES } } },
      env: { CI: 'true', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
      steps: [
        github.WorkflowSteps.checkout(),
        {
          name: 'Setup Node.js',
          uses: 'actions/setup-node@v7.0.0',
          with: { 'node-version': NODE_LINES[0] },
        },
        { name: 'Install dependencies', run: 'npm ci' },
        {
          name: 'AWS credentials (OIDC)',
          uses: 'aws-actions/configure-aws-credentials@v6.2.3',
          with: {
            'role-to-assume': '${{ vars.AWS_INTEG_ROLE_ARN }}',
            'aws-region': REGION,
            'role-session-name': 'integ-${{ github.run_id }}-${{ github.run_attempt }}',
          },
        },
        {
          name: 'Deploy, assert and destroy',
          env: { CASE: '${{ matrix.case }}' },
          run: [
            'set -o pipefail',
            'mkdir -p integ-output',
            'npx projen integ:deploy "integ.${CASE}.ts" 2>&1 | tee "integ-output/${CASE}.log"',
          ].join('\n'),
        },
        github.WorkflowSteps.uploadArtifact({
          name: 'Upload integ-runner output',
          if: 'always()',
          with: {
            name: 'integ-${{ matrix.case }}',
            path: 'integ-output/\ntest/cdk-integ.out.*\ntest/integ.${{ matrix.case }}.ts.snapshot/',
            ifNoFilesFound: 'ignore',
            retentionDays: 14,
          },
        }),
      ],
    },
  });
}

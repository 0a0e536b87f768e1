import { awscdk, github } from 'projen';
import { JobPermission, JobStep } from 'projen/lib/github/workflows-model';
import { CHECKS_DIR, CHECKS_NAME } from './checks';
import { NODE_LINES } from './release';

/** A job of the build workflow beside projen's `build` job, which runs `npx projen build`. */
interface CiJob {
  readonly name: string;
  /** The tasks it runs, in order: each is a task `npx projen ci` spawns. */
  readonly tasks: string[];
  /** scripts/install/<concern>.sh to run first (the tools .ci/run installs with scripts/install-tools.sh). */
  readonly installs: string[];
  /** Debian packages the install scripts would otherwise apt-get (a GitHub runner needs sudo for them). */
  readonly apt?: string[];
  readonly python?: boolean;
  readonly java?: boolean;
  readonly go?: boolean;
  /**
   * Runs on the build job's packages: downloads its dist/ and unpacks both npm tarballs into the
   * checkout (compiled lib/ and .jsii, as projen's packaging jobs do) instead of building again.
   */
  readonly fromBuild?: boolean;
}

/**
 * What `.ci/run` runs (`npx projen ci`), split into jobs that run beside the build: every task `ci`
 * spawns is in exactly one job (test/ci-workflow.test.ts fails otherwise). The jobs that synthesize the
 * library bundle the processor first (assets/, which a build makes in pre-compile).
 */
export const CI_JOBS: Record<string, CiJob> = {
  compliance: {
    name: 'cfn-lint and checkov',
    tasks: ['lint:cfn', 'compliance:cfn-lint', 'compliance:checkov', 'lint:integ-cfn'],
    installs: ['compliance'],
    python: true,
  },
  integ: {
    name: 'Integration snapshots and workflow lint',
    tasks: ['integ', 'lint:workflows'],
    installs: ['integ'],
    apt: ['shellcheck'],
    go: true,
  },
  properties: {
    name: 'Property tests',
    tasks: ['test:properties'],
    installs: ['reliability'],
    python: true,
  },
  diagram: {
    name: 'Architecture diagram',
    tasks: ['diagram:check'],
    installs: [],
    apt: ['graphviz'],
  },
  processor: {
    name: 'Processor on real PostgreSQL and Redis',
    tasks: ['test:processor'],
    installs: ['processor'],
    apt: ['redis-server'],
    python: true,
  },
  rights: {
    name: 'Data-subject rights on real PostgreSQL and Redis',
    tasks: ['test:rights'],
    installs: ['processor', 'rights'],
    apt: ['redis-server'],
    python: true,
  },
  install: {
    name: 'Installed by name in four languages',
    tasks: ['compat:released', 'test:install'],
    installs: ['languages'],
    apt: ['shellcheck'],
    python: true,
    java: true,
    go: true,
    fromBuild: true,
  },
};

/**
 * One CI: the build workflow runs what `.ci/run` runs. projen's `build` job builds (compile, API.md,
 * rosetta, unit tests, eslint, npm packages of both packages) and uploads dist/; the jobs of
 * {@link CI_JOBS} run the rest of `npx projen ci` beside it, the install-by-name test on its packages.
 * Called from .projenrc.ts after every concern has added its steps to `ci`.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  const workflow = project.github!.tryFindWorkflow('build')!;
  for (const [id, job] of Object.entries(CI_JOBS)) {
    workflow.addJob(id, {
      name: job.name,
      runsOn: ['ubuntu-latest'],
      permissions: { contents: JobPermission.READ },
      ...(job.fromBuild ? { needs: ['build'], if: '${{ !needs.build.outputs.self_mutation_happened }}' } : {}),
      env: { CI: 'true', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
      steps: [...setupSteps(job), ...job.tasks.map(task => ({ name: task, run: `npx projen ${task}` }))],
    });
  }
}

function setupSteps(job: CiJob): JobStep[] {
  const steps: JobStep[] = [
    github.WorkflowSteps.checkout(),
    { name: 'Setup Node.js', uses: 'actions/setup-node@v7.0.0', with: { 'node-version': NODE_LINES[0] } },
  ];
  if (job.python) steps.push({ name: 'Setup Python', uses: 'actions/setup-python@v7.0.0', with: { 'python-version': '3.11' } });
  if (job.java) steps.push({ name: 'Setup Java', uses: 'actions/setup-java@v6.0.0', with: { 'distribution': 'temurin', 'java-version': '17' } });
  if (job.go) steps.push({ name: 'Setup Go', uses: 'actions/setup-go@v7.0.0', with: { 'go-version': '1.25', 'cache': false } });
  if (job.apt?.length) {
    steps.push({ name: 'Debian packages', run: `sudo apt-get update -qq && sudo apt-get install -y -qq ${job.apt.join(' ')}` });
  }
  steps.push({ name: 'Install dependencies', run: 'npm ci' });
  for (const concern of job.installs) steps.push({ name: `Tools (${concern})`, run: `bash scripts/install/${concern}.sh` });
  if (job.fromBuild) {
    steps.push(
      github.WorkflowSteps.downloadArtifact({
        name: 'Download the build\'s packages',
        with: { name: 'build-artifact', path: 'dist' },
      }),
      {
        name: 'Unpack the compiled packages into the checkout',
        run: [
          'tar --strip-components=1 -xzf dist/js/cdk-lgpd-data-pipeline@*.tgz -C .',
          `tar --strip-components=1 -xzf dist/js/${CHECKS_NAME}@*.tgz -C ${CHECKS_DIR}`,
        ].join('\n'),
      },
    );
  } else {
    steps.push({ name: 'Bundle the processor', run: 'npx projen bundle' });
  }
  return steps;
}

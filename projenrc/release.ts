import { awscdk, Component, github } from 'projen';
import { JobPermission } from 'projen/lib/github/workflows-model';
import { CHECKS_DIR, CHECKS_NAME } from './checks';

/**
 * The Node.js release lines the library supports: the LTS lines jsii supports (jsii ends a line's
 * support six months after its end of life; Node 20's ended on 2026-10-30), which aws-cdk-lib follows.
 * The workflows run the first; the build workflow tests the others too. Node 26 joins when jsii lists
 * it (@jsii/check-node). See docs/releasing.md.
 */
export const NODE_LINES = ['22.x', '24.x'];

/** `engines.node` of the package: the lowest supported line. */
export const MIN_NODE_VERSION = '22.0.0';

/**
 * Each registry's publish job in projen's release workflow and the repository secrets it needs
 * (publib reads them; docs/releasing.md says how to get each).
 */
const REGISTRIES = [
  { job: 'release_npm', key: 'npm', secrets: ['NPM_TOKEN'] },
  { job: 'release_pypi', key: 'pypi', secrets: ['TWINE_USERNAME', 'TWINE_PASSWORD'] },
  {
    job: 'release_maven',
    key: 'maven',
    secrets: ['MAVEN_USERNAME', 'MAVEN_PASSWORD', 'MAVEN_GPG_PRIVATE_KEY', 'MAVEN_GPG_PRIVATE_KEY_PASSPHRASE'],
  },
  { job: 'release_golang', key: 'golang', secrets: ['GO_GITHUB_TOKEN'] },
];

/** The job that reports which registries have their secrets. */
const GATE_JOB = 'registries';

/**
 * Releases and upkeep: the release workflow's publish jobs gated on their secrets, and the build
 * workflow testing every supported Node.js line. The release options themselves (versioning,
 * targets, dependency upgrades) are project options in .projenrc.ts. Called from .projenrc.ts.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  gatePublishJobsOnSecrets(project);
  releaseTheChecksToo(project);
  testEveryNodeLine(project);
}

/**
 * The checks package (projenrc/checks.ts) is released with the construct: one version, one tag, one
 * workflow. The bump gives it the construct's version and the unbump puts 0.0.0 back, like the root's;
 * the package tasks pack both into dist/ (projenrc/languages.ts), so each publish job publishes both
 * (publib publishes every package of its dist/ folder; both Go modules are in one Go repository).
 */
function releaseTheChecksToo(project: awscdk.AwsCdkConstructLibrary): void {
  // package.json as projen writes it: two-space JSON and a final newline.
  const copyVersion = [
    'node -e "const fs = require(\'fs\'); const file = \'' + CHECKS_DIR + '/package.json\';',
    'const manifest = JSON.parse(fs.readFileSync(file, \'utf-8\')); manifest.version = require(\'./package.json\').version;',
    'fs.writeFileSync(file, JSON.stringify(manifest, undefined, 2) + \'\\n\')"',
  ].join(' ');
  project.tasks.tryFind('bump')!.exec(copyVersion);
  project.tasks.tryFind('unbump')!.exec(copyVersion);
  new ExtractBothTarballs(project);
}

/**
 * projen's packaging jobs (the build workflow's package-<language> and the release workflow's publish
 * jobs) rebuild a language's packages from the npm tarball: they extract `dist/js/*.tgz` into a fresh
 * checkout. With two tarballs, each goes to its own package's folder. Runs after projen has added
 * those jobs (the release workflow's are added when it is synthesized).
 */
class ExtractBothTarballs extends Component {
  public preSynthesize(): void {
    const extract = [
      'tar --strip-components=1 -xzvf dist/js/cdk-lgpd-data-pipeline@*.tgz -C .repo',
      `tar --strip-components=1 -xzvf dist/js/${CHECKS_NAME}@*.tgz -C .repo/${CHECKS_DIR}`,
    ].join(' && ');
    const gh = (this.project as awscdk.AwsCdkConstructLibrary).github!;
    for (const workflow of [gh.tryFindWorkflow('build')!, gh.tryFindWorkflow('release')!]) {
      for (const [id, job] of Object.entries(workflow.jobs)) {
        if (!('steps' in job)) continue;
        // projen keeps some jobs' steps as a function it calls when it renders the workflow.
        const raw: github.workflows.JobStep[] = typeof job.steps === 'function' ? (job.steps as () => github.workflows.JobStep[])() : job.steps;
        const steps = raw.map(step => step.run === 'tar --strip-components=1 -xzvf dist/js/*.tgz -C .repo' ? { ...step, run: extract } : step);
        workflow.updateJob(id, { ...job, steps });
      }
    }
  }
}

/**
 * A registry whose secrets are not set is skipped, with a warning in the run, rather than failing
 * the release: the repository can publish to the registries it is set up for. GitHub evaluates a
 * job's `if` without the `secrets` context, so a small job reads them and says which are set. The
 * GitHub release (and its tag, from which the next version is computed) is made when every publish
 * job succeeded or was skipped.
 */
function gatePublishJobsOnSecrets(project: awscdk.AwsCdkConstructLibrary): void {
  const release = project.release!;
  const workflow = project.github!.tryFindWorkflow('release')!;
  const condition = release.publisher.condition!;

  const env: Record<string, string> = {};
  for (const r of REGISTRIES) for (const s of r.secrets) env[s] = `\${{ secrets.${s} }}`;
  release.addJobs({
    [GATE_JOB]: {
      name: 'Which registries have their secrets',
      runsOn: ['ubuntu-latest'],
      permissions: {},
      outputs: Object.fromEntries(REGISTRIES.map(r => [r.key, { stepId: 'check', outputName: r.key }])),
      steps: [{
        id: 'check',
        name: 'Check the publishing secrets',
        env,
        run: [
          'ready() { for name in "$@"; do [ -n "${!name}" ] || return 1; done; }',
          'gate() { # gate REGISTRY SECRET...',
          '  local registry=$1; shift',
          '  if ready "$@"; then echo "${registry}=true" >> "$GITHUB_OUTPUT"; return; fi',
          '  echo "${registry}=false" >> "$GITHUB_OUTPUT"',
          '  echo "::warning::not publishing to ${registry}: set the repository secrets $* (docs/releasing.md)"',
          '}',
          ...REGISTRIES.map(r => `gate ${r.key} ${r.secrets.join(' ')}`),
        ].join('\n'),
      }],
    },
  });
  for (const r of REGISTRIES) {
    workflow.file!.addOverride(`jobs.${r.job}.needs`, ['release', GATE_JOB]);
    workflow.file!.addOverride(`jobs.${r.job}.if`, `${condition} && needs.${GATE_JOB}.outputs.${r.key} == 'true'`);
  }
  workflow.file!.addOverride('jobs.release_github.if',
    `always() && ${condition} && !contains(needs.*.result, 'failure') && !contains(needs.*.result, 'cancelled')`);
}

/**
 * The build job runs on the lowest supported line (projen's `workflowNodeVersion`); this job builds
 * (compile, rosetta, unit tests, eslint, npm package) on each other line, beside it.
 */
function testEveryNodeLine(project: awscdk.AwsCdkConstructLibrary): void {
  const others = NODE_LINES.slice(1);
  project.github!.tryFindWorkflow('build')!.addJob('test-node', {
    name: 'Build on Node.js ${{ matrix.node }}',
    runsOn: ['ubuntu-latest'],
    permissions: { contents: JobPermission.READ },
    strategy: { failFast: false, matrix: { domain: { node: others } } },
    env: { CI: 'true' },
    steps: [
      github.WorkflowSteps.checkout(),
      { name: 'Setup Node.js', uses: 'actions/setup-node@v7.0.0', with: { 'node-version': '${{ matrix.node }}' } },
      { name: 'Install dependencies', run: 'npm ci' },
      { name: 'Build', run: 'npx projen build' },
    ],
  });
}

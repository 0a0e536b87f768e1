import { awscdk, javascript, ReleasableCommits } from 'projen';
import { addChecksPackage, CHECKS_DIR, CHECKS_NAME, SHARED_DEV_VERSIONS, SHARED_PROJECT_OPTIONS } from './projenrc/checks';
import * as ciWorkflow from './projenrc/ci';
import * as compliance from './projenrc/compliance';
import * as integ from './projenrc/integ';
import * as languages from './projenrc/languages';
import * as observability from './projenrc/observability';
import * as processor from './projenrc/processor';
import * as release from './projenrc/release';
import * as reliability from './projenrc/reliability';
import * as rights from './projenrc/rights';
import * as schema from './projenrc/schema';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-lgpd-data-pipeline',
  description:
    'A secure, LGPD-compliant real-time transaction pipeline (Kinesis, RDS PostgreSQL, ElastiCache Redis) as one typed AWS CDK construct.',
  // Author, repository, license, stability, toolchain and Node.js lines: shared with the checks package.
  ...SHARED_PROJECT_OPTIONS,
  // Construct Hub lists packages with the `awscdk` keyword; the rest is what people search for.
  keywords: [
    'awscdk', 'aws-cdk', 'cdk', 'cdk-construct', 'lgpd', 'brazil', 'data-protection', 'privacy', 'compliance',
    'kinesis', 'rds', 'postgresql', 'elasticache', 'redis', 'valkey', 'kms', 'real-time', 'pipeline',
  ],
  projenrcTs: true,

  // The construct depends on aws-cdk-lib and constructs only. cdk-nag is for this repository's own tests,
  // which run the cdk-nag packs and LgpdChecks (the subproject, linked by the npm workspace) on pipelines.
  devDeps: [
    `cdk-nag@${SHARED_DEV_VERSIONS.cdkNag}`,
    `${CHECKS_NAME}@*`,
    'fast-check@^4.3.0',
    '@aws-cdk/integ-runner@^2.197.10',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/cloudformation-diff@2.187.5',
    'jsii-rosetta@~6.0.0',
    // Offline IAM policy evaluation in the tests (endpoint, topic, key and grant policies).
    '@cloud-copilot/iam-simulate@0.1.173',
    // test/ci-workflow.test.ts reads the generated build workflow.
    'yaml@^2.8.0',
  ],

  // Package names for every jsii target. .NET is left out: see docs/languages.md.
  publishToPypi: {
    distName: 'cdk-lgpd-data-pipeline',
    module: 'cdk_lgpd_data_pipeline',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdklgpd.datapipeline',
    mavenGroupId: 'io.github.cdk-lgpd-data-pipeline',
    mavenArtifactId: 'cdk-lgpd-data-pipeline',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline-go',
  },

  // Releases: projen's release workflow on every push to main that carries a `feat:` or `fix:` commit;
  // the version comes from the conventional commits since the last tag (commit-and-tag-version), the
  // first one is 0.1.0. Each registry's publish job runs only when its secrets are set
  // (projenrc/release.ts); see docs/releasing.md.
  release: true,
  releasableCommits: ReleasableCommits.featuresAndFixes(),
  // 0.x while the API is experimental: a breaking change bumps the minor version, never to 1.0.0.
  majorVersion: 0,
  // No release tag yet: the first release is 0.1.0 rather than projen's 0.0.0. Later ones follow the commits.
  nextVersionCommand: 'git tag --list "v*" | grep -q . || echo 0.1.0',
  // A weekly pull request with every dependency at its newest allowed version, built by the build
  // workflow like any other. Left out, and why:
  // - aws-cdk-lib, constructs, cdk-nag: the dev copies are the low ends of the peer ranges (^2.257.0,
  //   ^10.5.1, ^3.0.2), which the unit tests and the consumers run against; aws-cdk-lib 2.258+ also writes
  //   cloud-assembly schema 54+, which integ-runner (schema <= 53) cannot read (docs/releasing.md has
  //   when to lift it). The newest versions are tested by `test:install` instead.
  // - @aws-cdk/integ-tests-alpha: each alpha requires the aws-cdk-lib of its own version.
  depsUpgrade: true,
  depsUpgradeOptions: {
    exclude: ['aws-cdk-lib', 'constructs', 'cdk-nag', '@aws-cdk/integ-tests-alpha', CHECKS_NAME],
    workflowOptions: { schedule: javascript.UpgradeDependenciesSchedule.WEEKLY },
  },
  githubOptions: { mergify: false, pullRequestLint: false },

  jestOptions: {
    // jest's default is one worker per core minus one: a single worker on CI's 2 cores.
    extraCliOptions: ['--maxWorkers=2'],
    jestConfig: {
      testTimeout: 120_000,
      testPathIgnorePatterns: ['/node_modules/', '/consumers/', '\\.snapshot/', '<rootDir>/packages/'],
      // consumers/ holds other projects (the consumers, the registries' tools); jest must not index them.
      modulePathIgnorePatterns: ['<rootDir>/consumers/'],
    },
  },
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    include: ['.projenrc.ts', 'examples/**/*.ts', 'scripts/**/*.ts'],
    // The checks package type-checks with its own tsconfig.
    exclude: ['packages'],
    compilerOptions: {},
  },
  eslintOptions: {
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
    dirs: ['src'],
    devdirs: ['test', 'support', 'examples', 'scripts', 'build-tools'],
  },
  gitignore: [
    'cdk.out',
    '*.cdk.out',
    'cdk.context.json',
    '.venv/',
    '__pycache__/',
    'consumers/java/target/',
    'consumers/**/cdk.out/',
    'consumers/**/out/',
    '.jsii.tabl.json',
    '/reports/',
    'test/**/cdk.integ.out.*',
    'test/**/*.d.ts',
    'test/**/*.js',
  ],
});

// support/: code the tests and the scripts share (pipeline variants, the update matrix, the processor's
// real-store harness); scripts/ never import test/.
for (const p of ['/examples/', '/consumers/', '/scripts/', '/support/', '/reports/', '/docs/']) project.addPackageIgnore(p);

// LgpdChecks, its own package (projenrc/checks.ts), in an npm workspace with the construct: one
// package-lock.json, one node_modules, one copy of aws-cdk-lib, constructs and cdk-nag.
project.package.addField('workspaces', [CHECKS_DIR]);
addChecksPackage(project);

// The Go module proxy serves the schema version aws-cdk-go v2.257.0 itself requires, not the newest
// that npm resolves; pacmak copies npm's version into go.mod, so pin it here (see docs/contributing.md).
project.package.addField('overrides', { '@aws-cdk/cloud-assembly-schema': '53.25.0' });

// ---- FastShop example ------------------------------------------------------------------------------
project.addTask('synth:example', {
  description: 'Synthesize the FastShop example app and print where its template is',
  exec: 'ts-node --project tsconfig.dev.json scripts/synth-example.ts',
});

project.addTask('lint:cfn', {
  description: 'Run cfn-lint on every synthesized example template (zero errors and warnings)',
  steps: [
    { spawn: 'synth:example' },
    { exec: 'cfn-lint --config-file .cfnlintrc.yaml -- cdk.out/fastshop/*.template.json' },
  ],
});

// ---- The whole test suite (README's second command; .ci/run calls it) ------------------------------
const ci = project.addTask('ci', {
  description: 'Everything CI runs: build (compile, API.md, unit tests, eslint, package), cfn-lint',
});
ci.spawn(project.buildTask);
ci.spawn(project.tasks.tryFind('lint:cfn')!);

// Each concern adds its own tasks (and its steps of `ci`) in its own module.
for (const concern of [compliance, reliability, integ, observability, languages, processor, schema, rights, release]) {
  concern.configure(project);
}
// The build workflow runs what `ci` runs (projenrc/ci.ts), so it comes last.
ciWorkflow.configure(project);

project.synth();

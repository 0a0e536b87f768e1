import { awscdk, javascript } from 'projen';
import { MIN_NODE_VERSION, NODE_LINES } from './release';

/** Where the LgpdChecks package lives in this repository (an npm workspace of the root). */
export const CHECKS_DIR = 'packages/cdk-lgpd-checks';

/** Its npm name; PyPI, Maven and Go names are derived in {@link addChecksPackage}. */
export const CHECKS_NAME = 'cdk-lgpd-checks';

/**
 * aws-cdk-lib, constructs and cdk-nag: the versions both packages develop and test against (the low
 * ends of the peer ranges). Written once here, so the workspace resolves each to one copy in the root's
 * node_modules: two copies would break cdk-nag's `instanceof` checks on aws-cdk-lib's classes.
 * aws-cdk-lib 2.257.0 is the newest release whose cloud assembly integ-runner reads, and cdk-nag 3's
 * minimum; the peer ranges stay ^2.257.0 so users can run newer versions.
 */
export const SHARED_DEV_VERSIONS = {
  cdk: '2.257.0',
  constructs: '10.5.1',
  cdkNag: '3.0.2',
  jsii: '~6.0.0',
  typescript: '~5.9.0',
};

/**
 * What both packages declare alike: who publishes them, where they come from, their license and
 * stability, and the toolchain they build with (the Node.js lines: projenrc/release.ts).
 */
export const SHARED_PROJECT_OPTIONS = {
  author: 'cdk-lgpd-data-pipeline maintainers',
  authorAddress: 'maintainers@cdk-lgpd-data-pipeline.dev',
  repositoryUrl: 'https://github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline.git',
  license: 'Apache-2.0',
  stability: 'experimental',
  cdkVersion: SHARED_DEV_VERSIONS.cdk,
  constructsVersion: SHARED_DEV_VERSIONS.constructs,
  jsiiVersion: SHARED_DEV_VERSIONS.jsii,
  typescriptVersion: SHARED_DEV_VERSIONS.typescript,
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: MIN_NODE_VERSION,
  workflowNodeVersion: NODE_LINES[0],
};

/**
 * The `LgpdChecks` rule pack as its own jsii package, released with the construct from this
 * repository: npm `cdk-lgpd-checks`, PyPI `cdk-lgpd-checks` (module `cdk_lgpd_checks`), Maven
 * `io.github.cdk-lgpd-data-pipeline:cdk-lgpd-checks` (package `io.github.cdklgpd.checks`), Go
 * `github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline-go/cdklgpdchecks` (the construct's Go
 * repository: the release workflow's Go job pushes every module of dist/go to one repository).
 *
 * A projen subproject: its files (package.json, tsconfig, tasks, eslint) are generated from here. It
 * is an npm workspace of the root, so `npm ci` at the root installs both and the subproject resolves
 * aws-cdk-lib, constructs and cdk-nag from the root's node_modules (docs/contributing.md). The root's
 * build builds it first (its tests import it by name) and packs both packages in one jsii-pacmak run
 * per language into the root's dist/ (projenrc/languages.ts); the root's release gives both one version
 * (projenrc/release.ts). Called from .projenrc.ts.
 */
export function addChecksPackage(root: awscdk.AwsCdkConstructLibrary): awscdk.AwsCdkConstructLibrary {
  const checks = new awscdk.AwsCdkConstructLibrary({
    parent: root,
    outdir: CHECKS_DIR,
    name: CHECKS_NAME,
    description: 'LgpdChecks: cdk-nag rules for the LGPD (Brazil\'s data-protection law), for any AWS CDK app.',
    ...SHARED_PROJECT_OPTIONS,
    repositoryDirectory: CHECKS_DIR,
    keywords: ['awscdk', 'aws-cdk', 'cdk', 'cdk-nag', 'nag-pack', 'lgpd', 'brazil', 'data-protection', 'privacy', 'compliance'],
    sampleCode: false,

    peerDeps: [`cdk-nag@^${SHARED_DEV_VERSIONS.cdkNag}`],
    devDeps: [
      `cdk-nag@${SHARED_DEV_VERSIONS.cdkNag}`,
      'fast-check@^4.3.0',
      // The rule AlarmActionDeliverable's policy evaluator is checked against the offline IAM simulator.
      '@cloud-copilot/iam-simulate@0.1.173',
    ],

    publishToPypi: { distName: CHECKS_NAME, module: 'cdk_lgpd_checks' },
    publishToMaven: {
      javaPackage: 'io.github.cdklgpd.checks',
      mavenGroupId: 'io.github.cdk-lgpd-data-pipeline',
      mavenArtifactId: CHECKS_NAME,
    },
    publishToGo: { moduleName: 'github.com/cdk-lgpd-data-pipeline/cdk-lgpd-data-pipeline-go' },

    // The root releases both packages together (one version, one tag, one workflow) and its upgrade
    // workflow upgrades the workspace's dependencies.
    release: false,
    depsUpgrade: false,

    jestOptions: {
      extraCliOptions: ['--maxWorkers=2'],
      jestConfig: { testTimeout: 120_000 },
    },
    tsconfigDevFile: 'tsconfig.dev.json',
    eslintOptions: { tsconfigPath: './tsconfig.dev.json', projectService: false, dirs: ['src'], devdirs: ['test'] },
  });

  // projen's default ignore list has a bare `logs` pattern; the CloudWatch Logs rules live in such a folder.
  checks.gitignore.addPatterns('!/src/rules/logs/');
  // The rosetta fixture only compiles the README and @example snippets, here.
  checks.addPackageIgnore('/rosetta/');

  // README and @example snippets compiled and translated with jsii-rosetta --strict, as the root's.
  const rosetta = checks.addTask('rosetta', {
    description: 'Compile and translate every README and @example snippet with jsii-rosetta --strict',
    exec: 'jsii-rosetta extract --strict',
    env: { JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
  });
  checks.postCompileTask.spawn(rosetta);

  // jsii-docgen's CLI looks for the assemblies of aws-cdk-lib, constructs and cdk-nag only under this
  // folder; in the workspace they are in the root's node_modules (this package's own .jsii too, through
  // the workspace link), so its API is read from there.
  checks.tasks.tryFind('docgen')!.reset([
    'node -e "const docgen = require(\'jsii-docgen\');',
    'docgen.Documentation.forProject(\'.\', { assembliesDir: require(\'path\').resolve(\'../../node_modules\') })',
    '.then(docs => docs.toMarkdown({ language: docgen.Language.fromString(\'typescript\'), allSubmodules: true }))',
    '.then(md => require(\'fs\').writeFileSync(\'API.md\', md.render()))"',
  ].join(' '));

  // The root packs both packages in one jsii-pacmak run per language (projenrc/languages.ts); this
  // package's own package:<language> tasks still pack it alone into its dist/.
  checks.packageTask.reset();
  checks.packageTask.description = 'Nothing: the root\'s package tasks pack this package with the construct, into the root\'s dist/';

  // One workspace, one install: the root's `npm install` / `npm ci` installs this package's dependencies
  // too (projen runs these when this package.json changes).
  checks.tasks.tryFind('install')!.reset('npm install', { cwd: '../..' });
  checks.tasks.tryFind('install:ci')!.reset('npm ci', { cwd: '../..' });

  // The root builds this package first: its unit tests and scripts import the checks by name, and its
  // README example is compiled against them. The root's build has synthesized both projects already and
  // packs both afterwards, so it runs the steps in between.
  const workspaceBuild = checks.addTask('workspace-build', {
    description: 'What the root\'s build runs of this package: compile, API.md, rosetta, unit tests, eslint',
  });
  for (const step of [checks.preCompileTask, checks.compileTask, checks.postCompileTask, checks.testTask]) workspaceBuild.spawn(step);
  root.preCompileTask.prependExec(`npx projen ${workspaceBuild.name}`, { cwd: CHECKS_DIR });
  root.addPackageIgnore('/packages/');
  return checks;
}

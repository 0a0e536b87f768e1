import { awscdk } from 'projen';
import { CHECKS_DIR } from './checks';

/**
 * What every package:<language> task packs, in one jsii-pacmak run into dist/<language>: the construct
 * and the checks package (projenrc/checks.ts), released together.
 */
function pacmak(target: string, options = ''): string {
  // --target takes a list: the next option ends it, before the package folders.
  return `jsii-pacmak -v --target ${target}${options ? ` ${options}` : ''} --outdir dist . ${CHECKS_DIR}`;
}

/**
 * Languages: packages for every jsii target, the installed-by-name consumer tests in TypeScript,
 * Python, Java and Go, and jsii-rosetta in strict mode. See docs/languages.md. Called from .projenrc.ts.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  // ---- Packages ------------------------------------------------------------------------------------
  // Every package embeds the npm tarball: keep synthesized apps and CI files out of it (cdk.out alone
  // was ~200 files and most of the size). .jsii.tabl.json stays: Construct Hub reads the translations
  // our strict rosetta run compiled from it, and translates live only what it lacks. rosetta/ (the
  // fixture those snippets compile against) is needed only to compile them, here. What the tarball
  // holds is tested: test/package-contents.test.ts.
  // RULES.md, like docs/, is read on GitHub (the README links there; Construct Hub points relative links
  // at the repository).
  // Tool environments the install scripts create in the checkout (checkov's venv) never ship either.
  for (const p of ['/cdk.out/', '*.cdk.out', '/.ci/', '/.cfnlintrc.yaml', '/rosetta/', '/RULES.md', '/.venv/']) project.addPackageIgnore(p);

  project.tasks.tryFind('package:js')!.reset(pacmak('js'));
  project.tasks.tryFind('package:python')!.reset(pacmak('python'));

  // Java: Maven Central serves cdknag 3.0.2 but its metadata lists only 2.x, so the range pacmak writes
  // for the checks package's cdk-nag peer ([3.0.2,4.0.0)) resolves to nothing. seed-m2.sh installs 3.0.2
  // into ~/.m2 and pacmak builds against ~/.m2 (by default it uses a fresh, empty repository per build:
  // slow too).
  const packageJava = project.tasks.tryFind('package:java')!;
  packageJava.reset('bash consumers/java/seed-m2.sh');
  packageJava.exec(pacmak('java', '--maven-local-repository="$HOME/.m2/repository"'));

  // Go: the Go module proxy does not serve github.com/cdklabs/cdk-nag-go/cdknag/v3, which the checks
  // package's Go module requires (the construct's does not: it has no cdk-nag dependency), so
  // `go mod tidy` fails. Building cdk-nag's own Go module from its npm package in the same run lets
  // pacmak resolve it locally. It is then moved out of dist/go into dist/go-deps: the release workflow's
  // Go job (publib-golang) pushes every module in dist/go to our Go repository, and fails on a module
  // of another repository. test:install serves it from its Go module proxy directory, beside ours
  // (docs/languages.md).
  const packageGo = project.tasks.tryFind('package:go')!;
  // pacmak leaves the files of types that are gone in dist/go: start from an empty one.
  packageGo.reset('rm -rf dist/go dist/go-deps');
  packageGo.exec(`${pacmak('go')} node_modules/cdk-nag`);
  packageGo.exec('mkdir -p dist/go-deps && mv dist/go/cdknag dist/go-deps/');

  // ---- Examples that compile in every language -----------------------------------------------------
  // README and TSDoc @example snippets (read from .jsii, so after compile) with rosetta/default.ts-fixture.
  // Part of post-compile, so a broken example fails the build, and the translations (.jsii.tabl.json)
  // exist before packaging: every package ships them for Construct Hub.
  // The README's LgpdChecks example imports the checks package and cdk-nag, which the construct does not
  // depend on, so rosetta's own compilation directory (the assembly's dependencies only) lacks them.
  // It compiles in node_modules/.rosetta instead: a folder whose only module is this package (a link
  // to the root); everything else resolves from the workspace's node_modules, one copy of each.
  const rosetta = project.addTask('rosetta', {
    description: 'Compile and translate every README and @example snippet with jsii-rosetta --strict',
    env: { JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
    steps: [
      { exec: 'mkdir -p node_modules/.rosetta/node_modules && ln -sfn ../../.. node_modules/.rosetta/node_modules/cdk-lgpd-data-pipeline' },
      { exec: 'jsii-rosetta extract --strict --directory node_modules/.rosetta' },
    ],
  });

  // ---- Installed by name ------------------------------------------------------------------------------
  // The packages in dist/ go to local registries (npm, PyPI, Maven, Go) started for the run; fresh
  // consumer projects in all four languages install them by name and version at both ends of the
  // aws-cdk-lib peer range and synthesize; templates are compared with TypeScript's. See consumers/run.sh
  // and docs/languages.md.
  const install = project.addTask('test:install', {
    description: 'Publish dist/ to local registries, install by name in fresh TypeScript, Python, Java and Go projects at both ends of the aws-cdk-lib range, synthesize, compare',
    env: { JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
    steps: [
      { exec: 'shellcheck -x consumers/run.sh consumers/registries/*.sh consumers/java/seed-m2.sh' },
      { exec: 'bash consumers/run.sh', receiveArgs: true },
    ],
  });

  project.postCompileTask.spawn(rosetta);
  const ci = project.tasks.tryFind('ci')!;
  ci.spawn(install);
}

import { awscdk } from 'projen';

/**
 * Languages: packages for every jsii target, consumer tests in Python, Java and Go, and jsii-rosetta
 * in strict mode. See docs/languages.md. Called from .projenrc.ts.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  // ---- Packages ------------------------------------------------------------------------------------
  // Every package embeds the npm tarball: keep synthesized apps and CI files out of it (cdk.out alone
  // was ~200 files and most of the size). rosetta/ and .jsii.tabl.json stay: Construct Hub uses them.
  for (const p of ['/cdk.out/', '*.cdk.out', '/.ci/', '/.cfnlintrc.yaml']) project.addPackageIgnore(p);

  // Java: Maven Central serves cdknag 3.0.2 but its metadata lists only 2.x, so the range pacmak writes
  // for the cdk-nag peer ([3.0.2,4.0.0)) resolves to nothing. seed-m2.sh installs 3.0.2 into ~/.m2 and
  // pacmak builds against ~/.m2 (by default it uses a fresh, empty repository per build: slow too).
  const packageJava = project.tasks.tryFind('package:java')!;
  packageJava.reset('bash consumers/java/seed-m2.sh');
  packageJava.exec('jsii-pacmak -v --target java --maven-local-repository="$HOME/.m2/repository"');

  // Go: the Go module proxy does not serve github.com/cdklabs/cdk-nag-go/cdknag/v3, which the Go
  // module requires (cdk-nag is a peer dependency), so `go mod tidy` fails. Building cdk-nag's own Go
  // module from its npm package in the same run lets pacmak resolve it locally; it lands beside ours
  // in dist/go/cdknag, and the Go consumer points a `replace` directive at it.
  const packageGo = project.tasks.tryFind('package:go')!;
  packageGo.reset('jsii-pacmak -v --target go --outdir dist . node_modules/cdk-nag');

  // ---- Examples that compile in every language -----------------------------------------------------
  // README and TSDoc @example snippets (read from .jsii, so after compile) with rosetta/default.ts-fixture.
  // Part of post-compile, so a broken example fails the build, and the translations (.jsii.tabl.json)
  // exist before packaging: every package ships them for Construct Hub.
  const rosetta = project.addTask('rosetta', {
    description: 'Compile and translate every README and @example snippet with jsii-rosetta --strict',
    exec: 'jsii-rosetta extract --strict',
    env: { JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
  });

  // ---- Consumer tests --------------------------------------------------------------------------------
  const consumers = project.addTask('test:consumers', {
    description: 'Package for Python, Java and Go, run each language\'s consumer test, compare every template with TypeScript\'s',
    exec: 'bash consumers/run.sh',
    receiveArgs: true,
    env: { JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
  });

  project.postCompileTask.spawn(rosetta);
  const ci = project.tasks.tryFind('ci')!;
  ci.spawn(consumers);
}

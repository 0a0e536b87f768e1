import { awscdk } from 'projen';

/** The checkov release scripts/install/compliance.sh installs into .venv/checkov (keep the two in step). */
export const CHECKOV_VERSION = '3.3.30';

/** The templates checkov scans: the FastShop example, the production-shaped and destroyable variants, the integration snapshots. */
const CHECKOV_TEMPLATES = ['cdk.out/fastshop/*.template.json', 'cdk.out/compliance/*/*.template.json', 'test/integ.*.snapshot/*.template.json'];

/**
 * Compliance as code: cdk-nag packs and LgpdChecks run in the unit tests (test/compliance); here the
 * production-shaped and destroyable variants are synthesized and linted with cfn-lint and scanned with
 * checkov in CI, and the evidence reports are produced on demand. Called from .projenrc.ts.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  const synth = project.addTask('compliance:synth', {
    description: 'Synthesize the production-shaped and destroyable pipelines into cdk.out/compliance/',
    exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/compliance/synth-variants.ts',
  });

  const lint = project.addTask('compliance:cfn-lint', {
    description: 'Run cfn-lint on the production-shaped and destroyable templates (zero errors and warnings)',
  });
  lint.spawn(synth);
  lint.exec('cfn-lint --config-file .cfnlintrc.yaml -- cdk.out/compliance/*/*.template.json');

  project.addTask('compliance:report', {
    description: 'Write per-resource evidence of every cdk-nag pack and LgpdChecks to reports/ (CSV per pack and variant, summary.md)',
    exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/compliance/report.ts',
  });

  // checkov as users run it on cdk.out (scripts/compliance/checkov.sh): zero failed checks. Suppressions
  // sit in each resource's Metadata (checkov.skip) with their reason, listed in docs/first-deploy.md.
  const checkov = project.addTask('compliance:checkov', {
    description: `Run checkov ${CHECKOV_VERSION} (CloudFormation) on the FastShop, production-shaped and destroyable templates and the integration snapshots (zero failed checks)`,
  });
  checkov.spawn(project.tasks.tryFind('synth:example')!);
  checkov.spawn(synth);
  checkov.exec(`bash scripts/compliance/checkov.sh ${CHECKOV_VERSION} ${CHECKOV_TEMPLATES.join(' ')}`);

  const ci = project.tasks.tryFind('ci')!;
  ci.spawn(lint);
  ci.spawn(checkov);
}

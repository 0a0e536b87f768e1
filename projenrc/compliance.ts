import { awscdk } from 'projen';

/**
 * Compliance as code: cdk-nag packs and LgpdChecks run in the unit tests (test/compliance); here the
 * production-shaped and destroyable variants are synthesized and linted with cfn-lint in CI, and the
 * evidence reports are produced on demand. Called from .projenrc.ts.
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

  project.tasks.tryFind('ci')!.spawn(lint);
}

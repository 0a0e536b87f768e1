import { App, Stack } from 'aws-cdk-lib';
import { LgpdChecks, LgpdChecksProps } from '../../src';

/**
 * Builds one stack (in sa-east-1 unless told otherwise; `region: null` makes it env-agnostic), runs
 * LgpdChecks on it and returns the findings as `<rule id> <construct path below the stack>`.
 */
export function lgpdFindings(build: (stack: Stack) => void,
  options: { region?: string | null; props?: LgpdChecksProps } = {}): string[] {
  const app = new App();
  const region = options.region === undefined ? 'sa-east-1' : options.region;
  const stack = new Stack(app, 'Test', region === null ? {} : { env: { region } });
  build(stack);
  const report = new LgpdChecks(undefined, options.props).validateScope(app);
  return report.violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${String(r.constructPath).replace(/^Test\//, '')}`))
    .sort();
}

/** The findings of one rule. */
export function findingsOf(rule: string, build: (stack: Stack) => void,
  options: { region?: string | null; props?: LgpdChecksProps } = {}): string[] {
  return lgpdFindings(build, options).filter(f => f.startsWith(`LGPD-${rule} `));
}

/**
 * cdk-nag's plugin path on the consumer app: `Validations.of(app).addPlugins(...)` with cdk-nag's
 * AWS Solutions pack and our LGPD pack, as cdk-nag's README sets them up, then a synth. Passes when
 * the validation report holds both packs' results and no finding on a construct the library made
 * (under a `Pipeline` construct); findings on the app's own resources (its VPC without flow logs) are
 * the app's business. consumers/run.sh runs it at the newest aws-cdk-lib only: on 2.257 the plugin path
 * fails inside cdk-nag ("NagPack requires a construct tree on the validation context").
 */
import * as fs from 'fs';
import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import { LgpdChecks } from 'cdk-lgpd-checks';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildConsumerApp } from './app';

const outdir = process.env.CONSUMER_OUTDIR ?? 'cdk.out.nag';
const app = buildConsumerApp(outdir);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new LgpdChecks(app));
try {
  app.synth();
} catch (e) {
  // A finding fails the synth (cdk-nag reports errors); the report below says whose it is.
  console.log(`synth reported: ${String(e).split('\n')[0]}`);
}

interface Report { pluginReports: { pluginName: string; violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[] }
const report: Report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'));
const packs = report.pluginReports.map(r => r.pluginName);
const ours: string[] = [];
for (const r of report.pluginReports) {
  for (const v of r.violations) {
    for (const c of v.violatingConstructs) {
      const line = `${r.pluginName} ${v.ruleName} ${c.constructPath}`;
      if (c.constructPath.split('/').includes('Pipeline')) ours.push(line);
      else console.log(`app's own finding: ${line}`);
    }
  }
}
const missing = ['AwsSolutions', 'LGPD'].filter(p => !packs.includes(p));
if (missing.length > 0 || ours.length > 0) {
  if (missing.length > 0) console.error(`FAIL no report from ${missing.join(', ')} (reports: ${packs.join(', ') || 'none'})`);
  for (const line of ours) console.error(`FAIL finding on the library's resources: ${line}`);
  process.exit(1);
}
console.log(`ok   cdk-nag plugin path: ${packs.join(' and ')} ran; no finding on the library's resources`);

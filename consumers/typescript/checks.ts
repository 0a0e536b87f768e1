/**
 * The checks package installed by name beside the construct: LgpdChecks (cdk-lgpd-checks) on the
 * consumer app with `validateScope`, as its README shows. Passes when the pack reports no finding on a
 * construct the library made (under a `Pipeline` construct) and does report the one the app earned
 * itself: its own VPC has no flow log (LGPD-VPCFlowLogsAllTraffic on LgpdConsumerByo/Vpc), which shows
 * the rules ran. consumers/python/test_checks.py, .../ChecksTest.java and consumers/go-checks/ check the
 * same in the other languages.
 */
import { LgpdChecks } from 'cdk-lgpd-checks';
import { buildConsumerApp } from './app';

const app = buildConsumerApp(process.env.CONSUMER_OUTDIR ?? 'cdk.out.checks');
const report = new LgpdChecks(app).validateScope(app);
const findings = report.violations.flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.constructPath}`));
const ours = findings.filter(f => f.split(' ')[1].split('/').includes('Pipeline'));
const expected = 'LGPD-VPCFlowLogsAllTraffic LgpdConsumerByo/Vpc/Resource';
for (const f of findings) console.log(`finding: ${f}`);
if (ours.length > 0 || !findings.includes(expected)) {
  for (const f of ours) console.error(`FAIL finding on the library's resources: ${f}`);
  if (!findings.includes(expected)) console.error(`FAIL expected the app's own finding ${expected}`);
  process.exit(1);
}
console.log(`ok   LgpdChecks: ${findings.length} finding(s), all on the app's own resources`);

/**
 * N pipelines in one app, each in its own stack (one pipeline is about 60 resources; a stack holds 500).
 * Usage: node pipelines.js <outdir> <count> [no-alarms]
 */
import { Stack } from 'aws-cdk-lib';
import { benchApp, synthAndReport } from './common';
import { LgpdDataPipeline } from '../../../src';

const app = benchApp();
const count = Number(process.argv[3] ?? '1');
// 'no-alarms': the same pipelines without alarms or alarm topic, to attribute the monitoring's cost.
const monitoring = process.argv[4] === 'no-alarms' ? { enableAlarms: false, createAlarmTopic: false } : undefined;
for (let i = 1; i <= count; i++) {
  const stack = new Stack(app, `Pipeline${i}`, { env: { region: 'sa-east-1' } });
  new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: `p${i}`, shardCount: 2, monitoring });
}
synthAndReport(app);

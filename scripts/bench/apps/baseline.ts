/** The hand-written stack: the pipeline's core resources and outputs in plain aws-cdk-lib (see baseline-stack.ts). */
import { Stack } from 'aws-cdk-lib';
import { buildBaseline } from './baseline-stack';
import { benchApp, synthAndReport } from './common';

const app = benchApp();
buildBaseline(new Stack(app, 'Baseline', { env: { region: 'sa-east-1' } }));
synthAndReport(app);

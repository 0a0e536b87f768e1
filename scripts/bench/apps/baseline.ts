/** The seed-only stack: the seed's resources and outputs in plain aws-cdk-lib (see seed-stack.ts). */
import { Stack } from 'aws-cdk-lib';
import { benchApp, synthAndReport } from './common';
import { buildSeed } from './seed-stack';

const app = benchApp();
buildSeed(new Stack(app, 'Seed', { env: { region: 'sa-east-1' } }));
synthAndReport(app);

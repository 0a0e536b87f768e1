/** The floor: aws-cdk-lib loaded, one empty stack synthesized. */
import { Stack } from 'aws-cdk-lib';
import { benchApp, synthAndReport } from './common';

const app = benchApp();
new Stack(app, 'Empty', { env: { region: 'sa-east-1' } });
synthAndReport(app);

/**
 * Integration test `default`: the FastShop dev shape (two AZs, one shard), destroyable.
 *
 * Verified against its committed snapshot by `npx projen integ`; deployed, asserted and destroyed in
 * a real account by the `integ` GitHub workflow. See docs/integration.md.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App } from 'aws-cdk-lib';
import { addPipelineAssertions } from './integ-helpers/assertions';
import { assertionStack, defaultCaseStack, INTEG_REGION } from './integ-helpers/cases';

const app = new App();
const stack = defaultCaseStack(app);

const integ = new IntegTest(app, 'LgpdPipelineDefault', {
  testCases: [stack],
  regions: [INTEG_REGION],
  assertionStack: assertionStack(app, 'LgpdIntegDefaultAssertions'),
  // Deploy the current code only, not the committed snapshot first (the stacks are region-bound).
  stackUpdateWorkflow: false,
  hooks: {
    // Lambda's own log groups of the providers, which no stack owns (hooks run from test/, no shell).
    postDestroy: [`bash integ-helpers/delete-lambda-logs.sh ${INTEG_REGION} LgpdIntegDefault`],
  },
});
addPipelineAssertions(integ, stack, { clusterMode: false, multiAzDatabase: true, deletionProtection: false });

app.synth();

/**
 * Integration test `bring-your-own`: an existing VPC and an existing customer-managed KMS key (from a
 * stack of their own) passed to the pipeline. Destroyable.
 *
 * Verified against its committed snapshot by `npx projen integ`; deployed, asserted and destroyed in
 * a real account by the `integ` GitHub workflow. See docs/integration.md.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App } from 'aws-cdk-lib';
import { addPipelineAssertions } from './integ-helpers/assertions';
import { assertionStack, bringYourOwnCaseStacks, INTEG_REGION } from './integ-helpers/cases';

const app = new App();
const { base, pipelineStack } = bringYourOwnCaseStacks(app);

const integ = new IntegTest(app, 'LgpdPipelineBringYourOwn', {
  testCases: [base, pipelineStack],
  regions: [INTEG_REGION],
  assertionStack: assertionStack(app, 'LgpdIntegBringYourOwnAssertions'),
  stackUpdateWorkflow: false,
  hooks: {
    // Lambda's own log groups of the providers, which no stack owns (hooks run from test/, no shell).
    postDestroy: [`bash integ-helpers/delete-lambda-logs.sh ${INTEG_REGION} LgpdIntegBringYourOwn`],
  },
});
addPipelineAssertions(integ, pipelineStack, { clusterMode: false, multiAzDatabase: false, deletionProtection: false });

app.synth();

/**
 * Integration test `production`: three AZs, a Multi-AZ database, retained data and a cluster-mode
 * cache with two node groups.
 *
 * The retained data is the point of this case, so the deploy run has to clean it up itself: before
 * the stack is destroyed the database's deletion protection is turned off, and afterwards the
 * retained resources (stream, key, secret, log groups, final snapshots) are deleted by
 * test/integ-helpers/cleanup-retained.sh. See docs/integration.md.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App } from 'aws-cdk-lib';
import { addPipelineAssertions } from './integ-helpers/assertions';
import { assertionStack, INTEG_REGION, productionCaseStack, SUFFIXES } from './integ-helpers/cases';

const app = new App();
const stack = productionCaseStack(app);

const integ = new IntegTest(app, 'LgpdPipelineProduction', {
  testCases: [stack],
  regions: [INTEG_REGION],
  assertionStack: assertionStack(app, 'LgpdIntegProductionAssertions'),
  stackUpdateWorkflow: false,
  hooks: {
    // Hooks run from test/, without a shell.
    preDestroy: [
      `aws rds modify-db-instance --region ${INTEG_REGION} --db-instance-identifier lgpd-db-${SUFFIXES.production} --no-deletion-protection --apply-immediately`,
    ],
    postDestroy: [
      `bash integ-helpers/cleanup-retained.sh ${INTEG_REGION} ${SUFFIXES.production}`,
      `bash integ-helpers/delete-lambda-logs.sh ${INTEG_REGION} LgpdIntegProduction`,
    ],
  },
});
addPipelineAssertions(integ, stack, { clusterMode: true, multiAzDatabase: true, deletionProtection: true });

app.synth();

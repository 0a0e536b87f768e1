/**
 * Each integration case whole: its stacks, its assertion stack, its assertions and its hooks. The integ
 * apps (test/integ.<case>.ts) build exactly this, and the unit tests that check the cases
 * (test/integ-cleanup.test.ts) build it too, so the hooks they run are the ones integ-runner runs.
 *
 * Hooks run from test/, without a shell (integ-runner splits them on spaces).
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { addPipelineAssertions, ExpectedPipeline } from './assertions';
import { assertionStack, bringYourOwnCaseStacks, defaultCaseStack, INTEG_REGION, PipelineCaseStack, productionCaseStack, SUFFIXES } from './cases';

export const CASE_NAMES = ['default', 'production', 'bring-your-own'] as const;
export type CaseName = typeof CASE_NAMES[number];

/** integ-runner's lifecycle hooks of a case. */
export interface Hooks {
  readonly preDestroy?: string[];
  readonly postDestroy?: string[];
}

/** One case, built. */
export interface IntegCase {
  readonly integ: IntegTest;
  /** The stacks integ-runner deploys and destroys. */
  readonly stacks: Stack[];
  /** The stack with the pipeline. */
  readonly pipelineStack: PipelineCaseStack;
  /** The stack of the post-deploy assertions. */
  readonly assertionStack: Stack;
  readonly hooks: Hooks;
}

/** Deletes the log groups Lambda made for the functions of the stacks whose names start with `prefix`. */
const deleteLambdaLogs = (prefix: string) => `bash integ-helpers/delete-lambda-logs.sh ${INTEG_REGION} ${prefix}`;

/**
 * The app of an integration case. Its cloud assembly is committed (test/integ.<case>.ts.snapshot), so
 * it records no stack traces: they hold the paths of the machine that wrote the snapshot.
 */
export function integApp(): App {
  return new App({ context: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true, [cxapi.DISABLE_METADATA_STACK_TRACE]: true } });
}

export function buildIntegCase(app: App, name: CaseName): IntegCase {
  let stacks: Stack[];
  let pipelineStack: PipelineCaseStack;
  let id: string;
  let assertions: string;
  let hooks: Hooks;
  let expected: ExpectedPipeline;
  switch (name) {
    case 'default':
      pipelineStack = defaultCaseStack(app);
      stacks = [pipelineStack];
      [id, assertions] = ['LgpdPipelineDefault', 'LgpdIntegDefaultAssertions'];
      hooks = { postDestroy: [deleteLambdaLogs('LgpdIntegDefault')] };
      expected = { clusterMode: false, multiAzDatabase: true, deletionProtection: false, ownsVpc: true };
      break;
    case 'production':
      pipelineStack = productionCaseStack(app);
      stacks = [pipelineStack];
      [id, assertions] = ['LgpdPipelineProduction', 'LgpdIntegProductionAssertions'];
      hooks = {
        // Deletion protection first, or the destroy fails; afterwards what the pipeline kept on purpose.
        preDestroy: [
          `aws rds modify-db-instance --region ${INTEG_REGION} --db-instance-identifier lgpd-db-${SUFFIXES.production} --no-deletion-protection --apply-immediately`,
        ],
        postDestroy: [
          `bash integ-helpers/cleanup-retained.sh ${INTEG_REGION} ${SUFFIXES.production}`,
          deleteLambdaLogs('LgpdIntegProduction'),
        ],
      };
      expected = { clusterMode: true, multiAzDatabase: true, deletionProtection: true, ownsVpc: true };
      break;
    case 'bring-your-own': {
      const byo = bringYourOwnCaseStacks(app);
      pipelineStack = byo.pipelineStack;
      stacks = [byo.base, byo.pipelineStack];
      [id, assertions] = ['LgpdPipelineBringYourOwn', 'LgpdIntegBringYourOwnAssertions'];
      hooks = { postDestroy: [deleteLambdaLogs('LgpdIntegBringYourOwn')] };
      // The VPC is the user's: its default security group is theirs to close.
      expected = { clusterMode: false, multiAzDatabase: false, deletionProtection: false, ownsVpc: false };
      break;
    }
  }
  const assertionStackOfCase = assertionStack(app, assertions);
  const integ = new IntegTest(app, id, {
    testCases: stacks,
    regions: [INTEG_REGION],
    assertionStack: assertionStackOfCase,
    // Deploy the current code only, not the committed snapshot first (the stacks are region-bound).
    stackUpdateWorkflow: false,
    hooks,
  });
  addPipelineAssertions(integ, pipelineStack, expected);
  return { integ, stacks, pipelineStack, assertionStack: assertionStackOfCase, hooks };
}

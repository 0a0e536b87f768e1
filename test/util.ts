import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LgpdDataPipeline, LgpdDataPipelineProps } from '../src';

export interface Synthesized {
  readonly stack: Stack;
  readonly pipeline: LgpdDataPipeline;
  readonly template: Template;
}

/** One pipeline in its own sa-east-1 stack, not yet synthesized, so a test can add to the stack. */
export function build(props: LgpdDataPipelineProps, stackProps: StackProps = { env: { region: 'sa-east-1' } }) {
  const app = new App();
  const stack = new Stack(app, 'Test', stackProps);
  const pipeline = new LgpdDataPipeline(stack, 'Pipeline', props);
  return { stack, pipeline };
}

/** Synthesizes one pipeline in its own sa-east-1 stack. */
export function synth(props: LgpdDataPipelineProps, stackProps?: StackProps): Synthesized {
  const { stack, pipeline } = build(props, stackProps);
  return { stack, pipeline, template: Template.fromStack(stack) };
}

/**
 * Synthesizes one pipeline (suffix `dev` unless given) whose props are built from its stack, for
 * parameters and brought resources, in an app with the given context.
 */
export function synthWith(props: (stack: Stack) => Partial<LgpdDataPipelineProps>, context?: Record<string, unknown>): Synthesized {
  const app = new App({ context });
  const stack = new Stack(app, 'Test', { env: { region: 'sa-east-1' } });
  const pipeline = new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'dev', ...props(stack) });
  return { stack, pipeline, template: Template.fromStack(stack) };
}

/** The resources of a type, as [logicalId, resource] pairs. */
export function resourcesOf(template: Template, type: string): Array<[string, any]> {
  return Object.entries(template.findResources(type));
}

/** The only resource of a type. */
export function only(template: Template, type: string): any {
  const found = resourcesOf(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0][1];
}

/** A jest snapshot serializer that hides asset hashes, so snapshots survive handler updates. */
export function withoutAssetHashes(template: any): any {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}(\.zip|\.json)?/g, 'ASSET-HASH$1'));
}

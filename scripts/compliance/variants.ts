/**
 * The apps the compliance checks run on: the FastShop example, a production-shaped pipeline (three AZs,
 * cluster-mode cache with two shards, default removal) and a destroyable one. Shared by the tests
 * (test/compliance) and the scripts that synthesize them for cfn-lint and write the evidence reports.
 */
import * as path from 'path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { buildFastShopApp } from '../../examples/fastshop/app';
import { LgpdDataPipeline } from '../../src';

export const VARIANT_NAMES = ['fastshop', 'production', 'destroyable'] as const;
export type VariantName = typeof VARIANT_NAMES[number];

/** Builds one variant; `outdir` is where `synth()` writes it (a temporary directory if unset). */
export function buildVariant(name: VariantName, outdir?: string): App {
  if (name === 'fastshop') return buildFastShopApp(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, name === 'production' ? 'Production' : 'Destroyable', { env: { region: 'sa-east-1' } });
  if (name === 'production') {
    new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'prod', azCount: 3, cacheNodeGroups: 2 });
  } else {
    new LgpdDataPipeline(stack, 'Pipeline', { environmentSuffix: 'test', removalPolicy: RemovalPolicy.DESTROY });
  }
  return app;
}

/** Where the scripts write a variant's cloud assembly. */
export function variantOutdir(name: VariantName): string {
  return path.resolve(__dirname, '..', '..', 'cdk.out', 'compliance', name);
}

import { awscdk } from 'projen';

/**
 * Observability and performance: the architecture diagram of the FastShop example (generated from its
 * synthesized template with Graphviz, never drawn by hand) and the synth/deploy benchmark.
 * Called from .projenrc.ts.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  const synthExample = project.tasks.tryFind('synth:example')!;

  const diagram = project.addTask('diagram', {
    description: 'Draw docs/architecture.svg (and .dot) from the synthesized FastShop template with Graphviz',
  });
  diagram.spawn(synthExample);
  diagram.exec('ts-node --project tsconfig.dev.json scripts/diagram/diagram.ts cdk.out/fastshop/FastShopPipeline.template.json docs/architecture');

  // Graphviz output is deterministic for the same input and version, so CI can tell when the committed
  // picture no longer matches the construct. The DOT source is compared: it does not depend on fonts.
  const diagramCheck = project.addTask('diagram:check', {
    description: 'Fail if docs/architecture.dot is not what the current FastShop template produces (run `npx projen diagram`)',
  });
  diagramCheck.spawn(synthExample);
  diagramCheck.exec('ts-node --project tsconfig.dev.json scripts/diagram/diagram.ts --check cdk.out/fastshop/FastShopPipeline.template.json docs/architecture');
  project.tasks.tryFind('ci')!.spawn(diagramCheck);

  // Not spawned by ci: a benchmark, not a test. BENCH_RUNS=<n> sets the runs per app (default 11).
  project.addTask('bench', {
    description: 'Synth-time benchmark (empty app, hand-written stack, FastShop, 1/10/25 pipelines) and deploy critical-path estimate',
    exec: 'ts-node --project tsconfig.dev.json scripts/bench/bench.ts',
  });
}

/**
 * Synthesizes the compliance variants (production-shaped and destroyable; FastShop is synthesized by
 * `synth:example`) into cdk.out/compliance/<variant>/ for cfn-lint.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildVariant, variantOutdir, VariantName } from '../../support/variants';

for (const name of ['production', 'destroyable'] as VariantName[]) {
  const outdir = variantOutdir(name);
  fs.rmSync(outdir, { recursive: true, force: true });
  const assembly = buildVariant(name, outdir).synth();
  for (const stack of assembly.stacks) {
    console.log(`${name}: ${path.relative(process.cwd(), path.join(assembly.directory, stack.templateFile))}`);
  }
}

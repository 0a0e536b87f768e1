/**
 * Synthesizes the FastShop example and prints where its template is and how many resources it has.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildFastShopApp } from '../examples/fastshop/app';

const outdir = path.resolve(__dirname, '..', 'cdk.out', 'fastshop');
const assembly = buildFastShopApp(outdir).synth();
for (const stack of assembly.stacks) {
  const templatePath = path.join(assembly.directory, stack.templateFile);
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf-8'));
  const resources = Object.keys(template.Resources ?? {}).length;
  console.log(`${stack.stackName} (${stack.environment.region}): ${resources} resources`);
  console.log(`template: ${path.relative(process.cwd(), templatePath)}`);
}

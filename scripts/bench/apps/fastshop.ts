/** The FastShop example, as `npx projen synth:example` builds it. */
import { report } from './common';
import { buildFastShopApp } from '../../../examples/fastshop/app';

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: node fastshop.js <outdir>');
buildFastShopApp(outdir).synth();
report();

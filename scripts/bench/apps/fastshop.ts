/** The FastShop example, as `npx projen synth:example` builds it. */
import { buildFastShopApp } from '../../../examples/fastshop/app';

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: node fastshop.js <outdir>');
buildFastShopApp(outdir).synth();
process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);

/**
 * Shared by the benchmark apps: where to write the cloud assembly, and the peak memory report the
 * runner reads from the last line of stdout.
 */
import { App } from 'aws-cdk-lib';

/** An App writing to the directory the runner passes as the first argument. */
export function benchApp(): App {
  const outdir = process.argv[2];
  if (!outdir) throw new Error('usage: node <app>.js <outdir> [count]');
  return new App({ outdir });
}

/** Synthesizes and prints `{"maxRssKiB": ...}` for the runner. */
export function synthAndReport(app: App): void {
  app.synth();
  process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

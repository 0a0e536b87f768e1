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

/** Synthesizes and prints `{"maxRssKiB": ..., "cpuMs": ...}` for the runner. */
export function synthAndReport(app: App): void {
  app.synth();
  report();
}

/** Prints the peak RSS and the CPU time (user + system) of this process so far. */
export function report(): void {
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  process.stdout.write(`${JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMs })}\n`);
}

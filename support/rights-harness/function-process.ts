import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loggedEvents } from '../processor-harness/environment';

/** The bundles the build makes (projenrc/rights.ts, projenrc/processor.ts), as Lambda runs them. */
export const BUNDLES = join(__dirname, '..', '..', 'assets', 'handlers');

/** What one invocation returned, or the error the handler threw. */
export type Invocation<T> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: string };

/**
 * One Lambda execution environment of any bundled handler: a Node process that loads the bundle once
 * (the processor harness's runtime.cjs) and runs invocations one at a time, with exactly the environment
 * given (nothing inherited but PATH). Its stdout (the handler's log lines) is kept, so a test can read
 * every line a function logged.
 */
export class FunctionProcess {
  static async start(bundle: string, env: Record<string, string>): Promise<FunctionProcess> {
    const file = join(BUNDLES, bundle, 'index.js');
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx projen bundle\``);
    const child = fork(join(__dirname, '..', 'processor-harness', 'runtime.cjs'), [file], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
    });
    const fn = new FunctionProcess(bundle, child);
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', code => reject(new Error(`${bundle} exited during init (${code}): ${fn.stderr}`)));
    });
    return fn;
  }

  /** Every line the function wrote to stdout and stderr (CloudWatch Logs on Lambda). */
  readonly logs: string[] = [];
  private stderr = '';
  private nextId = 0;
  private readonly pending = new Map<number, (m: { result?: unknown; error?: { message: string } }) => void>();

  private constructor(readonly bundle: string, private readonly child: ChildProcess) {
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      this.logs.push(...lines.filter(l => l.length > 0));
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
      this.logs.push(...chunk.toString('utf8').split('\n').filter(l => l.length > 0));
    });
    child.on('message', (m: { id: number; result?: unknown; error?: { message: string } }) => {
      const settle = this.pending.get(m.id);
      this.pending.delete(m.id);
      settle?.(m);
    });
    child.on('exit', code => {
      for (const settle of this.pending.values()) settle({ error: { message: `${bundle} exited (${code}): ${this.stderr.slice(-2000)}` } });
      this.pending.clear();
    });
  }

  /**
   * Invokes the bundle's `entry` (`handler`) with `event`; its context counts down `timeoutMs`, as
   * Lambda's counts down the function's timeout.
   */
  invoke<T = unknown>(event: unknown, entry = 'handler', timeoutMs = 300_000): Promise<Invocation<T>> {
    const id = this.nextId++;
    return new Promise(resolve => {
      this.pending.set(id, m => resolve(m.error ? { ok: false, error: m.error.message } : { ok: true, result: m.result as T }));
      this.child.send({ id, event, entry, timeoutMs });
    });
  }

  /** Like `invoke`, but throws what the handler threw. */
  async invokeOk<T = any>(event: unknown): Promise<T> {
    const outcome = await this.invoke<T>(event);
    if (!outcome.ok) throw new Error(`${this.bundle} threw: ${outcome.error}`);
    return outcome.result;
  }

  /** The parsed JSON log lines whose `event` is `name`. */
  logged(name: string): Record<string, unknown>[] {
    return loggedEvents(this.logs, name);
  }

  /** The process id (to kill it the way Lambda ends an environment that runs out of time). */
  get pid(): number {
    return this.child.pid!;
  }

  /** Kills the process at once (SIGKILL): what it was doing is cut short. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

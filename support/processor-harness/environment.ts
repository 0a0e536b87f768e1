import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';

/** The bundle the build makes (projenrc/processor.ts) and Lambda runs: `index.handler` in this folder. */
export const BUNDLE = join(__dirname, '..', '..', 'assets', 'handlers', 'transaction-processor', 'index.js');

/** The bundle of the schema functions: `index.handler` (the migrations) and `index.onEvent` (the custom resource). */
export const SCHEMA_BUNDLE = join(__dirname, '..', '..', 'assets', 'handlers', 'schema-migrations', 'index.js');

/** What one invocation returned, or the error the handler threw (Lambda then retries the whole batch). */
export type Outcome<R = KinesisStreamBatchResponse> =
  | { readonly ok: true; readonly response: R; readonly ms: number }
  | { readonly ok: false; readonly error: string; readonly ms: number };

/** Which bundle and handler an environment runs, and the function's timeout (its context's remaining time). */
export interface FunctionOptions {
  /** @default BUNDLE, the processor */
  readonly bundle?: string;
  /** @default 'handler' */
  readonly handler?: string;
  /** @default 60 s */
  readonly timeoutMs?: number;
}

/**
 * One Lambda execution environment: a Node process that loads the bundled handler once and runs
 * invocations one at a time (support/processor-harness/runtime.cjs), with exactly the environment
 * variables given (nothing is inherited but PATH), frozen between invocations. Its stdout (the
 * handler's JSON log lines) is kept.
 */
export class LambdaEnvironment {
  static async start(env: Record<string, string>, fn: FunctionOptions = {}): Promise<LambdaEnvironment> {
    const bundle = fn.bundle ?? BUNDLE;
    if (!existsSync(bundle)) {
      throw new Error(`${bundle} is missing: run \`npx projen bundle\``);
    }
    const child = fork(join(__dirname, 'runtime.cjs'), [bundle, fn.handler ?? 'handler', String(fn.timeoutMs ?? 60_000)], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
    });
    const environment = new LambdaEnvironment(child);
    environment.initMs = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { type: string; initMs: number }) => resolve(m.initMs));
      child.once('exit', code => reject(new Error(`the environment exited during init (${code}): ${environment.stderr}`)));
    });
    environment.signal('SIGSTOP');
    return environment;
  }

  /** How long loading the bundle took (Lambda's init phase, without the runtime's own start). */
  initMs = 0;
  /** The handler's log lines (stdout). */
  readonly logs: string[] = [];
  private stderr = '';
  private nextId = 0;
  private readonly pending = new Map<number, (m: InvocationMessage) => void>();

  private constructor(private readonly child: ChildProcess) {
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      this.logs.push(...lines.filter(l => l.length > 0));
    });
    child.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString('utf8'); });
    child.on('message', (m: InvocationMessage) => {
      const settle = this.pending.get(m.id);
      this.pending.delete(m.id);
      settle?.(m);
    });
    child.on('exit', code => {
      for (const settle of this.pending.values()) {
        settle({ id: -1, ms: 0, error: { message: `the environment exited (${code}): ${this.stderr.slice(-2000)}` } });
      }
      this.pending.clear();
    });
  }

  /**
   * Invokes the handler with the event, as the event source mapping would. Between invocations the
   * process is stopped (SIGSTOP), as Lambda freezes an environment: no timer, reconnection or
   * keep-alive of the handler's runs until the next invocation thaws it.
   */
  invoke<E extends object = KinesisStreamEvent, R = KinesisStreamBatchResponse>(event: E): Promise<Outcome<R>> {
    const id = this.nextId++;
    return new Promise(resolve => {
      this.pending.set(id, m => {
        this.signal('SIGSTOP');
        resolve(m.error ? { ok: false, error: m.error.message, ms: m.ms } : { ok: true, response: m.result as R, ms: m.ms });
      });
      this.signal('SIGCONT');
      this.child.send({ id, event });
    });
  }

  /** Like `invoke`, but throws when the handler threw. */
  async invokeOk(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
    const outcome = await this.invoke(event);
    if (!outcome.ok) throw new Error(`the handler threw: ${outcome.error}`);
    return outcome.response;
  }

  /** The parsed JSON log lines whose `event` is `name`. */
  logged(name: string): Record<string, unknown>[] {
    return this.logs.flatMap(line => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        return parsed.event === name ? [parsed] : [];
      } catch {
        return [];
      }
    });
  }

  private signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** Ends the environment (Lambda would freeze, then one day discard it). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

interface InvocationMessage {
  readonly id: number;
  readonly ms: number;
  readonly result?: unknown;
  readonly error?: { readonly message: string };
}

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** How an environment runs. */
export interface EnvironmentOptions {
  /**
   * The function's timeout: the handler's context counts it down, and an invocation that outlasts it
   * fails with "Task timed out" and ends the environment (the next invocation starts a new one).
   * Default 5 s: short, so that a test whose store is away spends little time waiting for it.
   */
  readonly timeoutMs?: number;
  /** The bundle to load. Default: the one the build makes. */
  readonly bundle?: string;
  /** Node options for the environment's process (profiling flags, say). */
  readonly execArgv?: string[];
}

/**
 * One Lambda execution environment: a Node process that loads the bundled handler once and runs
 * invocations one at a time (support/processor-harness/runtime.cjs), with exactly the environment
 * variables given (nothing is inherited but PATH), frozen between invocations. Its stdout (the
 * handler's JSON log lines) is kept, across restarts after a timeout.
 */
export class LambdaEnvironment {
  static async start(env: Record<string, string>, options: EnvironmentOptions = {}): Promise<LambdaEnvironment> {
    const environment = new LambdaEnvironment(env, options);
    await environment.boot();
    return environment;
  }

  /** How long loading the bundle took (Lambda's init phase, without the runtime's own start), last boot. */
  initMs = 0;
  /** How many times the environment started (1, plus one per timeout). */
  boots = 0;
  /** The handler's log lines (stdout). */
  readonly logs: string[] = [];
  readonly timeoutMs: number;
  private child?: ChildProcess;
  private stderr = '';
  private nextId = 0;
  private readonly pending = new Map<number, (m: InvocationMessage) => void>();

  private constructor(private readonly env: Record<string, string>, private readonly options: EnvironmentOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /**
   * Invokes the handler with the event, as the event source mapping would. Between invocations the
   * process is stopped (SIGSTOP), as Lambda freezes an environment: no timer, reconnection or
   * keep-alive of the handler's runs until the next invocation thaws it.
   */
  invoke(event: KinesisStreamEvent, onReturn?: () => void): Promise<Outcome> {
    return this.call('handler', event, onReturn);
  }

  /**
   * Invokes another entry point of the bundle (`redrive`) with a payload, as `aws lambda invoke` would.
   * `onReturn` runs the moment the handler's answer arrives, before anything else (a test that kills a
   * store right after an acknowledged batch).
   */
  async call<R = KinesisStreamBatchResponse>(entry: string, payload: unknown, onReturn?: () => void): Promise<Outcome<R>> {
    if (this.child === undefined) await this.boot();
    const child = this.child!;
    const id = this.nextId++;
    const sent = Date.now();
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        // Lambda ends an invocation at its timeout, and the environment with it.
        this.pending.delete(id);
        this.child = undefined;
        child.kill('SIGKILL');
        resolve({ ok: false, error: `Task timed out after ${(this.timeoutMs / 1000).toFixed(2)} seconds`, ms: Date.now() - sent });
      }, this.timeoutMs + 100);
      this.pending.set(id, m => {
        onReturn?.();
        clearTimeout(timer);
        this.signal(child, 'SIGSTOP');
        resolve(m.error ? { ok: false, error: m.error.message, ms: m.ms } : { ok: true, response: m.result as R, ms: m.ms });
      });
      this.signal(child, 'SIGCONT');
      child.send({ id, event: payload, entry, timeoutMs: this.timeoutMs });
    });
  }

  /** Like `invoke`, but throws when the handler threw. */
  async invokeOk(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
    const outcome = await this.invoke(event);
    if (!outcome.ok) throw new Error(`the handler threw: ${outcome.error}`);
    return outcome.response;
  }

  /**
   * CPU time the environment's process has used so far, every thread's (V8's compiler threads too), in
   * ms, from /proc (Linux); restarts after a timeout start from zero.
   */
  cpuMs(): number {
    const pid = this.child?.pid;
    if (pid === undefined) return 0;
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, the 14th and 15th fields, in clock ticks of 10 ms (CLK_TCK 100).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  /** The parsed JSON log lines whose `event` is `name`. */
  logged(name: string): Record<string, any>[] {
    return loggedEvents(this.logs, name);
  }

  /**
   * Ends the environment the way a process ends by itself (thawed, then its IPC channel closed), so
   * that what it writes at exit is written: a V8 CPU profile (`--cpu-prof`), for example.
   */
  async exit(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    this.signal(child, 'SIGCONT');
    child.disconnect();
    await exited;
  }

  /** Ends the environment (Lambda would freeze, then one day discard it). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private async boot(): Promise<void> {
    const bundle = this.options.bundle ?? BUNDLE;
    if (!existsSync(bundle)) {
      throw new Error(`${bundle} is missing: run \`npx projen bundle\``);
    }
    const child = fork(join(__dirname, 'runtime.cjs'), [bundle], {
      env: { PATH: process.env.PATH, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: this.options.execArgv ?? [],
    });
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      this.logs.push(...lines.filter(l => l.length > 0));
    });
    child.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString('utf8'); });
    child.on('message', (m: InvocationMessage & { type?: string }) => {
      if (m.type === 'ready') return;
      const settle = this.pending.get(m.id);
      this.pending.delete(m.id);
      settle?.(m);
    });
    child.on('exit', code => {
      if (this.child !== child) return;
      this.child = undefined;
      for (const settle of this.pending.values()) {
        settle({ id: -1, ms: 0, error: { message: `the environment exited (${code}): ${this.stderr.slice(-2000)}` } });
      }
      this.pending.clear();
    });
    this.initMs = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { type: string; initMs: number }) => resolve(m.initMs));
      child.once('exit', code => reject(new Error(`the environment exited during init (${code}): ${this.stderr}`)));
    });
    this.child = child;
    this.boots++;
    this.signal(child, 'SIGSTOP');
  }

  private signal(child: ChildProcess, signal: 'SIGSTOP' | 'SIGCONT'): void {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

interface InvocationMessage {
  readonly id: number;
  readonly ms: number;
  readonly result?: unknown;
  readonly error?: { readonly message: string };
}

/** The JSON lines of `lines` whose `event` is `name`, parsed (a function's log: one JSON line per event). */
export function loggedEvents(lines: readonly string[], name: string): Record<string, any>[] {
  return lines.flatMap(line => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      return parsed.event === name ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

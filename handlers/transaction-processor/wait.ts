/**
 * Waiting out a store that is briefly away (a restart, a Multi-AZ failover, a dropped connection)
 * within one invocation, so that a short outage costs the event source mapping no retry. The wait is
 * bounded below the invocation's remaining time: what is left after it is enough to finish the batch
 * once the store answers (a connection attempt gives up after 5 s, a query after 15 s). A longer outage
 * fails the batch, and the mapping retries it until the records' maximum age (docs/processor.md,
 * "Which failure goes where").
 */
import { log } from './log';

/** A store that cannot be reached right now; worth trying again shortly. Its message names the store. */
export class StoreUnavailable extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailable';
  }
}

/** What Lambda's context offers that the wait needs (tests and the redrive pass their own). */
export interface InvocationClock {
  getRemainingTimeInMillis(): number;
}

/** Time kept back from the wait for the work itself: up to 20 s, and never more than a third of what is left. */
const RESERVE_MAX_MS = 20_000;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

/** How long this invocation may still wait for a store: until `until` (epoch ms). */
export class WaitBudget {
  /**
   * The budget of an invocation that has `remainingMs` left now. Without a clock (a direct call),
   * there is no waiting: the first failure is final.
   */
  static of(clock: InvocationClock | undefined): WaitBudget {
    const remaining = clock?.getRemainingTimeInMillis() ?? 0;
    const reserve = Math.min(RESERVE_MAX_MS, remaining / 3);
    return new WaitBudget(Date.now() + Math.max(0, remaining - reserve));
  }

  private constructor(readonly until: number) {}

  /**
   * Runs `attempt`; while it fails with `StoreUnavailable` and the budget allows, waits (100 ms,
   * doubling, at most 2 s) and runs it again. Any other error, or the budget spent, ends it.
   */
  async run<T>(store: string, attempt: () => Promise<T>): Promise<T> {
    const started = Date.now();
    let delay = FIRST_DELAY_MS;
    for (let attempts = 1; ; attempts++) {
      try {
        const result = await attempt();
        if (attempts > 1) log('store-wait', { store, attempts, waitedMs: Date.now() - started, recovered: true });
        return result;
      } catch (e) {
        const wait = Math.min(delay, this.until - Date.now());
        if (!(e instanceof StoreUnavailable) || wait <= 0) {
          if (attempts > 1) log('store-wait', { store, attempts, waitedMs: Date.now() - started, recovered: false });
          throw e;
        }
        await new Promise(resolve => setTimeout(resolve, wait));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }

  /** Milliseconds left to wait. */
  get remainingMs(): number {
    return Math.max(0, this.until - Date.now());
  }
}

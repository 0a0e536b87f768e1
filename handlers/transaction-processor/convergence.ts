/**
 * The cache converges on PostgreSQL after a failover.
 *
 * ElastiCache replicates asynchronously: a failover promotes the replica with the least lag, which may
 * lack the last updates the old primary acknowledged (ElastiCache User Guide, "Minimizing downtime in
 * ElastiCache for Redis with Multi-AZ"). The updates are idempotent and PostgreSQL holds every
 * transaction with the time it was stored, so the lost ones are re-applied from there (repair), rather
 * than every batch waiting for a replica (prevention with WAIT: a batch would then wait whenever the
 * replica is down or being replaced, and still lose its update when the replica lags past the bound).
 *
 * How it works (docs/processor.md, "The cache after a failover"):
 * - After a batch's updates, every primary's marker is raised to the newest `stored_at` of the batch
 *   (at most once a second: MARKER_INTERVAL_MS). The marker travels the replication stream behind the
 *   updates: a replica that has it has them.
 * - A promoted replica, like a restarted primary, starts a new replication history (Redis: a new
 *   `master_replid`). When the client (re)connects, each primary's history is compared with the one its
 *   state was last made whole for (its epoch key); if they differ, every transaction stored from the
 *   node's marker minus REPAIR_MARGIN_MS on is re-applied, then the epoch is set. Without a marker (the
 *   node lost everything) the whole cache TTL is re-applied.
 * - Updates of transactions stored more than REPAIR_MARGIN_MS earlier (a retry long after PostgreSQL
 *   stored them, a redrive) are outside that window: for those, the batch waits until a replica has
 *   them (`WAIT 1`, at most REPLICA_WAIT_MS) before it is acknowledged.
 */
import type { CacheNode, CustomerCache } from './cache';
import type { StoredTransaction, TransactionTable } from './database';
import { log } from './log';
import type { WaitBudget } from './wait';

/**
 * How long after PostgreSQL stored a transaction its first cache update may come and still be covered by
 * the repair window. Longer than a batch normally takes (milliseconds) and than the in-invocation wait
 * for a store that is away (wait.ts); later updates are covered by WAIT instead.
 */
export const REPAIR_MARGIN_MS = 60_000;
/** How long a late update waits for a replica. */
export const REPLICA_WAIT_MS = 500;
/**
 * How often an environment raises the markers: once a second at most, not every batch (a round trip).
 * An older marker only starts the repair window earlier (up to a second more to re-apply); it is never
 * ahead of what was applied.
 */
export const MARKER_INTERVAL_MS = 1_000;
/** Transactions re-applied per round trip of a repair. */
const REPAIR_PAGE = 2_000;

interface Repair {
  readonly replicationId: string;
  readonly fromMs: number;
  after?: { storedMs: number; transactionId: string };
  applied: number;
  readonly started: number;
}

export class CacheConvergence {
  private readonly replicas = new Map<string, number>();
  private readonly repairs = new Map<string, Repair>();
  private checkDue = false;
  private markedMs = 0;

  constructor(private readonly table: TransactionTable, private readonly cache: CustomerCache, private readonly ttlSeconds: number) {}

  /**
   * Applies stored transactions to the cache: first, after a (re)connection, repairs what a failover
   * lost; then the update; then, for transactions stored long before, waits for a replica.
   *
   * @param stored the transactions as PostgreSQL returned them
   * @param returnedAt when PostgreSQL returned them (Date.now())
   * @param budget how long this invocation may spend repairing (the rest waits for the next one)
   * @returns how many transactions the cache's fence dropped (their subject was erased)
   */
  async apply(stored: readonly StoredTransaction[], returnedAt: number, budget: WaitBudget): Promise<number> {
    let marker = 0;
    let oldestAge = 0;
    for (const t of stored) {
      if (t.storedMs > marker) marker = t.storedMs;
      if (t.storedAgeMs > oldestAge) oldestAge = t.storedAgeMs;
    }
    await this.checkIfReconnected(budget);
    const dropped = await this.cache.applyUpdates(stored);
    // The updates may have found the connection broken and reconnected (a frozen environment learns of
    // a failover only when it writes): repair before the marker moves on and the batch is acknowledged.
    await this.checkIfReconnected(budget);
    if (marker - this.markedMs >= MARKER_INTERVAL_MS) {
      await this.cache.raiseMarker(marker);
      this.markedMs = marker;
    }
    if (oldestAge + (Date.now() - returnedAt) > REPAIR_MARGIN_MS && [...this.replicas.values()].some(n => n > 0)) {
      const acknowledged = await this.cache.waitForReplicas(REPLICA_WAIT_MS);
      if (acknowledged === 0) log('cache-unreplicated', { transactions: stored.length, oldestAgeMs: oldestAge, waitedMs: REPLICA_WAIT_MS });
    }
    return dropped;
  }

  /** Checks the nodes after a (re)connection, or while a repair is unfinished; a check that failed is due again. */
  private async checkIfReconnected(budget: WaitBudget): Promise<void> {
    if (this.cache.takeReconnected() || this.repairs.size > 0) this.checkDue = true;
    if (this.checkDue) {
      await this.check(budget);
      this.checkDue = false;
    }
  }

  /** Compares each primary's replication history with its epoch, and repairs those that differ. */
  private async check(budget: WaitBudget): Promise<void> {
    for (const node of await this.cache.nodes()) {
      this.replicas.set(node.name, node.replicas);
      if (node.epoch === node.replicationId) {
        this.repairs.delete(node.name);
        continue;
      }
      await this.repair(node, budget);
    }
  }

  /** Re-applies what `node` may have lost, page by page, for as long as the budget allows. */
  private async repair(node: CacheNode, budget: WaitBudget): Promise<void> {
    let repair = this.repairs.get(node.name);
    if (repair === undefined || repair.replicationId !== node.replicationId) {
      const fromMs = (node.appliedMs ?? Date.now() - this.ttlSeconds * 1000) - REPAIR_MARGIN_MS;
      repair = { replicationId: node.replicationId, fromMs, applied: 0, started: Date.now() };
      log('cache-repair', { node: node.name, from: new Date(fromMs).toISOString(), marker: node.appliedMs !== undefined, epoch: node.epoch !== undefined });
    }
    do {
      const page = await this.table.storedSince(repair.fromMs, repair.after, REPAIR_PAGE);
      if (page.length > 0) {
        await this.cache.update(page, page[page.length - 1].storedMs);
        const last = page[page.length - 1];
        repair.after = { storedMs: last.storedMs, transactionId: last.transactionId };
        repair.applied += page.length;
      }
      if (page.length < REPAIR_PAGE) {
        await this.cache.markWhole(node);
        this.repairs.delete(node.name);
        log('cache-repaired', { node: node.name, transactions: repair.applied, ms: Date.now() - repair.started });
        return;
      }
    } while (budget.remainingMs > 0);
    this.repairs.set(node.name, repair);
    log('cache-repair-continues', { node: node.name, transactions: repair.applied });
  }
}

/**
 * The subjects' state in Redis (ElastiCache) as the rights job sees it: the keys of one subject
 * (src/private/subject-contract.ts) and its tombstone, over TLS with certificate verification and AUTH.
 * One client per execution environment; after any failure the client is replaced (the step then fails
 * and the workflow retries it: every operation here is idempotent).
 */
import type { Cluster, Redis } from 'ioredis';
import type { RightsCacheConfig } from './config';
import { subjectCacheKeys } from '../../src/private/subject-contract';
import { redisClient } from '../common/redis-client';

/** What the cache holds of one subject. */
export interface CachedSubject {
  readonly state: Record<string, string>;
  /** Transaction ids with their event time (ms). */
  readonly transactions: Array<{ transactionId: string; eventMs: number }>;
  readonly tombstone: boolean;
}

export class SubjectCache {
  private client?: Redis | Cluster;

  constructor(private readonly config: RightsCacheConfig, private readonly connectionName: string) {}

  /** The fence in the cache: the tombstone, living `ttlSeconds` (renewed by a repeated erasure). */
  async writeTombstone(subjectHash: string, requestId: string, ttlSeconds: number): Promise<void> {
    await this.run(c => c.set(subjectCacheKeys(subjectHash).tombstone, requestId, 'EX', ttlSeconds));
  }

  /** Deletes the subject's state; returns how many keys existed. */
  async erase(subjectHash: string): Promise<number> {
    const keys = subjectCacheKeys(subjectHash);
    return this.run(c => c.del(keys.state, keys.transactions));
  }

  /** How many of the subject's state keys exist (0, 1 or 2), and whether its tombstone does. */
  async count(subjectHash: string): Promise<{ keys: number; tombstone: boolean }> {
    const keys = subjectCacheKeys(subjectHash);
    return this.run(async c => ({ keys: await c.exists(keys.state, keys.transactions), tombstone: (await c.exists(keys.tombstone)) === 1 }));
  }

  /** Everything the cache holds of the subject. */
  async read(subjectHash: string): Promise<CachedSubject> {
    const keys = subjectCacheKeys(subjectHash);
    return this.run(async c => {
      const [state, scored, tombstone] = await Promise.all([
        c.hgetall(keys.state), c.zrange(keys.transactions, 0, -1, 'WITHSCORES'), c.exists(keys.tombstone),
      ]);
      const transactions: CachedSubject['transactions'] = [];
      for (let i = 0; i < scored.length; i += 2) transactions.push({ transactionId: scored[i], eventMs: Number(scored[i + 1]) });
      return { state, transactions, tombstone: tombstone === 1 };
    });
  }

  close(): void {
    this.client?.disconnect();
    this.client = undefined;
  }

  private async run<T>(work: (client: Redis | Cluster) => Promise<T>): Promise<T> {
    try {
      return await work(await this.connection());
    } catch (e) {
      this.close();
      const { host, port } = this.config;
      throw new Error(`Redis ${host}:${port}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  private async connection(): Promise<Redis | Cluster> {
    if (this.client !== undefined) return this.client;
    const client = await redisClient(this.config, { connectionName: this.connectionName, commandTimeoutMs: 10_000, autoPipelining: false });
    client.on('error', () => undefined);
    this.client = client;
    return client;
  }
}

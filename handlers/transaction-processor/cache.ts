import { createHash } from 'node:crypto';
import calculateSlot from 'cluster-key-slot';
import type Redis from 'ioredis';
import { Cluster } from 'ioredis';
import type { CacheConfig } from './config';
import type { StoredTransaction } from './database';
import { log } from './log';
import { forget } from './secrets';
import { StoreUnavailable } from './wait';
import { subjectCacheKeys } from '../../src/private/subject-contract';
import { redisClient } from '../common/redis-client';

/**
 * One customer's update, atomic and idempotent: the same transactions applied once or many times, in
 * any order, leave the same state (only the TTL is renewed). No counter is incremented. The customer is
 * named by their keyed hash (src/private/subject-contract.ts), never their id:
 * - `customer:{hash}:transactions`, a sorted set: transaction id scored by event time (ms), trimmed to
 *   the TTL's span of event time before the newest one.
 * - `customer:{hash}`, a hash: the newest transaction (by event time, then id) — lastTransactionId,
 *   lastAmount, lastCurrency, lastTimestamp.
 * Both expire CACHE_TTL_SECONDS after the customer's last update.
 * - `erased:{hash}`, the subject's tombstone (data-subject rights): while it exists, nothing is written
 *   and the script returns -1 (the fence, checked in the same atomic step as the write).
 * The braces are a hash tag: the three keys of a customer live in one cluster slot, which a multi-key
 * script needs in cluster mode.
 */
export const UPDATE_CUSTOMER = `
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local lastId = redis.call('HGET', KEYS[1], 'lastTransactionId')
local lastMs = nil
if lastId then lastMs = tonumber(redis.call('ZSCORE', KEYS[2], lastId)) end
local best = nil
for i = 3, #ARGV, 5 do
  local id, ms = ARGV[i], tonumber(ARGV[i + 1])
  redis.call('ZADD', KEYS[2], ms, id)
  if lastMs == nil or ms > lastMs or (ms == lastMs and id > lastId) then
    lastId, lastMs, best = id, ms, i
  end
end
if best then
  redis.call('HSET', KEYS[1], 'lastTransactionId', ARGV[best], 'lastAmount', ARGV[best + 2],
    'lastCurrency', ARGV[best + 3], 'lastTimestamp', ARGV[best + 4])
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%d', lastMs - tonumber(ARGV[2])))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return redis.call('ZCARD', KEYS[2])
`;

/**
 * A node's marker (convergence.ts): the newest `stored_at` (ms) of the updates applied to it, raised
 * and never lowered. Written after a batch's updates, so a replica that has the marker has the updates.
 */
export const MARK_APPLIED = `
if tonumber(ARGV[1]) > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`;

/**
 * A script and its SHA-1, sent with EVALSHA (EVAL when the node does not know it yet: a new connection,
 * a restart, a promoted replica). Not ioredis's `defineCommand`: the class it creates per script is one
 * whose name esbuild's keepNames redefines, which keeps V8 from ever optimizing the code that sends it
 * (docs/processor.md, "Benchmark").
 */
class Script {
  readonly sha: string;
  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  run(client: Redis | Cluster, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return client.evalsha(this.sha, keys.length, ...keys, ...args).catch((e: unknown) => {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return client.eval(this.lua, keys.length, ...keys, ...args);
    });
  }
}

const UPDATE = new Script(UPDATE_CUSTOMER);
const MARK = new Script(MARK_APPLIED);

/** The keys of one customer's update, in UPDATE_CUSTOMER's order. */
export function updateKeys(customerHash: string): [string, string, string] {
  const keys = subjectCacheKeys(customerHash);
  return [keys.state, keys.transactions, keys.tombstone];
}

/** One primary of the cache (the only one with cluster mode off), as convergence.ts sees it. */
export interface CacheNode {
  /** host:port, as the client names it. */
  readonly name: string;
  /** The id of the node's replication history (`INFO replication` master_replid): new after a promotion or a restart. */
  readonly replicationId: string;
  /** Replicas connected to it. */
  readonly replicas: number;
  /** The replication id the node's state was last made whole for (its epoch key), if any. */
  readonly epoch?: string;
  /** Its marker: the newest `stored_at` (ms) of the updates applied to it, if any. */
  readonly appliedMs?: number;
  /** Its bookkeeping keys, in a slot the node serves. */
  readonly keys: { readonly applied: string; readonly epoch: string };
}

/**
 * The customers' state in Redis (ElastiCache), over TLS with certificate verification and AUTH. One
 * client per execution environment, kept across invocations; ioredis reconnects by itself after a
 * restart or failover. All the batch's updates go out together in one pipeline per node (ioredis
 * auto-pipelining groups the commands issued in one tick, by cluster node in cluster mode).
 *
 * Besides the customers' keys, each primary holds two bookkeeping keys (`lgpd:cache:...`): the marker
 * of what was applied to it and the replication history it was last made whole for, with which
 * convergence.ts finds and repairs what a failover lost.
 */
export class CustomerCache {
  private client?: Redis | Cluster;
  private lastError?: Error;
  private reconnected = false;
  private nodeTags = new Map<string, string>();

  constructor(private readonly config: CacheConfig) {}

  /**
   * Applies the stored transactions to their customers, then raises every primary's marker to
   * `markerMs` (`applyUpdates`, then `raiseMarker`).
   */
  async update(transactions: readonly StoredTransaction[], markerMs: number): Promise<number> {
    const dropped = await this.applyUpdates(transactions);
    await this.raiseMarker(markerMs);
    return dropped;
  }

  /**
   * Applies the stored transactions to their customers. Throws when Redis cannot be reached or refuses
   * the update (the batch then fails and is retried: PostgreSQL's insert is idempotent, and so is this).
   * A refused AUTH token re-reads the secret once (rotation). Returns how many transactions the fence
   * dropped (their subject's tombstone is in the cache). A row stored before migration 0002, with no keyed
   * hash, has no key to go under and is left out: its customer's old keys expire by their TTL.
   */
  async applyUpdates(transactions: readonly StoredTransaction[]): Promise<number> {
    const byCustomer = new Map<string, StoredTransaction[]>();
    for (const t of transactions) {
      if (t.customerHash === null) continue;
      const list = byCustomer.get(t.customerHash) ?? [];
      list.push(t);
      byCustomer.set(t.customerHash, list);
    }
    const windowMs = this.config.ttlSeconds * 1000;
    return this.run(async client => {
      // Issued in one tick, so auto-pipelining sends them together.
      const customers = [...byCustomer];
      const results = await Promise.all(customers.map(([customerHash, list]) =>
        UPDATE.run(client, updateKeys(customerHash), [this.config.ttlSeconds, windowMs,
          ...list.flatMap(t => [t.transactionId, t.eventMs, t.amount, t.currency, t.timestamp])])));
      return customers.reduce((dropped, [, list], i) => dropped + (results[i] === -1 ? list.length : 0), 0);
    });
  }

  /**
   * Raises every primary's marker to `markerMs`. Call it once the updates it stands for are applied:
   * it follows them in the replication stream.
   */
  async raiseMarker(markerMs: number): Promise<void> {
    await this.run(async client => {
      await Promise.all(this.nodeKeys(client).map(({ keys }) => MARK.run(client, [keys.applied], [markerMs])));
    });
  }

  /** Whether the client (re)connected to a node since the last call: a failover or restart shows here first. */
  takeReconnected(): boolean {
    const reconnected = this.reconnected || this.client === undefined;
    this.reconnected = false;
    return reconnected;
  }

  /** Every primary, with its replication id, replicas, epoch and marker. */
  async nodes(): Promise<CacheNode[]> {
    return this.run(async client => {
      // A cluster client knows its primaries once it has the slots: a first command waits for them.
      if (client instanceof Cluster && client.status !== 'ready') await client.ping();
      const nodes = client instanceof Cluster ? client.nodes('master') : [client];
      const keyed = this.nodeKeys(client);
      return Promise.all(nodes.map(async (node, i) => {
        const info = parseInfo(await node.info('replication'));
        if (info.role !== 'master') {
          throw new StoreUnavailable(`Redis ${keyed[i].name}: the node is a ${info.role} (a failover is under way)`, { cause: undefined });
        }
        const [epoch, applied] = await Promise.all([client.get(keyed[i].keys.epoch), client.get(keyed[i].keys.applied)]);
        return {
          name: keyed[i].name,
          replicationId: info.master_replid ?? '',
          replicas: Number(info.connected_slaves ?? 0),
          epoch: epoch ?? undefined,
          appliedMs: applied === null ? undefined : Number(applied),
          keys: keyed[i].keys,
        };
      }));
    });
  }

  /** Records that `node`'s state is whole for its current replication history. */
  async markWhole(node: CacheNode): Promise<void> {
    await this.run(client => client.set(node.keys.epoch, node.replicationId));
  }

  /**
   * Waits until every primary's writes so far reached at least one replica, up to `timeoutMs` (Redis
   * `WAIT`). Returns the fewest replicas that acknowledged on a primary.
   */
  async waitForReplicas(timeoutMs: number): Promise<number> {
    return this.run(async client => {
      const nodes = client instanceof Cluster ? client.nodes('master') : [client];
      const acks = await Promise.all(nodes.map(node => node.call('WAIT', 1, Math.max(1, Math.round(timeoutMs))) as Promise<number>));
      return Math.min(...acks);
    });
  }

  /** Disconnects (tests and benchmarks; Lambda simply freezes the environment). */
  close(): void {
    this.client?.disconnect();
    this.client = undefined;
    this.lastError = undefined;
    this.nodeTags.clear();
  }

  /** Runs `work` with the client; explains a failure, replaces the client after one, re-reads a refused token once. */
  private async run<T>(work: (client: Redis | Cluster) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work(await this.connection());
      } catch (e) {
        const auth = isAuthError(e) || isAuthError(this.lastError);
        const explained = this.explain(e, auth && attempt >= 2);
        // Start from a fresh client next time rather than one stuck reconnecting.
        this.close();
        if (!auth || attempt >= 2) {
          throw explained;
        }
        forget(this.config.authSecretArn);
        log('cache-retry', { reason: 'auth' });
      }
    }
  }

  /**
   * Each primary's name and bookkeeping keys. With cluster mode on, a key of each primary's own slots:
   * `lgpd:cache:{n<k>}:...` with the smallest k whose hash tag the primary serves.
   */
  private nodeKeys(client: Redis | Cluster): Array<{ name: string; keys: CacheNode['keys'] }> {
    if (!(client instanceof Cluster)) {
      return [{ name: `${this.config.host}:${this.config.port}`, keys: { applied: 'lgpd:cache:applied', epoch: 'lgpd:cache:epoch' } }];
    }
    return client.nodes('master').map(node => {
      const name = `${node.options.host}:${node.options.port}`;
      let tag = this.nodeTags.get(name);
      if (tag === undefined || client.slots[calculateSlot(tag)]?.[0] !== name) {
        tag = undefined;
        for (let k = 0; k < 1_000_000 && tag === undefined; k++) {
          if (client.slots[calculateSlot(`n${k}`)]?.[0] === name) tag = `n${k}`;
        }
        if (tag === undefined) throw new StoreUnavailable(`Redis ${name}: serves no slot yet`, { cause: undefined });
        this.nodeTags.set(name, tag);
      }
      return { name, keys: { applied: `lgpd:cache:{${tag}}:applied`, epoch: `lgpd:cache:{${tag}}:epoch` } };
    });
  }

  private async connection(): Promise<Redis | Cluster> {
    if (this.client !== undefined) {
      return this.client;
    }
    const client = await redisClient(this.config, { connectionName: 'lgpd-transaction-processor', commandTimeoutMs: 5_000, autoPipelining: true });
    client.on('error', (e: Error) => { this.lastError = e; });
    client.on('node error', (e: Error) => { this.lastError = e; });
    // A reconnection may reach another node than before (a promoted replica, a restarted primary).
    client.on('ready', () => { this.reconnected = true; });
    client.on('+node', () => { this.reconnected = true; });
    this.client = client;
    return client;
  }

  private explain(e: unknown, authRefusedTwice: boolean): Error {
    if (e instanceof StoreUnavailable) return e;
    const { host, port, authSecretArn } = this.config;
    const parts = [`Redis ${host}:${port}: ${describe(e)}`];
    const last = this.lastError;
    if (last !== undefined && last !== e && describe(last) !== describe(e)) {
      parts.push(`last connection error: ${describe(last)}`);
    }
    if (authRefusedTwice) {
      parts.push(`AUTH refused again after re-reading CACHE_AUTH_SECRET_ARN (${authSecretArn})`);
    }
    const message = parts.join('; ');
    // A node that is away, loading, read-only (demoted) or without a primary is worth waiting for; one
    // that refuses the token or whose certificate is not trusted is not.
    const refused = isAuthError(e) || isAuthError(last) || isTlsError(e) || isTlsError(last);
    return !refused && (isUnavailable(e) || isUnavailable(last)) ? new StoreUnavailable(message, { cause: e }) : new Error(message, { cause: e });
  }
}

/** `INFO` text as fields. */
function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1);
  }
  return fields;
}

/** Whether a Redis error is the server's certificate not being trusted. */
function isTlsError(e: unknown): boolean {
  return e instanceof Error && /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)|ERR_TLS|altnames/.test(describe(e));
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** Whether a Redis error means the node is away for now rather than refusing us. */
function isUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return /^(LOADING|READONLY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|MOVED|ASK)\b|Connection is closed|Reached the max retries per request limit|Command timed out|Stream isn't writeable|None of startup nodes is available|Failed to refresh slots cache|ECONNREFUSED|ECONNRESET|ETIMEDOUT/.test(describe(e));
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  const inner = (e as { lastNodeError?: unknown }).lastNodeError;
  return `${e.message}${typeof code === 'string' ? ` [${code}]` : ''}${inner instanceof Error ? ` (${describe(inner)})` : ''}`;
}

function isAuthError(e: unknown): boolean {
  return e instanceof Error && /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(describe(e));
}

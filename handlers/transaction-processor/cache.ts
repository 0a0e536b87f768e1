import Redis, { Cluster, type RedisOptions, type Result } from 'ioredis';
import type { CacheConfig } from './config';
import type { StoredTransaction } from './database';
import { log } from './log';
import { forget, secretString } from './secrets';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** UPDATE_CUSTOMER: KEYS customer hash, transactions zset; ARGV ttl, window ms, then 5 per transaction. */
    lgpdUpdateCustomer(...args: (string | number)[]): Result<number, Context>;
  }
}

/**
 * One customer's update, atomic and idempotent: the same transactions applied once or many times, in
 * any order, leave the same state (only the TTL is renewed). No counter is incremented.
 * - `customer:{id}:transactions`, a sorted set: transaction id scored by event time (ms), trimmed to
 *   the TTL's span of event time before the newest one.
 * - `customer:{id}`, a hash: the newest transaction (by event time, then id) — lastTransactionId,
 *   lastAmount, lastCurrency, lastTimestamp.
 * Both expire CACHE_TTL_SECONDS after the customer's last update. The braces are a hash tag: both keys
 * of a customer live in one cluster slot, which a multi-key script needs in cluster mode.
 */
const UPDATE_CUSTOMER = `
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

/** The cache keys of a customer (see UPDATE_CUSTOMER). */
export function customerKeys(customerId: string): { hash: string; transactions: string } {
  return { hash: `customer:{${customerId}}`, transactions: `customer:{${customerId}}:transactions` };
}

/**
 * The customers' state in Redis (ElastiCache), over TLS with certificate verification and AUTH. One
 * client per execution environment, kept across invocations; ioredis reconnects by itself after a
 * restart or failover. All the batch's updates go out together in one pipeline per node (ioredis
 * auto-pipelining groups the commands issued in one tick, by cluster node in cluster mode).
 */
export class CustomerCache {
  private client?: Redis | Cluster;
  private lastError?: Error;

  constructor(private readonly config: CacheConfig) {}

  /**
   * Applies the stored transactions to their customers. Throws when Redis cannot be reached or refuses
   * the update (the batch then fails and is retried: PostgreSQL's insert is idempotent, and so is this).
   * A refused AUTH token re-reads the secret once (rotation).
   */
  async update(transactions: readonly StoredTransaction[]): Promise<void> {
    const byCustomer = new Map<string, StoredTransaction[]>();
    for (const t of transactions) {
      const list = byCustomer.get(t.customerId) ?? [];
      list.push(t);
      byCustomer.set(t.customerId, list);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const client = await this.connection();
        const windowMs = this.config.ttlSeconds * 1000;
        // Issued in one tick, so auto-pipelining sends them together.
        await Promise.all([...byCustomer].map(([customerId, list]) => {
          const keys = customerKeys(customerId);
          return client.lgpdUpdateCustomer(keys.hash, keys.transactions, this.config.ttlSeconds, windowMs,
            ...list.flatMap(t => [t.transactionId, t.eventMs, t.amount, t.currency, t.timestamp]));
        }));
        return;
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

  /** Disconnects (tests and benchmarks; Lambda simply freezes the environment). */
  close(): void {
    this.client?.disconnect();
    this.client = undefined;
    this.lastError = undefined;
  }

  private async connection(): Promise<Redis | Cluster> {
    if (this.client !== undefined) {
      return this.client;
    }
    const { host, port, clusterMode } = this.config;
    const password = await secretString(this.config.authSecretArn);
    const options: RedisOptions = {
      username: this.config.user,
      password,
      connectionName: 'lgpd-transaction-processor',
      // CLIENT SETINFO is not in the processor's ACL (src/private/cache-access.ts): Redis 6.2 and 7.0 lack it.
      disableClientInfo: true,
      // Node's trust store plus NODE_EXTRA_CA_CERTS; the host name is verified (never rejectUnauthorized: false).
      tls: {},
      connectTimeout: 5_000,
      commandTimeout: 5_000,
      // A command waits for at most one reconnection: an outage fails the batch in well under a second.
      maxRetriesPerRequest: 1,
      retryStrategy: times => Math.min(times * 100, 1_000),
    };
    const client = clusterMode
      ? new Cluster([{ host, port }], {
        redisOptions: options,
        // ElastiCache's TLS certificates name the node hosts: connect by name, not by resolved address.
        dnsLookup: (address, callback) => callback(null, address),
        enableAutoPipelining: true,
        clusterRetryStrategy: times => (times > 2 ? null : times * 100),
        slotsRefreshTimeout: 5_000,
      })
      : new Redis(port, host, { ...options, enableAutoPipelining: true });
    client.on('error', (e: Error) => { this.lastError = e; });
    client.on('node error', (e: Error) => { this.lastError = e; });
    client.defineCommand('lgpdUpdateCustomer', { numberOfKeys: 2, lua: UPDATE_CUSTOMER });
    this.client = client;
    return client;
  }

  private explain(e: unknown, authRefusedTwice: boolean): Error {
    const { host, port, authSecretArn } = this.config;
    const parts = [`Redis ${host}:${port}: ${describe(e)}`];
    const last = this.lastError;
    if (last !== undefined && last !== e && describe(last) !== describe(e)) {
      parts.push(`last connection error: ${describe(last)}`);
    }
    if (authRefusedTwice) {
      parts.push(`AUTH refused again after re-reading CACHE_AUTH_SECRET_ARN (${authSecretArn})`);
    }
    return new Error(parts.join('; '), { cause: e });
  }
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

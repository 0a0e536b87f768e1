/**
 * A job's Redis (ElastiCache) client, signed in as its own user (or with the AUTH token when `user` is
 * unset), over TLS with certificate verification (Node's trust store plus NODE_EXTRA_CA_CERTS; the host
 * name is verified, never `rejectUnauthorized: false`). Cluster mode reaches every node by its name.
 * Shared by the processor and the rights functions, which add their own event handlers.
 */
import Redis, { Cluster, type RedisOptions } from 'ioredis';
import { secretString } from '../transaction-processor/secrets';

/** Where to connect and as whom. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  /** The ACL user; undefined signs in with the AUTH token (the default user). */
  readonly user?: string;
  /** The user's password, or the AUTH token. */
  readonly authSecretArn: string;
  readonly clusterMode: boolean;
}

/** What differs between the jobs. */
export interface RedisClientOptions {
  /** `CLIENT SETNAME`, which names the job in `CLIENT LIST`. */
  readonly connectionName: string;
  /** How long a command may wait for its reply. */
  readonly commandTimeoutMs: number;
  /** Whether the commands issued in one tick go out together (ioredis auto-pipelining; by node in cluster mode). */
  readonly autoPipelining: boolean;
}

export async function redisClient(target: RedisTarget, options: RedisClientOptions): Promise<Redis | Cluster> {
  const { host, port, clusterMode } = target;
  const redisOptions: RedisOptions = {
    ...(target.user !== undefined ? { username: target.user } : {}),
    password: await secretString(target.authSecretArn),
    connectionName: options.connectionName,
    // CLIENT SETINFO is in no job's ACL (src/private/cache-access.ts): Redis 6.2 and 7.0 lack it.
    disableClientInfo: true,
    tls: {},
    connectTimeout: 5_000,
    commandTimeout: options.commandTimeoutMs,
    // A command waits for at most one reconnection: an outage fails the call in well under a second.
    maxRetriesPerRequest: 1,
    retryStrategy: times => Math.min(times * 100, 1_000),
  };
  return clusterMode
    ? new Cluster([{ host, port }], {
      redisOptions,
      // ElastiCache's TLS certificates name the node hosts: connect by name, not by resolved address.
      dnsLookup: (address, callback) => callback(null, address),
      enableAutoPipelining: options.autoPipelining,
      clusterRetryStrategy: times => (times > 2 ? null : times * 100),
      slotsRefreshTimeout: 5_000,
    })
    : new Redis(port, host, { ...redisOptions, enableAutoPipelining: options.autoPipelining });
}

/**
 * The Redis users of the pipeline's ElastiCache user group (role-based access control) and what each
 * may run, written once: the template's users (src/cache-users.ts) and the test that applies the same
 * strings to a real Redis with `ACL SETUSER` (test/processor/cache-access.processor.ts) read them
 * here. Imports nothing, aws-cdk-lib least of all.
 *
 * ElastiCache takes Redis's ACL syntax, without passwords (set through the API) and without `reset`.
 * Commands are named one by one: a category such as `+@write` would also allow FLUSHALL.
 */

/** An ElastiCache user: its name (what the client sends to AUTH) and its access string. */
export interface CacheUserAccess {
  /** The user name, the same in every pipeline (the user id carries the environment suffix). */
  readonly userName: string;
  /** The ACL rules, as `ACL SETUSER <userName> <rules>` takes them. */
  readonly accessString: string;
}

/**
 * The `default` user every ElastiCache user group must hold: switched off (no connection can sign in as
 * it, and a connection that has not signed in can run nothing but AUTH) and with no command or key.
 */
export const DEFAULT_USER: CacheUserAccess = { userName: 'default', accessString: 'off -@all' };

/**
 * The keys of the transaction processor: a customer's `customer:{<id>}` and `customer:{<id>}:transactions`,
 * and each primary's bookkeeping of the cache's convergence after a failover, `lgpd:cache:applied` and
 * `lgpd:cache:epoch` (`lgpd:cache:{n<k>}:...` in cluster mode).
 */
// `erased:*`: the tombstones of erased subjects, which the customer's update reads (EXISTS) to drop their
// records. Redis 6.2 has no read-only key patterns (Redis 7's `%R~`), so the pattern is a plain one.
export const PROCESSOR_KEY_PATTERNS = ['customer:*', 'erased:*', 'lgpd:cache:*'];

/**
 * What the reference processor runs, and only that:
 * - its Lua scripts, by `EVALSHA` (first try) or `EVAL` (after NOSCRIPT), and the commands the scripts
 *   call, which Redis checks against the same rules, keys included: the customer's update (`HGET`,
 *   `HSET`, `ZSCORE`, `ZADD`, `ZREMRANGEBYSCORE`, `ZCARD`, `EXPIRE`) and the marker (`GET`, `SET`);
 * - the cache's convergence after a failover (handlers/transaction-processor/convergence.ts): `INFO`
 *   (the node's role and replication id), `GET` and `SET` of its bookkeeping keys, `WAIT` (for a
 *   replica, while a repair is under way) and `PING` (a cluster client's first command);
 * - what ioredis sends on connecting: `CLIENT SETNAME` (the connection's name) and `INFO` (the ready
 *   check); the processor turns off ioredis's `CLIENT SETINFO`, which Redis 6.2 and 7.0 do not have;
 * - in cluster mode, `CLUSTER SLOTS` (slot discovery), `CLUSTER INFO` (the cluster's ready check) and
 *   `ASKING` (the redirection while a slot moves during online resharding).
 */
export const PROCESSOR_COMMANDS = [
  'evalsha', 'eval',
  'exists', 'hget', 'hset', 'zscore', 'zadd', 'zremrangebyscore', 'zcard', 'expire',
  'get', 'set', 'wait', 'ping',
  'client|setname', 'info',
  'cluster|slots', 'cluster|info', 'asking',
];

/** The transaction processor's user. */
export const PROCESSOR_USER: CacheUserAccess = {
  userName: 'lgpd-processor',
  accessString: `on ${PROCESSOR_KEY_PATTERNS.map(k => `~${k}`).join(' ')} -@all ${PROCESSOR_COMMANDS.map(c => `+${c}`).join(' ')}`,
};

/**
 * What data-subject rights run, and only that: the tombstone (`SET ... EX`), erasing a subject's keys
 * (`DEL`), reading them for an export or a confirmation (`HGETALL`, `ZRANGE`, `EXISTS`), on the subjects'
 * keys and tombstones only; and what ioredis sends on connecting, in cluster mode too.
 */
export const RIGHTS_COMMANDS = [
  'set', 'del', 'exists', 'hgetall', 'zrange',
  'client|setname', 'info',
  'cluster|slots', 'cluster|info', 'asking',
];

/** The data-subject rights' user: `customer:*` and `erased:*` keys (src/private/subject-contract.ts). */
export const RIGHTS_USER: CacheUserAccess = {
  userName: 'lgpd-rights',
  accessString: `on ~customer:* ~erased:* -@all ${RIGHTS_COMMANDS.map(c => `+${c}`).join(' ')}`,
};

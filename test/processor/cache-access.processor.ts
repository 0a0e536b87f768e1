/**
 * The pipeline's Redis users, with the access strings the template gives ElastiCache
 * (src/private/cache-access.ts), set on a real Redis 7.0 with ACL SETUSER (support/processor-harness/stores.ts): the
 * processor, signed in as its user, does its job and nothing else; the user group's `default` user
 * can do nothing; and the AUTH token option still works.
 *
 * What this cannot prove: that ElastiCache accepts these access strings (it takes Redis's syntax, but
 * only a deploy shows that it takes these), and Valkey or Redis 6.2, which are not installed here;
 * the strings use no rule newer than Redis 6.2.
 */
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { DEFAULT_USER, PROCESSOR_USER } from '../../src/private/cache-access';
import { LambdaEnvironment } from '../../support/processor-harness/environment';
import { expectedCache, kinesisEvent, kinesisRecord, transactions } from '../../support/processor-harness/events';
import { REDIS_PORT, setUser, Stores } from '../../support/processor-harness/stores';
import { storesForEachTest } from '../../support/processor-harness/suite';

let stores: Stores;
const environments = storesForEachTest(started => { stores = started; });

beforeEach(async () => {
  await stores.redis.admin(r => r.call('ACL', 'LOG', 'RESET'));
});

async function environment(overrides: Record<string, string | undefined> = {}): Promise<LambdaEnvironment> {
  const env = await LambdaEnvironment.start(stores.processorEnv(overrides));
  environments.push(env);
  return env;
}

/** A client signed in as `user` with `password` (the caller disconnects it). */
function signedIn(user: string | undefined, password: string | undefined): Redis {
  return new Redis(REDIS_PORT, '127.0.0.1', {
    username: user,
    password,
    tls: { ca: readFileSync(stores.redisAuthority.caFile, 'utf8') },
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: false,
    lazyConnect: true,
  }).on('error', () => undefined);
}

/** The error code (first word of the reply) of a command, or 'OK' when it was run. */
async function outcomeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'OK';
  } catch (e) {
    return String((e as Error).message).split(' ')[0];
  }
}

describe('the processor\'s Redis user, with the template\'s access string', () => {
  test('runs the processor\'s script on its own keys: a batch is stored, and Redis refused nothing it sent (its ACL LOG is empty)', async () => {
    const env = await environment();
    const payloads = transactions('acl', 30, 5);
    expect(await env.invokeOk(kinesisEvent(payloads.map(p => kinesisRecord(p, p.customerId))))).toEqual({ batchItemFailures: [] });

    const clients = await stores.redis.admin(r => r.client('LIST') as Promise<string>);
    expect(clients).toMatch(new RegExp(`name=lgpd-transaction-processor .*user=${PROCESSOR_USER.userName}`));
    const keys = await stores.redis.admin(r => r.keys('*'));
    expect(keys.filter(k => k.startsWith('customer:')).sort())
      .toEqual([...expectedCache(payloads).keys()].flatMap(c => [stores.keysOf(c).hash, stores.keysOf(c).transactions]).sort());
    // And the bookkeeping of the cache's convergence after a failover (the marker, the epoch): nothing else.
    expect(keys.filter(k => !k.startsWith('customer:')).sort()).toEqual(['lgpd:cache:applied', 'lgpd:cache:epoch']);
    expect(await stores.redis.admin(r => r.call('ACL', 'LOG'))).toEqual([]);
  });

  test('gets NOPERM for FLUSHALL, FLUSHDB, CONFIG, KEYS, SCAN, DEL, SCRIPT FLUSH, ACL, CLIENT KILL, SHUTDOWN, and for keys outside customer:* and lgpd:cache:*, even from its own script', async () => {
    const env = await environment();
    await env.invokeOk(kinesisEvent(transactions('keep', 5, 1).map(p => kinesisRecord(p, p.customerId))));
    await stores.redis.admin(r => r.set('session:42', 'someone else\'s'));
    const before = await stores.redis.admin(r => r.dbsize());

    const user = signedIn(PROCESSOR_USER.userName, stores.redis.processorPassword);
    try {
      await user.connect();
      const ownScript = 'return redis.call("HSET", KEYS[1], "f", "v")';
      const results = {
        'FLUSHALL': await outcomeOf(() => user.flushall()),
        'FLUSHDB': await outcomeOf(() => user.flushdb()),
        'CONFIG GET': await outcomeOf(() => user.config('GET', '*')),
        'CONFIG SET': await outcomeOf(() => user.config('SET', 'maxmemory', '1')),
        'KEYS': await outcomeOf(() => user.keys('*')),
        'SCAN': await outcomeOf(() => user.scan(0)),
        'DEL customer:{keep-c0}': await outcomeOf(() => user.del('customer:{keep-c0}')),
        'SCRIPT FLUSH': await outcomeOf(() => user.script('FLUSH')),
        'ACL LIST': await outcomeOf(() => user.call('ACL', 'LIST')),
        'CLIENT KILL': await outcomeOf(() => user.client('KILL', 'TYPE', 'normal')),
        'SHUTDOWN': await outcomeOf(() => user.call('SHUTDOWN')),
        'GET session:42': await outcomeOf(() => user.get('session:42')),
        'HSET session:43': await outcomeOf(() => user.hset('session:43', 'f', 'v')),
        'EVAL on session:42': await outcomeOf(() => user.eval(ownScript, 1, 'session:42')),
      };
      expect(results).toEqual(Object.fromEntries(Object.keys(results).map(k => [k, 'NOPERM'])));
      // And what it is for still works: its commands on its own keys.
      expect(await outcomeOf(() => user.eval(ownScript, 1, 'customer:{keep-c0}:scratch'))).toBe('OK');
    } finally {
      user.disconnect();
    }
    expect(await stores.redis.admin(r => r.dbsize())).toBe(before + 1);
    expect(await stores.redis.admin(r => r.get('session:42'))).toBe('someone else\'s');
  });

  test('with the AUTH token option (CACHE_USER unset) the processor signs in with the token and stores a batch', async () => {
    const env = await environment({ CACHE_USER: undefined, CACHE_AUTH_SECRET_ARN: stores.cacheTokenSecretArn });
    const payloads = transactions('token', 10, 2);
    expect(await env.invokeOk(kinesisEvent(payloads.map(p => kinesisRecord(p, p.customerId))))).toEqual({ batchItemFailures: [] });
    const clients = await stores.redis.admin(r => r.client('LIST') as Promise<string>);
    expect(clients).toMatch(/name=lgpd-transaction-processor .*user=default/);
  });
});

describe('the user group\'s default user, with the template\'s access string', () => {
  test('can do nothing: a connection that has not signed in gets NOAUTH, and no one can sign in as default', async () => {
    // An administrator for the test itself, before default is switched off.
    const admin = { userName: 'lgpd-test-admin', accessString: 'on ~* &* +@all' };
    await stores.redis.admin(r => setUser(r, admin, 'admin-password-for-the-test'));
    const adminClient = signedIn(admin.userName, 'admin-password-for-the-test');
    await adminClient.connect();
    try {
      await adminClient.call('ACL', 'SETUSER', DEFAULT_USER.userName, ...DEFAULT_USER.accessString.split(' '));

      const anonymous = signedIn(undefined, undefined);
      try {
        await anonymous.connect();
        expect(await outcomeOf(() => anonymous.ping())).toBe('NOAUTH');
        expect(await outcomeOf(() => anonymous.get('customer:{x}'))).toBe('NOAUTH');
        // Both ways a client signs in as default, with the password that was default's: `AUTH <user> <password>`,
        // and `AUTH <password>` (what a client without a user name sends).
        expect(await outcomeOf(() => anonymous.call('AUTH', 'default', stores.redis.token))).toBe('WRONGPASS');
        expect(await outcomeOf(() => anonymous.call('AUTH', stores.redis.token))).toBe('WRONGPASS');
        expect(await outcomeOf(() => anonymous.ping())).toBe('NOAUTH');
      } finally {
        anonymous.disconnect();
      }
    } finally {
      // Back as the harness runs it: default on, with the token.
      await adminClient.call('ACL', 'SETUSER', 'default', 'on', '~*', '&*', '+@all');
      await adminClient.call('ACL', 'DELUSER', admin.userName);
      adminClient.disconnect();
    }
  });
});

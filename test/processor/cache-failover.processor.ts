/**
 * The cache converges on PostgreSQL after a failover: the bundled processor against real PostgreSQL 17
 * and a model of an ElastiCache replication group with Multi-AZ (support/processor-harness/failover.ts: a primary and an
 * asynchronous replica 10 ms behind it, behind a relay that stands for the primary endpoint).
 *
 * Each failover comes right after a batch was acknowledged: the primary is killed, so that batch's
 * updates (applied on the primary within the last 10 ms) never reach the replica, which is promoted.
 * The test first shows that the promoted replica lacks acknowledged updates (the loss the model is for),
 * then that the first invocation after the promotion repairs it (docs/processor.md, "The cache after a
 * failover"): when it returns, every customer's state in Redis equals what PostgreSQL holds. That is the
 * convergence time the docs state; the test measures it from the promotion.
 *
 * How a failover is signalled, by AWS's documentation (ElastiCache User Guide, "Minimizing downtime in
 * ElastiCache for Redis with Multi-AZ" and "Event notifications"): the replica with the least lag is
 * promoted and the primary endpoint's DNS name moves to it, so a client's connection breaks and its
 * next one reaches the new primary; ElastiCache records the event `ElastiCache:FailoverComplete`
 * (SNS, DescribeEvents). The processor does not rely on the event: it sees the new node's replication
 * history (Redis's `master_replid`, new on every promotion and restart) when it reconnects.
 *
 * What the model cannot prove: see support/processor-harness/failover.ts (ElastiCache's detection and promotion timing,
 * DNS propagation, several replicas, cluster mode's per-shard failovers, ElastiCache's engine build);
 * and a lag longer than the repair margin before the failover, which the model does not produce.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import Redis from 'ioredis';
import { LambdaEnvironment } from '../../support/processor-harness/environment';
import { expectedCache, kinesisEvent, kinesisRecord, transactions, type TransactionPayload } from '../../support/processor-harness/events';
import { ReplicatedRedis } from '../../support/processor-harness/failover';
import { Stores } from '../../support/processor-harness/stores';
import { storesForEachTest } from '../../support/processor-harness/suite';

let stores: Stores;
let group: ReplicatedRedis | undefined;
const environments = storesForEachTest(started => { stores = started; });

afterAll(async () => {
  await group?.stop();
}, 60_000);

function records(payloads: readonly TransactionPayload[]): KinesisStreamRecord[] {
  return payloads.map(p => kinesisRecord(p, p.customerId));
}

/** Customers whose state on the node behind the primary endpoint differs from what `payloads` imply. */
async function customersDiffering(payloads: readonly TransactionPayload[]): Promise<number> {
  const expected = expectedCache(payloads);
  return group!.onPrimary(async (r: Redis) => {
    let differing = 0;
    for (const [customerId, customer] of expected) {
      const keys = stores.keysOf(customerId);
      const [hash, members] = await Promise.all([r.hgetall(keys.hash), r.zrange(keys.transactions, 0, -1)]);
      const same = JSON.stringify(hash) === JSON.stringify(customer.last)
        && JSON.stringify([...members].sort()) === JSON.stringify(customer.transactionIds);
      if (!same) differing++;
    }
    return differing;
  });
}

let promotedAt = 0;

describe('the cache after a failover (a primary and an asynchronous replica 10 ms behind, behind a primary endpoint)', () => {
  test('three failovers, each right after an acknowledged batch: the promoted replica lacks that batch, and when the next invocation returns every customer\'s state equals PostgreSQL\'s', async () => {
    group = await ReplicatedRedis.start(stores.dir, stores.redisAuthority, 10);
    const secret = await stores.createSecret('pipeline/failover-auth', group.processorPassword);
    const env = await LambdaEnvironment.start(stores.processorEnv({ CACHE_PORT: String(group.port), CACHE_AUTH_SECRET_ARN: secret }));
    environments.push(env);
    const payloads = transactions('failover', 4000, 200);
    const batches: TransactionPayload[][] = [];
    for (let i = 0; i < payloads.length; i += 100) batches.push(payloads.slice(i, i + 100));

    const failovers: Array<{ lostCustomers: number; convergedMs: number }> = [];
    for (const [i, batch] of batches.entries()) {
      const failingOver = (i + 1) % 10 === 0 && group.failovers < 3;
      // The primary dies the moment the batch is acknowledged.
      const outcome = await env.invoke(kinesisEvent(records(batch)), failingOver ? () => group!.killPrimary() : undefined);
      expect(outcome).toMatchObject({ ok: true });
      const applied = payloads.slice(0, (i + 1) * 100);
      if (failovers.length > 0 && failovers.at(-1)!.convergedMs < 0) {
        // The first invocation after the promotion has returned: converged.
        failovers.at(-1)!.convergedMs = Date.now() - promotedAt;
        expect(await customersDiffering(applied)).toBe(0);
        await group.replaced();
      }
      if (failingOver) {
        promotedAt = await group.failover();
        failovers.push({ lostCustomers: await customersDiffering(applied), convergedMs: -1 });
      }
    }

    expect(failovers).toHaveLength(3);
    for (const f of failovers) {
      // The model loses acknowledged updates (without them this test would prove nothing) ...
      expect(f.lostCustomers).toBeGreaterThan(0);
      // ... and the first invocation after the promotion, within its 5 s timeout, puts them back.
      expect(f.convergedMs).toBeGreaterThan(0);
      expect(f.convergedMs).toBeLessThan(env.timeoutMs);
    }
    const stored = await stores.query<{ n: string; ids: string }>('SELECT count(*) AS n, count(DISTINCT transaction_id) AS ids FROM transactions');
    expect(stored).toEqual([{ n: String(payloads.length), ids: String(payloads.length) }]);
    expect(await customersDiffering(payloads)).toBe(0);
    expect(env.logged('cache-repaired').length).toBeGreaterThanOrEqual(3);
    console.log(`cache failover model: lag ${group.lagMs} ms; customers lost then repaired, and ms from promotion to convergence: ${JSON.stringify(failovers)}`);
  }, 120_000);

  test('a batch of transactions PostgreSQL stored more than REPAIR_MARGIN_MS earlier is acknowledged once the replica has it (WAIT); with the replica down it is still acknowledged, after REPLICA_WAIT_MS, and logged', async () => {
    await stores.query('TRUNCATE transactions');
    group ??= await ReplicatedRedis.start(stores.dir, stores.redisAuthority, 10);
    await group.replaced();
    const secret = await stores.createSecret('pipeline/failover-auth-2', group.processorPassword);
    const env = await LambdaEnvironment.start(stores.processorEnv({ CACHE_PORT: String(group.port), CACHE_AUTH_SECRET_ARN: secret }));
    environments.push(env);
    const payloads = transactions('late', 40, 5);
    const event = kinesisEvent(records(payloads));
    await env.invokeOk(event);
    // As if PostgreSQL had stored them two minutes ago and the batch were retried now.
    await stores.query("UPDATE transactions SET stored_at = stored_at - interval '2 minutes'");

    const waits = () => group!.onPrimary(async r => Number(/cmdstat_wait:calls=(\d+)/.exec(await r.info('commandstats'))?.[1] ?? 0));
    const waitsBefore = await waits();
    const withReplica = await env.invoke(event);
    const waitsWithReplica = await waits();
    await group.stopReplica();
    const withoutReplica = await env.invoke(event);

    expect(withReplica).toMatchObject({ ok: true });
    expect(withoutReplica).toMatchObject({ ok: true });
    // With the replica there, WAIT (sent once) returns as soon as it has the batch; without, it gives
    // up after 500 ms and says so.
    expect(waitsWithReplica - waitsBefore).toBe(1);
    expect(withReplica.ms).toBeLessThan(400);
    expect(withoutReplica.ms).toBeGreaterThanOrEqual(500);
    expect(env.logged('cache-unreplicated')).toEqual([expect.objectContaining({ transactions: 40, waitedMs: 500 })]);
    expect(await customersDiffering(payloads)).toBe(0);
  }, 60_000);
});

/**
 * Data-subject rights as built (assets/handlers/rights-requests, rights-worker), with the environment the
 * construct synthesizes, against real stores started here on 127.0.0.1: PostgreSQL 17 with every
 * migration (0002 and after) applied as the schema runner applies it, Redis (TLS, AUTH), and moto's server for Secrets Manager and S3.
 * The workflow is the synthesized state machine, run by aws-local-stepfunctions with its Task states bound
 * to the worker (support/rights-harness/local-workflow.ts says what a local run cannot prove).
 *
 * What the emulators cannot prove, and so is not proven here:
 * - moto (Secrets Manager, S3): IAM (moto accepts any credentials: the policy simulator tests the roles),
 *   KMS encryption of the secrets and of the export objects (moto stores them as given), the bucket's
 *   lifecycle and its TLS-only policy (the template tests assert them), and the VPC endpoints' path.
 * - IAM database authentication: the rights role signs in here with a password secret (DB_SECRET_ARN);
 *   that RDS accepts its IAM token is not provable against a local PostgreSQL.
 *
 * Run with `npx projen test:rights` (CI runs it; scripts/install/processor.sh and rights.sh install the tools).
 */
import { randomUUID } from 'node:crypto';
import { RightsRig } from '../../support/rights-harness/rig';
import { RightsStores } from '../../support/rights-harness/rights-stores';
import { rightsForEachTest } from '../../support/rights-harness/suite';

let stores: RightsStores;
let rig: RightsRig;
rightsForEachTest((s, r) => { stores = s; rig = r; });

/** Rows as the fenced processor stores them (the processor's own path is tested in fence.rights.ts). */
async function storeTransactions(customerId: string, rows: number, tag = customerId): Promise<void> {
  await stores.asOwner(c => c.query(`INSERT INTO transactions (transaction_id, customer_id, customer_hash, amount, currency, occurred_at, shard_id, sequence_number)
    SELECT $1 || '-tx-' || i, $2, $3, (i % 500) + 0.5, 'BRL', timestamptz '2026-03-01T12:00:00Z' + make_interval(secs => i), 'shardId-000000000000', (1000 + i)::text
    FROM generate_series(1, $4) AS i`, [tag, customerId, stores.hash(customerId), rows]));
}

/** The cache entries the processor keeps of a customer. */
async function cacheCustomer(customerId: string): Promise<void> {
  const h = stores.hash(customerId);
  await stores.stores.redis.admin(async r => {
    await r.hset(`customer:{${h}}`, 'lastTransactionId', `${customerId}-tx-1`, 'lastAmount', '1.50', 'lastCurrency', 'BRL', 'lastTimestamp', '2026-03-01T12:00:01.000000Z');
    await r.zadd(`customer:{${h}}:transactions`, 1772366401000, `${customerId}-tx-1`);
  });
}

async function count(table: string, where = 'true', values: unknown[] = []): Promise<number> {
  return Number((await stores.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, values))[0].n);
}

async function cacheKeys(): Promise<string[]> {
  return (await stores.stores.redis.admin(r => r.keys('*'))).sort();
}

async function auditEvents(requestId: string): Promise<Array<{ event: string; detail: any }>> {
  return stores.query('SELECT event, detail FROM lgpd_rights_audit WHERE request_id = $1 ORDER BY seq', [requestId]);
}

describe('requests', () => {
  test('CONFIRM answers at once whether data exists, its categories, counts and since when, and is recorded and audited', async () => {
    await storeTransactions('cust-4821', 3);
    await cacheCustomer('cust-4821');
    const answer = await rig.submit({ type: 'CONFIRM', customerId: 'cust-4821', reference: 'TICKET-1' });
    expect(answer).toMatchObject({
      type: 'CONFIRM',
      subjectHasData: true,
      erased: false,
      categories: [
        { category: 'transactions', store: 'PostgreSQL', count: 3, since: '2026-03-01T12:00:01.000Z', until: '2026-03-01T12:00:03.000Z' },
        { category: 'customerState', count: 1 },
      ],
    });
    expect(answer.requestId).toMatch(/^confirm-[0-9a-f-]{36}$/);
    expect(await stores.query('SELECT type, status, subject_hash, reference FROM lgpd_rights_requests'))
      .toEqual([{ type: 'CONFIRM', status: 'COMPLETED', subject_hash: stores.hash('cust-4821'), reference: 'TICKET-1' }]);
    expect((await auditEvents(answer.requestId)).map(a => a.event)).toEqual(['confirmed']);

    const none = await rig.submit({ type: 'CONFIRM', customerId: 'cust-nobody' });
    expect(none).toMatchObject({ subjectHasData: false, categories: [{ category: 'transactions', count: 0, since: null }, { category: 'customerState', count: 0 }] });
  });

  test.each([
    ['not an object', 'ERASE', /must be a JSON object/],
    ['an unknown type', { type: 'DELETE', customerId: 'cust-1' }, /type must be one of CONFIRM, ACCESS, ERASE, STATUS/],
    ['a customer id that breaks the schema', { type: 'ERASE', customerId: 'cust 1; DROP TABLE' }, /customerId must be 1-64 characters/],
    ['an unknown field', { type: 'ACCESS', customerId: 'cust-1', name: 'Maria' }, /unknown field\(s\): "name"/],
    ['a reference with spaces', { type: 'ACCESS', customerId: 'cust-1', reference: 'maria silva' }, /reference, when given, must be/],
    ['a malformed request id', { type: 'STATUS', requestId: 'erase-1' }, /requestId must be a request id/],
  ])('bad input (%s) gets a clear error and records nothing', async (_, request, message) => {
    const answer = await rig.requests.invokeOk(request);
    expect(answer).toEqual({ error: 'INVALID_REQUEST', message: expect.stringMatching(message) });
    expect(JSON.stringify(answer)).not.toContain('DROP TABLE');
    expect(await count('lgpd_rights_requests')).toBe(0);
    expect(await count('lgpd_rights_audit')).toBe(0);
    expect(rig.workflow.executions.size).toBe(0);
  });

  test('ACCESS records the request, runs the synthesized workflow with the request id alone, and writes the export; STATUS answers with it', async () => {
    await storeTransactions('cust-7', 4);
    await cacheCustomer('cust-7');
    await storeTransactions('cust-8', 2);
    const answer = await rig.submit({ type: 'ACCESS', customerId: 'cust-7' });
    expect(answer).toEqual({ requestId: expect.stringMatching(/^access-/), type: 'ACCESS', status: 'RECEIVED', receivedAt: expect.any(String), dueAt: expect.any(String) });
    expect(Date.parse(answer.dueAt) - Date.parse(answer.receivedAt)).toBe(15 * 86_400_000);

    const execution = await rig.workflow.settled(answer.requestId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.events.filter(e => e.type === 'StateEntered').map(e => e.state.name)).toEqual(['AccessOrErasure', 'Export', 'Answered']);

    const exported = await stores.readExport(`exports/${answer.requestId}.json`);
    expect(exported).toMatchObject({
      format: 'lgpd-data-subject-export/1',
      requestId: answer.requestId,
      declaration: {
        controller: 'FastShop Comércio Ltda., dpo@fastshop.example',
        origin: expect.any(String),
        purposes: [expect.any(String)],
        criteria: expect.any(String),
        recipients: [],
        existence: true,
      },
      subject: { customerIds: ['cust-7'], erased: false },
      data: { customerState: { lastTransactionId: 'cust-7-tx-1', recentTransactions: [{ transactionId: 'cust-7-tx-1', at: '2026-03-01T12:00:01.000Z' }] } },
    });
    expect(exported.data.transactions.map((t: any) => t.transactionId)).toEqual(['cust-7-tx-1', 'cust-7-tx-2', 'cust-7-tx-3', 'cust-7-tx-4']);
    expect(exported.data.transactions[0]).toEqual({ transactionId: 'cust-7-tx-1', amount: '1.50', currency: 'BRL', occurredAt: '2026-03-01T12:00:01.000Z', storedAt: expect.any(String) });

    const status = await rig.requests.invokeOk({ type: 'STATUS', requestId: answer.requestId });
    expect(status).toMatchObject({
      requestId: answer.requestId,
      type: 'ACCESS',
      status: 'COMPLETED',
      answer: { export: { bucket: 'lgpd-rights-exports-test', key: `exports/${answer.requestId}.json`, expiresAt: expect.any(String) }, transactions: 4 },
    });
    expect(Date.parse(status.answer.export.expiresAt) - Date.parse(status.completedAt)).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect((await auditEvents(answer.requestId)).map(a => a.event)).toEqual(['received', 'exported']);
  });
});

describe('erasure', () => {
  test('ERASE fences first, then deletes, sweeps and verifies both stores; the answer names each residual copy with its date; B is untouched', async () => {
    await storeTransactions('cust-a', 5);
    await cacheCustomer('cust-a');
    await storeTransactions('cust-b', 3);
    await cacheCustomer('cust-b');
    const earlierAccess = await rig.submit({ type: 'ACCESS', customerId: 'cust-a' });
    expect(await stores.exportKeys()).toEqual([`exports/${earlierAccess.requestId}.json`]);

    const answer = await rig.submit({ type: 'ERASE', customerId: 'cust-a' });
    const execution = await rig.workflow.settled(answer.requestId);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.events.filter(e => e.type === 'StateEntered').map(e => e.state.name))
      .toEqual(['AccessOrErasure', 'Fence', 'Erase', 'WaitForInFlightBatches', 'Sweep', 'Answered']);

    const a = stores.hash('cust-a');
    expect(await count('transactions', 'customer_hash = $1', [a])).toBe(0);
    expect(await count('transactions', 'customer_id = $1', ['cust-b'])).toBe(3);
    expect(await stores.query('SELECT subject_hash, request_id FROM lgpd_erased_subjects')).toEqual([{ subject_hash: a, request_id: answer.requestId }]);
    const b = stores.hash('cust-b');
    expect(await cacheKeys()).toEqual([`customer:{${b}}`, `customer:{${b}}:transactions`, `erased:{${a}}`].sort());
    const ttl = await stores.stores.redis.admin(r => r.ttl(`erased:{${a}}`));
    // The TTL the construct computed from the template (the stream's retention + the processor's maximum
    // record age and timeout: test/rights.test.ts), as the worker set it.
    const configured = Number(rig.deployment.variables['lgpd-rights-dev-rights-worker'].RIGHTS_TOMBSTONE_TTL_SECONDS);
    expect(configured).toBeGreaterThan(86_400);
    expect(ttl).toBeGreaterThan(configured - 30);
    expect(ttl).toBeLessThanOrEqual(configured);
    expect(await stores.exportKeys()).toEqual([]);

    const status = await rig.requests.invokeOk({ type: 'STATUS', requestId: answer.requestId });
    expect(status).toMatchObject({ status: 'COMPLETED', answer: { mode: 'DELETE', alreadyErased: false, deleted: { transactions: 5, cacheKeys: 2, exports: 1 }, swept: { transactions: 0, cacheKeys: 0 } } });
    const copies = status.answer.residualCopies as Array<{ copy: string; location: string; removedBy: string }>;
    expect(copies.map(c => c.copy)).toEqual(['stream', 'database-backups', 'cache-snapshots', 'log-groups', 'quarantine-queue', 'export-bucket']);
    const after = (copy: string) => (Date.parse(copies.find(c => c.copy === copy)!.removedBy) - Date.parse(status.answer.verifiedAt)) / 86_400_000;
    expect(['stream', 'database-backups', 'cache-snapshots', 'log-groups', 'quarantine-queue', 'export-bucket'].map(after)).toEqual([1, 7, 15, 365, 14, 7]);
    expect(copies.find(c => c.copy === 'quarantine-queue')!.location).toBe('SQS queue lgpd-processor-dev-processor-quarantine');
    expect(copies[0].location).toBe('Kinesis stream lgpd-transactions-dev');
    expect((await auditEvents(answer.requestId)).map(e => e.event)).toEqual(['received', 'fenced', 'erased', 'completed']);
  });

  test('erasure is exact: erasing "12" leaves "123" and "012" in both stores', async () => {
    for (const id of ['12', '123', '012']) {
      await storeTransactions(id, 2, `c${id}`);
      await cacheCustomer(id);
    }
    await rig.submit({ type: 'ERASE', customerId: '12' });
    expect(await stores.query('SELECT customer_id, count(*)::int AS n FROM transactions GROUP BY 1 ORDER BY 1')).toEqual([{ customer_id: '012', n: 2 }, { customer_id: '123', n: 2 }]);
    const keys = await cacheKeys();
    for (const id of ['123', '012']) expect(keys).toEqual(expect.arrayContaining([`customer:{${stores.hash(id)}}`, `customer:{${stores.hash(id)}}:transactions`]));
    expect(keys.filter(k => k.includes(stores.hash('12')))).toEqual([`erased:{${stores.hash('12')}}`]);
  });

  test('a direct INSERT of an erased subject\'s row is dropped, and a row without a keyed hash, or with a malformed one, is refused', async () => {
    await storeTransactions('cust-gone', 1);
    await rig.submit({ type: 'ERASE', customerId: 'cust-gone' });
    // The table's fence, not the processor's (whose insert leaves such rows out itself): whoever inserts
    // it, the row is gone when the statement ends.
    await stores.asOwner(c => c.query(`INSERT INTO transactions (transaction_id, customer_id, customer_hash, amount, currency, occurred_at, shard_id, sequence_number)
      VALUES ('late-1', 'cust-gone', $1, 9.99, 'BRL', now(), 'shardId-000000000000', '1')`, [stores.hash('cust-gone')]));
    expect(await count('transactions', 'transaction_id = $1', ['late-1'])).toBe(0);
    await expect(stores.asOwner(c => c.query(`INSERT INTO transactions (transaction_id, customer_id, amount, currency, occurred_at, shard_id, sequence_number)
      VALUES ('late-2', 'cust-gone', 9.99, 'BRL', now(), 'shardId-000000000000', '2')`))).rejects.toMatchObject({ code: '23502', message: expect.stringMatching(/customer_hash must be the subject's keyed hash/) });
    await expect(stores.asOwner(c => c.query(`INSERT INTO transactions (transaction_id, customer_id, customer_hash, amount, currency, occurred_at, shard_id, sequence_number)
      VALUES ('late-3', 'cust-gone', 'cust-gone', 9.99, 'BRL', now(), 'shardId-000000000000', '3')`))).rejects.toMatchObject({ code: '23514' });
    expect(await count('transactions', 'customer_id = $1', ['cust-gone'])).toBe(0);
  });

  test('a worker killed between the two stores (PostgreSQL fenced, Redis not yet), then retried, completes', async () => {
    await storeTransactions('cust-k', 3);
    await cacheCustomer('cust-k');
    const h = stores.hash('cust-k');
    const requestId = `erase-${randomUUID()}`;
    // The request as the request function records it, without starting the workflow: the steps are run by hand.
    await stores.asRights(c => c.query('INSERT INTO lgpd_rights_requests (request_id, type, subject_hash, due_at, status) VALUES ($1, \'ERASE\', $2, now() + interval \'15 days\', \'RECEIVED\')', [requestId, h]));
    const doomed = await rig.start('rights-worker', 'lgpd-rights-dev-rights-worker');
    const redisPid = Number((await stores.stores.redis.admin(r => r.info('server'))).match(/process_id:(\d+)/)![1]);
    process.kill(redisPid, 'SIGSTOP');
    let fenced = false;
    try {
      const running = doomed.invoke({ requestId, step: 'fence' });
      for (let i = 0; i < 200 && !fenced; i++) {
        fenced = (await count('lgpd_erased_subjects', 'subject_hash = $1', [h])) === 1;
        if (!fenced) await new Promise(resolve => setTimeout(resolve, 25));
      }
      await doomed.kill();
      await running;
    } finally {
      process.kill(redisPid, 'SIGCONT');
    }
    expect(fenced).toBe(true);
    expect(await stores.stores.redis.admin(r => r.exists(`erased:{${h}}`))).toBe(0);
    expect((await auditEvents(requestId)).map(e => e.event)).toEqual([]);

    const retry = await rig.start('rights-worker', 'lgpd-rights-dev-rights-worker');
    for (const step of ['fence', 'erase', 'sweep']) await retry.invokeOk({ requestId, step });
    expect(await stores.stores.redis.admin(r => r.exists(`erased:{${h}}`))).toBe(1);
    expect(await count('transactions', 'customer_hash = $1', [h])).toBe(0);
    expect(await stores.query('SELECT status, answer->>\'alreadyErased\' AS already FROM lgpd_rights_requests WHERE request_id = $1', [requestId]))
      .toEqual([{ status: 'COMPLETED', already: 'false' }]);
    expect((await auditEvents(requestId)).map(e => e.event)).toEqual(['fenced', 'erased', 'completed']);
  });

  test('a repeated erasure is an audited no-op', async () => {
    await storeTransactions('cust-r', 2);
    const first = await rig.submit({ type: 'ERASE', customerId: 'cust-r' });
    const second = await rig.submit({ type: 'ERASE', customerId: 'cust-r' });
    expect((await rig.workflow.settled(second.requestId)).status).toBe('SUCCEEDED');
    const status = await rig.requests.invokeOk({ type: 'STATUS', requestId: second.requestId });
    expect(status.answer).toMatchObject({
      alreadyErased: true, erasedBy: first.requestId, deleted: { transactions: 0, cacheKeys: 0 }, swept: { transactions: 0, cacheKeys: 0 },
    });
    expect(await auditEvents(second.requestId)).toEqual([
      { event: 'received', detail: expect.objectContaining({ type: 'ERASE' }) },
      { event: 'fenced', detail: expect.objectContaining({ alreadyErased: true }) },
      { event: 'erased', detail: expect.objectContaining({ transactions: 0, cacheKeys: 0 }) },
      { event: 'completed', detail: expect.objectContaining({ alreadyErased: true, verified: true }) },
    ]);
    expect(await stores.query('SELECT request_id FROM lgpd_erased_subjects')).toEqual([{ request_id: first.requestId }]);
  });
});

describe('the audit record', () => {
  test('the rights role may only INSERT: UPDATE and DELETE are refused (42501), and so is TRUNCATE even for the owner', async () => {
    await rig.submit({ type: 'CONFIRM', customerId: 'cust-x' });
    await expect(stores.asRights(c => c.query("UPDATE lgpd_rights_audit SET event = 'x'"))).rejects.toMatchObject({ code: '42501' });
    await expect(stores.asRights(c => c.query('DELETE FROM lgpd_rights_audit'))).rejects.toMatchObject({ code: '42501' });
    await expect(stores.asRights(c => c.query('SELECT * FROM lgpd_rights_audit'))).rejects.toMatchObject({ code: '42501' });
    await expect(stores.asOwner(c => c.query('DELETE FROM lgpd_rights_audit'))).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/append-only: DELETE refused/) });
    await expect(stores.asOwner(c => c.query('TRUNCATE lgpd_rights_audit'))).rejects.toMatchObject({ code: '42501' });
    expect(await count('lgpd_rights_audit')).toBe(1);
  });

  test('it holds keyed hashes only, chained: changing one byte of a row breaks the chain check at that row', async () => {
    for (const id of ['cust-1', 'cust-2', 'cust-3']) await rig.submit({ type: 'CONFIRM', customerId: id });
    await rig.submit({ type: 'ERASE', customerId: 'cust-2' });
    const verify = () => stores.asRights(async c => (await c.query('SELECT rows_checked::int AS rows, first_broken_seq::int AS broken FROM lgpd_rights_audit_verify()')).rows[0]);
    expect(await verify()).toEqual({ rows: 7, broken: null });
    const audit = JSON.stringify(await stores.query('SELECT * FROM lgpd_rights_audit'));
    for (const id of ['cust-1', 'cust-2', 'cust-3']) expect(audit).not.toContain(id);

    // Tampering as only a superuser could (the table's triggers off): one byte of row 5's detail.
    await stores.stores.postgres.admin(async c => {
      await c.query('SET session_replication_role = replica');
      await c.query("UPDATE lgpd_rights_audit SET detail = jsonb_set(detail, '{alreadyErased}', 'true') WHERE seq = 5");
    }, 'pipeline');
    expect(await verify()).toEqual({ rows: 7, broken: 5 });
  });
});

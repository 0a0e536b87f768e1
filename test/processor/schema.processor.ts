/**
 * The database schema made at deploy time, against PostgreSQL 17 started here (support/processor-harness/stores.ts):
 * the bundled migration function (assets/handlers/schema-migrations, `index.handler`) signs in as a
 * stand-in for the RDS master user (CREATEROLE and owner of the database, not a superuser) and applies
 * the migrations; the bundled custom resource function (`index.onEvent`) invokes it and answers
 * CloudFormation. Then the processor's role is tried: what it may do, what it is refused, and that the
 * processor still stores a batch with it.
 *
 * What these tests cannot prove, and so do not claim:
 * - That RDS accepts an IAM token for the processor's role: `rds_iam` here is an empty role made by the
 *   harness, so the IAM test shows only that the role is a member of it and has no password. Only RDS
 *   checks a token (docs/first-deploy.md says how to see it on a deployed pipeline).
 * - The Lambda API: the custom resource function reaches the migration function through a stand-in for
 *   Lambda's Invoke (an HTTP server below that runs the bundle), so neither lambda:InvokeFunction nor the
 *   network path is tried; the IAM policies are evaluated in test/policy/.
 * - CloudFormation: the answer is PUT to an HTTPS server of this test (with a certificate from a CA made
 *   for the run), as CloudFormation's pre-signed S3 URL would take it.
 * - The RDS master user's exact rights (rds_superuser): the stand-in has what the migrations use.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { ADVISORY_LOCK_KEY, loadMigrations, migrate } from '../../handlers/schema-migrations/migrate';
import { makeAuthority } from '../../support/processor-harness/certificates';
import { LambdaEnvironment, SCHEMA_BUNDLE } from '../../support/processor-harness/environment';
import { kinesisEvent, kinesisRecord, transactions } from '../../support/processor-harness/events';
import { APP_USER, MASTER_USER, POSTGRES_PORT, Stores } from '../../support/processor-harness/stores';
import { storesForEachTest } from '../../support/processor-harness/suite';

const MIGRATIONS = join(__dirname, '..', '..', 'handlers', 'schema-migrations', 'migrations');
const FIRST = '0001_transactions_and_processor_role.sql';
/** Data-subject rights (handlers/schema-migrations/migrations/0002_data_subject_rights.sql, test/rights/). */
const SECOND = '0002_data_subject_rights.sql';
/** The fence of the transactions table per statement instead of per row (0003_fence_per_statement.sql). */
const THIRD = '0003_fence_per_statement.sql';
/** What a run from an empty database applies, and the version it reports. */
const ALL = `${FIRST},${SECOND},${THIRD}`;
const LATEST = '0003';

let stores: Stores;
const databases: string[] = [];
// The migrations are what these tests run: the stores start without them, and each test makes its own database.
const environments = storesForEachTest(started => { stores = started; }, { migrate: false, reset: false });

/**
 * A new, empty database owned by the master user. Roles belong to the whole server, so the
 * processor's role and the databases of earlier tests are dropped first: each test starts as a new
 * RDS instance would.
 */
async function freshDatabase(): Promise<string> {
  const name = `schema_${databases.length + 1}`;
  await stores.postgres.admin(async c => {
    for (const db of databases) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${APP_USER}`);
    await c.query('DROP ROLE IF EXISTS lgpd_rights');
    await c.query(`CREATE DATABASE ${name} OWNER ${MASTER_USER}`);
  });
  databases.push(name);
  return name;
}

/** Runs the bundled migration function on `database` (a Create unless told otherwise). */
async function migrateDatabase(database: string, request: { RequestType?: string; Logins?: unknown; OldLogins?: unknown } = {}) {
  const overrides = request.Logins !== undefined ? { Logins: request.Logins } : {};
  return stores.migrate({
    RequestType: request.RequestType ?? 'Create',
    ResourceProperties: stores.schemaProperties(overrides, database),
    ...(request.OldLogins !== undefined ? { OldResourceProperties: stores.schemaProperties({ Logins: request.OldLogins }, database) } : {}),
  });
}

async function superuser<T>(database: string, work: (c: Client) => Promise<T>): Promise<T> {
  return stores.postgres.admin(work, database);
}

async function rowsOf<T extends object = Record<string, unknown>>(database: string, sql: string, values?: unknown[]): Promise<T[]> {
  return superuser(database, async c => (await c.query(sql, values)).rows as T[]);
}

/**
 * Every privilege `role` holds, from the catalog: on databases, schemas, relations, columns,
 * functions, types, languages, large objects, foreign data wrappers and servers, tablespaces,
 * parameters and default privileges, plus its role memberships and what it owns (the per-database
 * catalogs of `database`, the shared ones of the server).
 */
async function privilegesOf(database: string, role: string): Promise<string[]> {
  const rows = await rowsOf<{ line: string }>(database, `
    WITH r AS (SELECT oid FROM pg_roles WHERE rolname = $1)
    SELECT line FROM (
      SELECT 'database ' || d.datname || ': ' || a.privilege_type AS line FROM pg_database d, aclexplode(d.datacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'schema ' || n.nspname || ': ' || a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'relation ' || c.oid::regclass || ': ' || a.privilege_type FROM pg_class c, aclexplode(c.relacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'column ' || att.attrelid::regclass || '.' || att.attname || ': ' || a.privilege_type FROM pg_attribute att, aclexplode(att.attacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'function ' || p.oid::regprocedure || ': ' || a.privilege_type FROM pg_proc p, aclexplode(p.proacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'type ' || t.oid::regtype || ': ' || a.privilege_type FROM pg_type t, aclexplode(t.typacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'language ' || l.lanname || ': ' || a.privilege_type FROM pg_language l, aclexplode(l.lanacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'large object ' || m.oid || ': ' || a.privilege_type FROM pg_largeobject_metadata m, aclexplode(m.lomacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'foreign data wrapper ' || w.fdwname || ': ' || a.privilege_type FROM pg_foreign_data_wrapper w, aclexplode(w.fdwacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'foreign server ' || s.srvname || ': ' || a.privilege_type FROM pg_foreign_server s, aclexplode(s.srvacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'tablespace ' || s.spcname || ': ' || a.privilege_type FROM pg_tablespace s, aclexplode(s.spcacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'parameter ' || p.parname || ': ' || a.privilege_type FROM pg_parameter_acl p, aclexplode(p.paracl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'default privileges: ' || a.privilege_type FROM pg_default_acl d, aclexplode(d.defaclacl) a, r WHERE a.grantee = r.oid
      UNION ALL SELECT 'member of ' || g.rolname || CASE WHEN m.admin_option THEN ' with admin option' ELSE '' END FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid, r WHERE m.member = r.oid
      UNION ALL SELECT 'owns relation ' || c.oid::regclass FROM pg_class c, r WHERE c.relowner = r.oid
      UNION ALL SELECT 'owns schema ' || n.nspname FROM pg_namespace n, r WHERE n.nspowner = r.oid
      UNION ALL SELECT 'owns database ' || d.datname FROM pg_database d, r WHERE d.datdba = r.oid
    ) privileges ORDER BY line`, [role]);
  return rows.map(r => r.line);
}

/** What PUBLIC (every role) holds on the database, its public schema and the objects in it. */
async function publicPrivileges(database: string): Promise<string[]> {
  const rows = await rowsOf<{ line: string }>(database, `
    SELECT 'database: ' || a.privilege_type AS line FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = current_database() AND a.grantee = 0
    UNION ALL SELECT 'schema public: ' || a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = 'public' AND a.grantee = 0
    UNION ALL SELECT 'relation ' || c.oid::regclass || ': ' || a.privilege_type FROM pg_class c, aclexplode(c.relacl) a WHERE c.relnamespace = 'public'::regnamespace AND a.grantee = 0
    ORDER BY line`);
  return rows.map(r => r.line);
}

/** The role's attributes that grant power beyond privileges. */
async function attributesOf(database: string, role: string): Promise<Record<string, unknown>> {
  const [row] = await rowsOf(database, `SELECT rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit
    FROM pg_roles WHERE rolname = $1`, [role]);
  return row;
}

/** The catalog state a migration run may change, to show that a second run changes none of it. */
async function catalogState(database: string): Promise<unknown> {
  return {
    relations: await rowsOf(database, `SELECT c.oid::int, c.relname, c.relkind, c.relacl::text FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace ORDER BY c.relname`),
    roles: await rowsOf(database, 'SELECT oid::int, rolname, rolcanlogin FROM pg_roles WHERE rolname = $1', [APP_USER]),
    password: await rowsOf(database, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [APP_USER]),
    acls: await rowsOf(database, `SELECT (SELECT datacl::text FROM pg_database WHERE datname = current_database()) AS database,
      (SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public') AS schema, (SELECT array_agg(defaclacl::text) FROM pg_default_acl) AS defaults`),
    versions: await rowsOf(database, 'SELECT version, name, checksum, applied_at, applied_by FROM public.lgpd_schema_migrations ORDER BY version'),
  };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(join(MIGRATIONS, file), 'utf8')).digest('hex');

/** The columns of public.transactions as `name type [not null]`. */
async function columnsOf(database: string): Promise<string[]> {
  const rows = await rowsOf<{ c: string }>(database, `SELECT attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' not null' ELSE '' END AS c
    FROM pg_attribute WHERE attrelid = 'public.transactions'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`);
  return rows.map(r => r.c);
}

const TRANSACTIONS_COLUMNS = [
  'transaction_id text not null', 'customer_id text not null', 'amount numeric(15,2) not null', 'currency character(3) not null',
  'occurred_at timestamp with time zone not null', 'shard_id text not null', 'sequence_number text not null', 'stored_at timestamp with time zone not null',
  // 0002: the subject's keyed hash (data-subject rights).
  'customer_hash text',
];

/**
 * What the processor of the previous versions ran at its first invocation, as the master user: the
 * last one before migrations (with the stored_at index that the cache's convergence reads through),
 * and the one before that (without it).
 */
const PREVIOUS_PROCESSOR_CREATE_TABLE = `BEGIN;
  SELECT pg_advisory_xact_lock(hashtext('"transactions"'));
  CREATE TABLE IF NOT EXISTS "transactions" (
    transaction_id  text PRIMARY KEY,
    customer_id     text NOT NULL,
    amount          numeric(15,2) NOT NULL,
    currency        char(3) NOT NULL,
    occurred_at     timestamptz NOT NULL,
    shard_id        text NOT NULL,
    sequence_number text NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS "transactions_customer_occurred_idx" ON "transactions" (customer_id, occurred_at);
  CREATE INDEX IF NOT EXISTS "transactions_stored_idx" ON "transactions" (stored_at);
  COMMIT;`;
const OLDER_PROCESSOR_CREATE_TABLE = PREVIOUS_PROCESSOR_CREATE_TABLE.replace(/\n.*"transactions_stored_idx".*/, '');

const TRANSACTIONS_INDEXES = [
  // 0002 (data-subject rights): a subject is found by its keyed hash; rows from before it by customer id.
  { indexname: 'transactions_customer_hash_idx', indexdef: 'CREATE INDEX transactions_customer_hash_idx ON public.transactions USING btree (customer_hash, occurred_at)' },
  { indexname: 'transactions_legacy_customer_idx', indexdef: 'CREATE INDEX transactions_legacy_customer_idx ON public.transactions USING btree (customer_id) WHERE (customer_hash IS NULL)' },
  { indexname: 'transactions_pkey', indexdef: 'CREATE UNIQUE INDEX transactions_pkey ON public.transactions USING btree (transaction_id)' },
  { indexname: 'transactions_stored_idx', indexdef: 'CREATE INDEX transactions_stored_idx ON public.transactions USING btree (stored_at)' },
];
const INDEXES_QUERY = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'transactions' ORDER BY indexname";

describe('the migrations, run by the bundled migration function as the RDS master user', () => {
  test('from an empty database: make the table and its indexes, the processor\'s role, revoke PUBLIC, the data-subject rights\' tables and role, the fence, and record versions 0001 to 0003', async () => {
    const db = await freshDatabase();
    const outcome = await migrateDatabase(db);

    expect(outcome).toMatchObject({ ok: true, response: { Data: { Version: LATEST, Applied: ALL } } });
    expect(await columnsOf(db)).toEqual(TRANSACTIONS_COLUMNS);
    expect(await rowsOf(db, INDEXES_QUERY)).toEqual(TRANSACTIONS_INDEXES);
    expect(await rowsOf(db, 'SELECT version, name, checksum, applied_by FROM public.lgpd_schema_migrations')).toEqual([
      { version: 1, name: FIRST, checksum: sha256(FIRST), applied_by: MASTER_USER },
      { version: 2, name: SECOND, checksum: sha256(SECOND), applied_by: MASTER_USER },
      { version: 3, name: THIRD, checksum: sha256(THIRD), applied_by: MASTER_USER },
    ]);
    // The fence: one trigger, once per INSERT statement, over the rows it stored.
    expect(await rowsOf(db, "SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = 'public.transactions'::regclass AND NOT tgisinternal")).toEqual([
      { def: 'CREATE TRIGGER lgpd_transactions_fence AFTER INSERT ON public.transactions REFERENCING NEW TABLE AS stored FOR EACH STATEMENT EXECUTE FUNCTION lgpd_transactions_fence()' },
    ]);
    expect(await publicPrivileges(db)).toEqual([]);
    // The master user owns what it made; the processor's role owns nothing.
    expect(await rowsOf(db, "SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname"))
      .toEqual(['lgpd_erased_subjects', 'lgpd_retained_transactions', 'lgpd_rights_audit', 'lgpd_rights_requests', 'lgpd_schema_migrations', 'transactions']
        .map(relname => ({ relname, owner: MASTER_USER })));
  });

  test('twice: the second run applies nothing and changes nothing in the catalog', async () => {
    const db = await freshDatabase();
    await migrateDatabase(db);
    const before = await catalogState(db);

    const second = await migrateDatabase(db, {
      RequestType: 'Update',
      Logins: [{ Role: APP_USER, Authentication: 'password', SecretArn: stores.dbSecretArn }],
      OldLogins: [{ Role: APP_USER, Authentication: 'password', SecretArn: stores.dbSecretArn }],
    });

    expect(second).toMatchObject({ ok: true, response: { Data: { Version: LATEST, Applied: '' } } });
    expect(await catalogState(db)).toEqual(before);
  });

  test('from two functions at once: one applies the migrations while the other waits for the advisory lock, then finds nothing to do', async () => {
    const db = await freshDatabase();
    // Hold the runners' lock so that both are provably waiting at the same time before either runs.
    const holder = await stores.connectAs('postgres', stores.postgres.superPassword, db);
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
      const runs = [migrateDatabase(db), migrateDatabase(db)];
      await waitUntil(async () => (await rowsOf<{ n: number }>(db, `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE application_name = 'lgpd-schema-migrations' AND wait_event_type = 'Lock' AND wait_event = 'advisory'`))[0].n === 2);
      await holder.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
      const outcomes = await Promise.all(runs);

      expect(outcomes.map(o => o.ok && o.response.Data.Applied).sort()).toEqual(['', ALL]);
      expect(outcomes.map(o => o.ok && o.response.Data.Version)).toEqual([LATEST, LATEST]);
      expect(await rowsOf(db, 'SELECT version FROM public.lgpd_schema_migrations')).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    } finally {
      await holder.end();
    }
  });

  test.each([
    ['the last processor before migrations', PREVIOUS_PROCESSOR_CREATE_TABLE],
    ['the processor before the stored_at index (built by 0001)', OLDER_PROCESSOR_CREATE_TABLE],
  ])('on a database where %s created the table: the table, its indexes and its rows are adopted', async (_, createTable) => {
    const db = await freshDatabase();
    const master = await stores.connectAs(MASTER_USER, stores.masterPassword, db);
    try {
      await master.query(createTable);
      await master.query(`INSERT INTO transactions (transaction_id, customer_id, amount, currency, occurred_at, shard_id, sequence_number)
        VALUES ('old-1', 'c-1', 10.5, 'BRL', '2026-03-01T12:00:00Z', 'shardId-000000000000', '1'), ('old-2', 'c-2', -3, 'USD', '2026-03-01T13:00:00Z', 'shardId-000000000000', '2')`);
    } finally {
      await master.end();
    }
    const [table] = await rowsOf<{ oid: number }>(db, "SELECT 'public.transactions'::regclass::oid::int AS oid");
    const rowsBefore = await rowsOf(db, 'SELECT * FROM transactions ORDER BY transaction_id');

    const outcome = await migrateDatabase(db);

    expect(outcome).toMatchObject({ ok: true, response: { Data: { Version: LATEST, Applied: ALL } } });
    expect(await rowsOf(db, "SELECT 'public.transactions'::regclass::oid::int AS oid")).toEqual([table]);
    // Adopted as they were; 0002 adds the keyed-hash column, empty until a request names their subject.
    expect(await rowsOf(db, 'SELECT * FROM transactions ORDER BY transaction_id')).toEqual(rowsBefore.map(r => ({ ...r, customer_hash: null })));
    expect(await rowsOf(db, INDEXES_QUERY)).toEqual(TRANSACTIONS_INDEXES);
    expect(await privilegesOf(db, APP_USER)).toEqual([
      `database ${db}: CONNECT`, 'relation lgpd_erased_subjects: SELECT', 'relation transactions: INSERT', 'relation transactions: SELECT', 'schema public: USAGE',
    ]);
  });

  test('fails when a table named transactions with other columns is there: the run stops with PostgreSQL\'s message and applies nothing', async () => {
    const db = await freshDatabase();
    await superuser(db, c => c.query(`CREATE TABLE public.transactions (id serial PRIMARY KEY, note text); ALTER TABLE public.transactions OWNER TO ${MASTER_USER}`));

    const outcome = await migrateDatabase(db);

    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(new RegExp(`^PostgreSQL 127\\.0\\.0\\.1:${POSTGRES_PORT}/${db}: migration ${FIRST} failed and was rolled back: `
      + 'public\\.transactions exists with other columns than the pipeline\'s table: id integer not null, note text \\[P0001\\]; '
      + 'hint: Rename or move that table: the pipeline adopts only the table its processor created\\.'));
    expect(await rowsOf(db, "SELECT to_regclass('public.lgpd_schema_migrations') AS t, (SELECT count(*)::int FROM pg_roles WHERE rolname = $1) AS roles", [APP_USER]))
      .toEqual([{ t: null, roles: 0 }]);
  });

  test('fails when a later migration fails: it is rolled back whole, the error carries PostgreSQL\'s message, SQLSTATE and line, and the earlier ones stay applied', async () => {
    const db = await freshDatabase();
    const dir = migrationsWith({ '0004_broken.sql': 'CREATE TABLE public.extra (id int);\nSELECT customer FROM public.transactions;\n' });
    const master = await stores.connectAs(MASTER_USER, stores.masterPassword, db);
    try {
      await expect(migrate(master, loadMigrations(dir))).rejects.toThrow(
        'migration 0004_broken.sql failed and was rolled back: column "customer" does not exist [42703]; at line 2; hint: Perhaps you meant to reference the column "transactions.customer_id".');
      expect(await rowsOf(db, "SELECT to_regclass('public.extra') AS t")).toEqual([{ t: null }]);
      expect(await rowsOf(db, 'SELECT version FROM public.lgpd_schema_migrations')).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
      // The lock was released: the next run is not held up.
      expect((await migrate(master, loadMigrations(MIGRATIONS))).applied).toEqual([]);
    } finally {
      await master.end();
    }
  });

  test('fails when an applied migration\'s file changed, naming it: an applied migration never changes', async () => {
    const db = await freshDatabase();
    await migrateDatabase(db);
    const dir = migrationsWith({});
    writeFileSync(join(dir, FIRST), `${readFileSync(join(dir, FIRST), 'utf8')}\nDROP TABLE public.transactions;\n`);
    const master = await stores.connectAs(MASTER_USER, stores.masterPassword, db);
    try {
      await expect(migrate(master, loadMigrations(dir))).rejects.toThrow(new RegExp(
        `^migration 1 was applied as ${FIRST} \\(sha256 ${sha256(FIRST).slice(0, 12)}\\), but the file is now ${FIRST} \\(sha256 [0-9a-f]{12}\\): an applied migration never changes; write a new one$`));
      expect(await rowsOf(db, "SELECT to_regclass('public.transactions')::text AS t")).toEqual([{ t: 'transactions' }]);
    } finally {
      await master.end();
    }
  });
});

describe('the processor\'s role', () => {
  test('has exactly CONNECT on its database, USAGE on public and INSERT and SELECT on transactions, no attribute beyond LOGIN, and nothing else in the catalog', async () => {
    const db = await freshDatabase();
    await migrateDatabase(db);

    expect(await privilegesOf(db, APP_USER)).toEqual([
      `database ${db}: CONNECT`, 'relation lgpd_erased_subjects: SELECT', 'relation transactions: INSERT', 'relation transactions: SELECT', 'schema public: USAGE',
    ]);
    expect(await attributesOf(db, APP_USER)).toEqual({
      rolsuper: false,
      rolinherit: true,
      rolcreaterole: false,
      rolcreatedb: false,
      rolcanlogin: true,
      rolreplication: false,
      rolbypassrls: false,
      rolconnlimit: -1,
    });
  });

  test('is refused with 42501 for UPDATE, DELETE, TRUNCATE, CREATE, DROP, ALTER and a SELECT on tables it does not own, and still stores a batch', async () => {
    const db = await freshDatabase();
    await migrateDatabase(db);
    await superuser(db, c => c.query(`CREATE TABLE public.other_data (id int); ALTER TABLE public.other_data OWNER TO ${MASTER_USER};
      CREATE SCHEMA reports AUTHORIZATION ${MASTER_USER}; CREATE TABLE reports.totals (n int); ALTER TABLE reports.totals OWNER TO ${MASTER_USER}`));
    const env = await LambdaEnvironment.start(stores.processorEnv({ DB_NAME: db }));
    environments.push(env);
    const payloads = transactions('role', 10, 3);
    expect(await env.invokeOk(kinesisEvent(payloads.map(p => kinesisRecord(p, p.customerId))))).toEqual({ batchItemFailures: [] });

    const stored = await rowsOf(db, 'SELECT * FROM transactions ORDER BY transaction_id');
    const processor = await stores.connectAs(APP_USER, stores.appPassword, db);
    try {
      const refused: Record<string, string> = {};
      for (const sql of [
        "UPDATE transactions SET amount = 0 WHERE transaction_id = 'role-t0'",
        "DELETE FROM transactions WHERE transaction_id = 'role-t0'",
        'TRUNCATE transactions',
        'CREATE TABLE public.mine (id int)',
        'CREATE TEMPORARY TABLE scratch (id int)',
        'CREATE SCHEMA mine',
        'DROP TABLE transactions',
        'ALTER TABLE transactions ADD COLUMN note text',
        'CREATE INDEX ON transactions (currency)',
        'SELECT * FROM public.lgpd_schema_migrations',
        'SELECT * FROM public.other_data',
        'SELECT * FROM reports.totals',
      ]) {
        refused[sql] = await processor.query(sql).then(() => 'allowed', (e: { code?: string }) => e.code ?? String(e));
      }
      expect(Object.entries(refused).filter(([, code]) => code !== '42501')).toEqual([]);
      expect(await processor.query("SELECT count(*)::int AS n FROM transactions WHERE transaction_id LIKE 'role-%'").then(r => r.rows)).toEqual([{ n: 10 }]);
    } finally {
      await processor.end();
    }
    expect(stored).toHaveLength(10);
    expect(await rowsOf(db, 'SELECT * FROM transactions ORDER BY transaction_id')).toEqual(stored);
  });

  test('with IAM database authentication it is a member of rds_iam and has no password (an emulated rds_iam: whether RDS accepts a token is not proven here)', async () => {
    const db = await freshDatabase();
    const iam = [{ Role: APP_USER, Authentication: 'iam' }];
    expect(await migrateDatabase(db, { Logins: iam })).toMatchObject({ ok: true });

    expect(await privilegesOf(db, APP_USER)).toContain('member of rds_iam');
    expect(await rowsOf(db, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [APP_USER])).toEqual([{ rolpassword: null }]);
    await expect(stores.connectAs(APP_USER, stores.appPassword, db)).rejects.toMatchObject({ code: '28P01' });
  });

  test('moving from IAM to its own secret and back: rds_iam is revoked and the password set, then granted again and the password removed', async () => {
    const db = await freshDatabase();
    const iam = [{ Role: APP_USER, Authentication: 'iam' }];
    const secret = [{ Role: APP_USER, Authentication: 'password', SecretArn: stores.dbSecretArn }];
    await migrateDatabase(db, { Logins: iam });

    expect(await migrateDatabase(db, { RequestType: 'Update', Logins: secret, OldLogins: iam })).toMatchObject({ ok: true });
    expect(await privilegesOf(db, APP_USER)).not.toContain('member of rds_iam');
    const session = await stores.connectAs(APP_USER, stores.appPassword, db);
    await session.end();
    // The verifier, never the password, reached the server.
    expect((await rowsOf<{ p: string }>(db, 'SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1', [APP_USER]))[0].p).toMatch(/^SCRAM-SHA-256\$4096:/);

    expect(await migrateDatabase(db, { RequestType: 'Update', Logins: iam, OldLogins: secret })).toMatchObject({ ok: true });
    expect(await privilegesOf(db, APP_USER)).toContain('member of rds_iam');
    expect(await rowsOf(db, 'SELECT rolpassword FROM pg_authid WHERE rolname = $1', [APP_USER])).toEqual([{ rolpassword: null }]);
  });

  test('a later deploy keeps a rotated password: the migration function sets the password only when the role gets a secret', async () => {
    const db = await freshDatabase();
    const secret = [{ Role: APP_USER, Authentication: 'password', SecretArn: stores.dbSecretArn }];
    await migrateDatabase(db, { Logins: secret });
    // What Secrets Manager's single-user rotation does: the role changes its own password, then the secret follows.
    const rotated = `rotated-${Date.now()}`;
    const session = await stores.connectAs(APP_USER, stores.appPassword, db);
    await session.query(`ALTER ROLE ${APP_USER} PASSWORD '${rotated}'`);
    await session.end();
    const secretArn = await stores.createSecret(`pipeline/rotated-${Date.now()}`, JSON.stringify({ username: APP_USER, password: rotated }));
    const rotatedSecret = [{ Role: APP_USER, Authentication: 'password', SecretArn: secretArn }];
    await migrateDatabase(db, { Logins: rotatedSecret });

    expect(await migrateDatabase(db, { RequestType: 'Update', Logins: rotatedSecret, OldLogins: rotatedSecret })).toMatchObject({ ok: true });
    const again = await stores.connectAs(APP_USER, rotated, db);
    await again.end();
  });
});

describe('the custom resource function, answering CloudFormation', () => {
  let responses: { server: Server; bodies: Array<Record<string, any>>; url: string };
  let lambdaApi: { server: Server; port: number; hang: boolean; calls: number };
  let runner: LambdaEnvironment;

  beforeAll(async () => {
    const authority = makeAuthority(mkdtempSync(join(stores.dir, 'cfn-')), 'responses');
    const bodies: Array<Record<string, any>> = [];
    const tls = { cert: readFileSync(authority.serverCertFile), key: readFileSync(authority.serverKeyFile) };
    const https = createHttpsServer(tls, async (req, res) => {
      bodies.push({ method: req.method, path: req.url, ...JSON.parse(await bodyOf(req)) });
      res.end();
    });
    await new Promise<void>(resolve => https.listen(0, '127.0.0.1', resolve));
    responses = { server: https, bodies, url: `https://127.0.0.1:${(https.address() as AddressInfo).port}/cloudformation-response?X-Amz-Signature=test` };
    (responses as any).caFile = authority.caFile;

    // A stand-in for Lambda's Invoke API (POST /2015-03-31/functions/<name>/invocations): it runs the
    // migration function's bundle and answers as Lambda does, X-Amz-Function-Error on a thrown error.
    runner = await LambdaEnvironment.start(stores.schemaEnv(), { bundle: SCHEMA_BUNDLE, timeoutMs: 300_000 });
    lambdaApi = { server: createHttpServer(), port: 0, hang: false, calls: 0 };
    lambdaApi.server.on('request', async (req, res) => {
      lambdaApi.calls++;
      const payload = JSON.parse(await bodyOf(req));
      if (lambdaApi.hang || req.url !== '/2015-03-31/functions/lgpd-schema-test/invocations') return;
      const outcome = await runner.call<unknown>('handler', payload);
      if (outcome.ok) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(outcome.response));
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
          .end(JSON.stringify({ errorType: 'Error', errorMessage: outcome.error }));
      }
    });
    await new Promise<void>(resolve => lambdaApi.server.listen(0, '127.0.0.1', resolve));
    lambdaApi.port = (lambdaApi.server.address() as AddressInfo).port;
  }, 60_000);

  afterAll(async () => {
    await runner?.stop();
    responses?.server.closeAllConnections?.();
    lambdaApi?.server.closeAllConnections?.();
    await Promise.all([responses?.server, lambdaApi?.server].filter(Boolean).map(s => new Promise(resolve => s!.close(resolve))));
  });

  /** Sends a custom resource event to the bundled `index.onEvent`, as CloudFormation does, and returns its answer. */
  async function cloudFormation(requestType: 'Create' | 'Update' | 'Delete', database: string, timeoutMs = 360_000): Promise<Record<string, any>> {
    const fn = await LambdaEnvironment.start({
      MIGRATION_FUNCTION: 'lgpd-schema-test',
      AWS_REGION: 'sa-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${lambdaApi.port}`,
      NODE_EXTRA_CA_CERTS: (responses as any).caFile,
    }, { bundle: SCHEMA_BUNDLE, timeoutMs });
    environments.push(fn);
    const properties = { ServiceToken: 'arn:aws:lambda:sa-east-1:111122223333:function:lgpd-schema-test-cfn', ...stores.schemaProperties({}, database) };
    const outcome = await fn.call<unknown>('onEvent', {
      RequestType: requestType,
      ServiceToken: properties.ServiceToken,
      ResponseURL: responses.url,
      StackId: 'arn:aws:cloudformation:sa-east-1:111122223333:stack/FastShopPipeline/guid',
      RequestId: `request-${responses.bodies.length}`,
      LogicalResourceId: 'PipelineDatabaseSchema',
      ResourceType: 'Custom::LgpdDatabaseSchema',
      ResourceProperties: properties,
      ...(requestType === 'Create' ? {} : { PhysicalResourceId: 'PipelineDatabaseSchema-schema' }),
      ...(requestType === 'Update' ? { OldResourceProperties: properties } : {}),
    });
    expect(outcome).toMatchObject({ ok: true });
    return responses.bodies.at(-1)!;
  }

  test('answers SUCCESS with the schema version after migrating an empty database, and SUCCESS to a second update that changes nothing', async () => {
    const db = await freshDatabase();
    expect(await cloudFormation('Create', db)).toEqual({
      method: 'PUT',
      path: '/cloudformation-response?X-Amz-Signature=test',
      Status: 'SUCCESS',
      Reason: 'OK',
      PhysicalResourceId: 'PipelineDatabaseSchema-schema',
      StackId: 'arn:aws:cloudformation:sa-east-1:111122223333:stack/FastShopPipeline/guid',
      RequestId: expect.any(String),
      LogicalResourceId: 'PipelineDatabaseSchema',
      Data: { Version: LATEST, Applied: ALL },
    });
    expect(await cloudFormation('Update', db)).toMatchObject({ Status: 'SUCCESS', Data: { Version: LATEST, Applied: '' } });
  });

  test('answers FAILED with PostgreSQL\'s message when a migration fails, so the deploy fails with it', async () => {
    const db = await freshDatabase();
    await superuser(db, c => c.query(`CREATE TABLE public.transactions (id int); ALTER TABLE public.transactions OWNER TO ${MASTER_USER}`));
    const answer = await cloudFormation('Create', db);
    expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'PipelineDatabaseSchema-schema', Data: {} });
    expect(answer.Reason).toMatch(new RegExp(`^PostgreSQL 127\\.0\\.0\\.1:${POSTGRES_PORT}/${db}: migration ${FIRST} failed and was rolled back: public\\.transactions exists with other columns than the pipeline's table: id integer \\[P0001\\]`));
  });

  test('answers SUCCESS to a delete and leaves the schema and its rows', async () => {
    const db = await freshDatabase();
    await cloudFormation('Create', db);
    await superuser(db, c => c.query(`INSERT INTO transactions (transaction_id, customer_id, customer_hash, amount, currency, occurred_at, shard_id, sequence_number)
      VALUES ('kept', 'c', '${'0'.repeat(64)}', 1, 'BRL', now(), 's', '1')`));

    expect(await cloudFormation('Delete', db)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'PipelineDatabaseSchema-schema' });
    expect(await rowsOf(db, 'SELECT transaction_id FROM transactions')).toEqual([{ transaction_id: 'kept' }]);
  });

  test('answers FAILED within its own time when the migration function does not answer', async () => {
    const db = await freshDatabase();
    lambdaApi.hang = true;
    try {
      // A 30-second function keeps 25 s for its answer: it waits 5 s for the migration function.
      const started = Date.now();
      const answer = await cloudFormation('Create', db, 30_000);
      expect(answer).toMatchObject({ Status: 'FAILED', Reason: 'the migration function lgpd-schema-test did not answer within 5 s' });
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      lambdaApi.hang = false;
    }
  });
});

/** A copy of the shipped migrations plus `extra` files. */
function migrationsWith(extra: Record<string, string>): string {
  const dir = mkdtempSync(join(stores.dir, 'migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  for (const [file, sql] of Object.entries(extra)) writeFileSync(join(dir, file), sql);
  return dir;
}

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/**
 * Versioned SQL migrations, applied in order, each in one transaction and recorded in
 * `public.lgpd_schema_migrations` (Flyway's and node-pg-migrate's model, in the few lines this needs:
 * neither ships a runner that fits a Lambda bundle with files it reads from its own folder).
 *
 * - Files are `NNNN_<name>.sql` in one folder, numbered from 0001 without gaps. A migration never
 *   changes once applied (its SHA-256 is recorded and checked): a change is a new migration.
 * - A session advisory lock serializes concurrent runs; the second finds nothing left to do.
 * - A migration that fails is rolled back whole, and the error carries PostgreSQL's own message and
 *   SQLSTATE; the migrations before it stay applied.
 * - Migration 0001 creates the version table: before it, the table's absence means "nothing applied".
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientBase } from 'pg';

/** One migration file. */
export interface Migration {
  readonly version: number;
  /** The file name, `0001_transactions_and_processor_role.sql`. */
  readonly file: string;
  readonly sql: string;
  /** SHA-256 of the file, hex. */
  readonly checksum: string;
}

/** What a run did. */
export interface MigrationReport {
  /** The migrations this run applied, in order, with how long each took. */
  readonly applied: ReadonlyArray<{ readonly file: string; readonly ms: number }>;
  /** The highest version applied now (0: none). */
  readonly version: number;
  /** How long the run waited for the advisory lock. */
  readonly lockWaitMs: number;
}

/** The version table (created by migration 0001). */
export const VERSION_TABLE = 'public.lgpd_schema_migrations';

/** The advisory lock every runner takes (a fixed key: 'LGPD' in ASCII). */
export const ADVISORY_LOCK_KEY = 0x4c475044;

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
/** Transaction control inside a file would end the runner's transaction early. */
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION|END|SAVEPOINT|RELEASE)\b\s*(;|$|\s+(TRANSACTION|WORK)\b)/im;

/** Reads and checks the migrations of a folder. */
export function loadMigrations(dir: string): Migration[] {
  const files = readdirSync(dir).filter(f => f.endsWith('.sql')).sort();
  return files.map((file, i) => {
    const match = FILE.exec(file);
    if (!match) {
      throw new Error(`migration file ${file} must be named NNNN_<lower_case_name>.sql`);
    }
    const version = Number(match[1]);
    if (version !== i + 1) {
      throw new Error(`migration ${file} should be version ${String(i + 1).padStart(4, '0')}: versions start at 0001 and have no gaps or duplicates`);
    }
    const sql = readFileSync(join(dir, file), 'utf8');
    const control = TRANSACTION_CONTROL.exec(withoutDollarQuotes(sql));
    if (control) {
      throw new Error(`migration ${file} contains ${control[1].toUpperCase()}: each migration runs in the runner's one transaction`);
    }
    return { version, file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

/**
 * Applies the migrations not yet applied, under the advisory lock, then runs `then` (the logins) still
 * under it: two runs never alter one role at once, which PostgreSQL refuses ("tuple concurrently
 * updated"). Throws, naming the migration, when one fails or when the recorded history does not match
 * the files.
 */
export async function migrate(client: ClientBase, migrations: readonly Migration[], then?: () => Promise<void>): Promise<MigrationReport> {
  const waited = Date.now();
  await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
  const lockWaitMs = Date.now() - waited;
  try {
    const recorded = await appliedMigrations(client);
    checkHistory(recorded, migrations);
    const highest = Math.max(0, ...recorded.keys());
    const applied: Array<{ file: string; ms: number }> = [];
    let version = highest;
    for (const migration of migrations.filter(m => !recorded.has(m.version))) {
      if (migration.version < highest) {
        throw new Error(`migration ${migration.file} is older than version ${highest}, which is applied already: migrations are applied in order only`);
      }
      applied.push({ file: migration.file, ms: await apply(client, migration) });
      version = migration.version;
    }
    await then?.();
    return { applied, version, lockWaitMs };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
  }
}

/** The recorded migrations, by version; none when the version table does not exist yet. */
async function appliedMigrations(client: ClientBase): Promise<Map<number, { file: string; checksum: string }>> {
  const exists = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [VERSION_TABLE]);
  if (exists.rows[0].found === null) return new Map();
  const rows = await client.query<{ version: number; name: string; checksum: string }>(`SELECT version, name, checksum FROM ${VERSION_TABLE} ORDER BY version`);
  return new Map(rows.rows.map(r => [r.version, { file: r.name, checksum: r.checksum }]));
}

/**
 * An applied migration whose file changed is refused. One applied but not among the files (a newer
 * version of the library applied it, and this run is an older one, such as a rollback) is left alone.
 */
function checkHistory(recorded: Map<number, { file: string; checksum: string }>, migrations: readonly Migration[]): void {
  for (const m of migrations) {
    const r = recorded.get(m.version);
    if (r !== undefined && (r.file !== m.file || r.checksum !== m.checksum)) {
      throw new Error(`migration ${m.version} was applied as ${r.file} (sha256 ${r.checksum.slice(0, 12)}), but the file is now ${m.file} (sha256 ${m.checksum.slice(0, 12)}): `
        + 'an applied migration never changes; write a new one');
    }
  }
}

/** Runs one migration and records it, in one transaction. Returns how long it took. */
async function apply(client: ClientBase, migration: Migration): Promise<number> {
  const started = Date.now();
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(`INSERT INTO ${VERSION_TABLE} (version, name, checksum) VALUES ($1, $2, $3)`,
      [migration.version, migration.file, migration.checksum]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new Error(`migration ${migration.file} failed and was rolled back: ${describePostgresError(e, migration.sql)}`, { cause: e });
  }
  return Date.now() - started;
}

/** PostgreSQL's message with its SQLSTATE, detail, hint, and the line of the file it points at. */
export function describePostgresError(e: unknown, sql?: string): string {
  if (!(e instanceof Error)) return String(e);
  const pg = e as Error & { code?: string; detail?: string; hint?: string; position?: string; where?: string };
  const parts = [`${pg.message}${pg.code ? ` [${pg.code}]` : ''}`];
  if (pg.position && sql) parts.push(`at line ${sql.slice(0, Number(pg.position)).split('\n').length}`);
  if (pg.detail) parts.push(`detail: ${pg.detail}`);
  if (pg.hint) parts.push(`hint: ${pg.hint}`);
  if (pg.where) parts.push(`where: ${pg.where}`);
  return parts.join('; ');
}

/** The SQL with dollar-quoted bodies (DO blocks, functions) blanked, so their BEGIN ... END is not read as a transaction. */
function withoutDollarQuotes(sql: string): string {
  return sql.replace(/(\$[A-Za-z_]*\$)[\s\S]*?\1/g, '$$$$');
}

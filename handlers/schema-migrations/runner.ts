/**
 * The migration function: in the application subnets, it signs in to PostgreSQL as the RDS master
 * user (the one job that reads the master secret), applies the migrations shipped next to it
 * (migrations/, copied there by the build), then sets how each job's role signs in.
 *
 * It is invoked by the custom resource function (cloudformation.ts), which answers CloudFormation:
 * it gets the custom resource event's request type and properties, returns what the resource
 * reports, and throws when the schema could not be brought up to date (the deploy then fails with the
 * error's message).
 */
import { join } from 'node:path';
import { Client } from 'pg';
import { applyLogins, parseLogins } from './logins';
import { describePostgresError, loadMigrations, migrate } from './migrate';
import { secretString } from '../transaction-processor/secrets';

/** What the custom resource function passes on. */
export interface SchemaRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

/** What the custom resource reports (`Fn::GetAtt` of its attributes). */
export interface SchemaResult {
  readonly Data: { readonly Version: string; readonly Applied: string };
}

/** The part of the Lambda context the runner uses (absent when a test calls it directly). */
export interface RunnerContext {
  getRemainingTimeInMillis?(): number;
}

/** Where the build puts the migrations, beside the bundle. */
export const MIGRATIONS_DIR = join(__dirname, 'migrations');

/** Time kept back from the function's timeout, so that a slow statement fails with PostgreSQL's message instead of a timeout. */
const MARGIN_MS = 20_000;
const CONNECT_ATTEMPTS = 3;

export async function runMigrations(request: SchemaRequest, context: RunnerContext = {}, migrationsDir = MIGRATIONS_DIR): Promise<SchemaResult> {
  const props = request.ResourceProperties;
  if (request.RequestType === 'Delete') {
    // Nothing destructive without a migration that says so: the schema and its data stay.
    return { Data: { Version: '', Applied: '' } };
  }
  const migrations = loadMigrations(migrationsDir);
  const logins = parseLogins(props.Logins);
  const previous = request.RequestType === 'Update' ? parseLogins(request.OldResourceProperties?.Logins) : [];
  const host = required(props, 'DatabaseHost');
  const port = Number(required(props, 'DatabasePort'));
  const database = required(props, 'DatabaseName');
  const master = await usernameAndPassword(required(props, 'MasterSecretArn'));

  const budgetMs = Math.max(10_000, (context.getRemainingTimeInMillis?.() ?? 300_000) - MARGIN_MS);
  const client = await connect({ host, port, database, ...master }, budgetMs);
  try {
    const report = await migrate(client, migrations, () => applyLogins(client, logins, previous, async (role, secretArn) => {
      const login = await usernameAndPassword(secretArn);
      if (login.user !== role) throw new Error(`secret ${secretArn} is for user ${login.user}, not ${role}`);
      return login.password;
    }));
    console.log(JSON.stringify({ event: 'schema', version: report.version, applied: report.applied, lockWaitMs: report.lockWaitMs, logins: logins.map(l => `${l.role}:${l.authentication}`) }));
    return { Data: { Version: String(report.version).padStart(4, '0'), Applied: report.applied.map(a => a.file).join(',') } };
  } catch (e) {
    const message = e instanceof Error && e.message.startsWith('migration ') ? e.message : describePostgresError(e);
    throw new Error(`PostgreSQL ${host}:${port}/${database}: ${message}`, { cause: e });
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface Settings { host: string; port: number; database: string; user: string; password: string }

async function connect(settings: Settings, budgetMs: number): Promise<Client> {
  for (let attempt = 1; ; attempt++) {
    const client = new Client({
      ...settings,
      // Trust: Node's CAs plus NODE_EXTRA_CA_CERTS (the RDS CA bundle shipped beside this file).
      ssl: { rejectUnauthorized: true },
      connectionTimeoutMillis: 10_000,
      statement_timeout: budgetMs,
      application_name: 'lgpd-schema-migrations',
    });
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.end().catch(() => undefined);
      const code = (e as { code?: string }).code ?? '';
      const transient = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|57P03)$/.test(code) || /timeout expired/i.test(String(e));
      if (!transient || attempt >= CONNECT_ATTEMPTS) {
        throw new Error(`PostgreSQL ${settings.host}:${settings.port}/${settings.database}: ${describePostgresError(e)}`, { cause: e });
      }
      await new Promise(resolve => setTimeout(resolve, 2_000 * attempt));
    }
  }
}

/** The user and password of a secret whose SecretString is RDS's JSON (`username`, `password`, ...). */
async function usernameAndPassword(secretArn: string): Promise<{ user: string; password: string }> {
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = JSON.parse(await secretString(secretArn)) as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
  if (typeof parsed?.username !== 'string' || typeof parsed.password !== 'string') {
    throw new Error(`secret ${secretArn} is not a database secret (JSON with a string username and password)`);
  }
  return { user: parsed.username, password: parsed.password };
}

function required(props: Record<string, unknown>, name: string): string {
  const value = props[name];
  if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`the custom resource property ${name} is missing`);
  return String(value);
}

import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { APP_DATABASE, APP_USER, MOTO_PORT, POSTGRES_PORT, Stores } from '../processor-harness/stores';

/** The migrations, as the schema runner applies them (handlers/schema-migrations/migrations). */
const MIGRATIONS = join(__dirname, '..', '..', 'handlers', 'schema-migrations', 'migrations');

/**
 * The transactions table as the reference processor created it at run time before migrations existed
 * (docs/processor.md): what migration 0002 finds on a database that has been in use.
 */
const TODAYS_TABLE = `CREATE TABLE IF NOT EXISTS transactions (
    transaction_id  text PRIMARY KEY,
    customer_id     text NOT NULL,
    amount          numeric(15,2) NOT NULL,
    currency        char(3) NOT NULL,
    occurred_at     timestamptz NOT NULL,
    shard_id        text NOT NULL,
    sequence_number text NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS transactions_customer_occurred_idx ON transactions (customer_id, occurred_at)`;

export const EXPORT_BUCKET = 'lgpd-rights-exports-test';
const REGION = 'sa-east-1';

/**
 * The processor's real stores (PostgreSQL 17, Redis, moto) plus what data-subject rights need: the
 * schema with migration 0002 applied the way the schema runner applies it (as the database owner with
 * CREATEROLE, as the RDS master user is; one transaction), the rights role's login and its secret, the
 * subject key's secret, and the export bucket in moto's S3.
 */
export class RightsStores {
  static async start(): Promise<RightsStores> {
    const stores = await Stores.start();
    const rights = new RightsStores(stores);
    try {
      await stores.postgres.admin(c => c.query(`ALTER ROLE ${APP_USER} CREATEROLE`));
      await rights.asOwner(c => c.query(TODAYS_TABLE));
      await rights.applyMigration('0002_data_subject_rights.sql');
      await rights.asOwner(c => c.query(`ALTER ROLE lgpd_rights PASSWORD '${rights.rightsPassword}'`));
      rights.rightsSecretArn = await stores.createSecret('pipeline/rights', JSON.stringify({ username: 'lgpd_rights', password: rights.rightsPassword, engine: 'postgres' }));
      rights.subjectKeySecretArn = await stores.createSecret('pipeline/subject-key', rights.subjectKey);
      await rights.s3.send(new CreateBucketCommand({ Bucket: EXPORT_BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
      return rights;
    } catch (e) {
      await stores.stop();
      throw e;
    }
  }

  /** The subject key (what Secrets Manager generates for the pipeline: 64 letters and digits). */
  readonly subjectKey = randomBytes(48).toString('base64url').replace(/[-_]/g, 'x').slice(0, 64);
  readonly rightsPassword = randomBytes(18).toString('base64url');
  rightsSecretArn = '';
  subjectKeySecretArn = '';
  readonly s3 = new S3Client({
    region: REGION,
    endpoint: `http://127.0.0.1:${MOTO_PORT}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });

  private constructor(readonly stores: Stores) {}

  /** The keyed hash of a customer id, computed here independently of the handlers. */
  hash(customerId: string): string {
    return createHmac('sha256', this.subjectKey).update(customerId, 'utf8').digest('hex');
  }

  /** Runs one migration file the way the runner does: in one transaction, as the database owner. */
  async applyMigration(file: string): Promise<void> {
    const sql = readFileSync(join(MIGRATIONS, file), 'utf8');
    await this.asOwner(async c => {
      await c.query('BEGIN');
      try {
        await c.query(sql);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      }
    });
  }

  /** A session as the database owner (the RDS master user's part). */
  async asOwner<T>(work: (c: Client) => Promise<T>): Promise<T> {
    return this.session(APP_USER, this.stores.appPassword, work);
  }

  /** A session as the rights role. */
  async asRights<T>(work: (c: Client) => Promise<T>): Promise<T> {
    return this.session('lgpd_rights', this.rightsPassword, work);
  }

  /** A superuser query in the pipeline's database. */
  query<T extends object = Record<string, any>>(text: string, values?: unknown[]): Promise<T[]> {
    return this.stores.query<T>(text, values);
  }

  /** Empties every table and the cache and the bucket (the audit record too: as superuser, its triggers off). */
  async reset(): Promise<void> {
    await this.stores.postgres.admin(async c => {
      await c.query('SET session_replication_role = replica');
      await c.query('TRUNCATE transactions, lgpd_erased_subjects, lgpd_rights_requests, lgpd_retained_transactions, lgpd_rights_audit');
    }, APP_DATABASE);
    await this.stores.redis.admin(r => r.flushall());
    const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: EXPORT_BUCKET }));
    const keys = (listed.Contents ?? []).map(o => ({ Key: o.Key! }));
    if (keys.length > 0) await this.s3.send(new DeleteObjectsCommand({ Bucket: EXPORT_BUCKET, Delete: { Objects: keys } }));
  }

  /** The keys of the export bucket. */
  async exportKeys(): Promise<string[]> {
    const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: EXPORT_BUCKET }));
    return (listed.Contents ?? []).map(o => o.Key!).sort();
  }

  /** An export, parsed. */
  async readExport(key: string): Promise<any> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: EXPORT_BUCKET, Key: key }));
    return JSON.parse(await out.Body!.transformToString('utf8'));
  }

  async stop(): Promise<void> {
    this.s3.destroy();
    await this.stores.stop();
  }

  private async session<T>(user: string, password: string, work: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({
      host: '127.0.0.1',
      port: POSTGRES_PORT,
      user,
      password,
      database: APP_DATABASE,
      ssl: { ca: readFileSync(this.stores.pgAuthority.caFile, 'utf8'), rejectUnauthorized: true },
    });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
}

import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { RIGHTS_USER } from '../../src/private/cache-access';
import { RIGHTS_DATABASE_ROLE as RIGHTS_ROLE } from '../../src/private/rights-contract';
import { APP_DATABASE, APP_USER, MASTER_USER, MOTO_PORT, POSTGRES_PORT, setUser, Stores } from '../processor-harness/stores';

export const EXPORT_BUCKET = 'lgpd-rights-exports-test';
const REGION = 'sa-east-1';

/**
 * The processor's real stores (PostgreSQL 17 migrated by the bundled migration function, every migration
 * applied, 0002_data_subject_rights.sql and after; Redis with the pipeline's users; moto) plus what data-subject rights
 * need: the rights role's login (its own password secret, set by the migration function as a deploy sets
 * it), the rights' Redis user (the template's access string) and its password secret, and the export
 * bucket in moto's S3. The subject key is the processor harness's.
 */
export class RightsStores {
  static async start(): Promise<RightsStores> {
    const stores = await Stores.start();
    const rights = new RightsStores(stores);
    try {
      rights.rightsSecretArn = await stores.createSecret('pipeline/rights', JSON.stringify({ username: RIGHTS_ROLE, password: rights.rightsPassword, engine: 'postgres' }));
      const outcome = await stores.migrate({
        RequestType: 'Update',
        OldResourceProperties: stores.schemaProperties(),
        ResourceProperties: stores.schemaProperties({
          Logins: [
            { Role: APP_USER, Authentication: 'password', SecretArn: stores.dbSecretArn },
            { Role: RIGHTS_ROLE, Authentication: 'password', SecretArn: rights.rightsSecretArn },
          ],
        }),
      });
      if (!outcome.ok) throw new Error(`the migrations failed: ${outcome.error}`);
      await stores.redis.admin(r => setUser(r, RIGHTS_USER, rights.cachePassword));
      rights.cacheSecretArn = await stores.createSecret('pipeline/cache-rights', rights.cachePassword);
      rights.subjectKeySecretArn = stores.subjectKeySecretArn;
      await rights.s3.send(new CreateBucketCommand({ Bucket: EXPORT_BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
      return rights;
    } catch (e) {
      await stores.stop();
      throw e;
    }
  }

  readonly rightsPassword = randomBytes(18).toString('base64url');
  /** The rights role's own secret (`username`, `password`). */
  rightsSecretArn = '';
  /** The rights' Redis user's password, and its secret. */
  readonly cachePassword = randomBytes(18).toString('base64url');
  cacheSecretArn = '';
  subjectKeySecretArn = '';
  readonly s3 = new S3Client({
    region: REGION,
    endpoint: `http://127.0.0.1:${MOTO_PORT}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });

  private constructor(readonly stores: Stores) {}

  /** The subject key, the processor harness's. */
  get subjectKey(): string {
    return this.stores.subjectKey;
  }

  /** The keyed hash of a customer id, computed here independently of the handlers. */
  hash(customerId: string): string {
    return createHmac('sha256', this.subjectKey).update(customerId, 'utf8').digest('hex');
  }

  /** A session as the database's owner (the RDS master user, which ran the migrations). */
  async asOwner<T>(work: (c: Client) => Promise<T>): Promise<T> {
    return this.session(MASTER_USER, this.stores.masterPassword, work);
  }

  /** A session as the rights role. */
  async asRights<T>(work: (c: Client) => Promise<T>): Promise<T> {
    return this.session(RIGHTS_ROLE, this.rightsPassword, work);
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

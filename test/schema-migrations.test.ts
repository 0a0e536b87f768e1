/**
 * The schema functions' own rules, without a database (unit tests, part of `npx projen test`): how
 * migration files are read and refused, how the logins are read, the SCRAM verifier's shape, and that
 * the answer to CloudFormation gives up on a response URL that never answers. What they do to a real
 * PostgreSQL is in test/processor/schema.processor.ts.
 */
import { createHash, createHmac, pbkdf2Sync } from 'crypto';
import * as fs from 'fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'net';
import * as os from 'os';
import * as path from 'path';
import { respond } from '../handlers/schema-migrations/cloudformation';
import { parseLogins, scramVerifier } from '../handlers/schema-migrations/logins';
import { loadMigrations } from '../handlers/schema-migrations/migrate';

const SHIPPED = path.join(__dirname, '..', 'handlers', 'schema-migrations', 'migrations');

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpd-migrations-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

describe('migration files', () => {
  test('the shipped ones are read in order from 0001, each with the SHA-256 of its text', () => {
    const migrations = loadMigrations(SHIPPED);
    expect(migrations.map(m => [m.version, m.file])).toEqual([
      [1, '0001_transactions_and_processor_role.sql'], [2, '0002_data_subject_rights.sql'], [3, '0003_fence_per_statement.sql'],
    ]);
    for (const m of migrations) {
      expect(m.checksum).toBe(createHash('sha256').update(fs.readFileSync(path.join(SHIPPED, m.file))).digest('hex'));
    }
  });

  test('a DO block\'s BEGIN ... END is not transaction control', () => {
    expect(loadMigrations(folder({ '0001_a.sql': 'DO $$ BEGIN PERFORM 1; END $$;\nDO $body$\nBEGIN\n  PERFORM 2;\nEND\n$body$;\n' }))).toHaveLength(1);
  });

  test.each([
    ['a gap in the versions', { '0001_a.sql': 'SELECT 1;', '0003_c.sql': 'SELECT 1;' }, 'migration 0003_c.sql should be version 0002: versions start at 0001 and have no gaps or duplicates'],
    ['a name that is not NNNN_<lower_case>.sql', { '0001_Add Table.sql': 'SELECT 1;' }, 'migration file 0001_Add Table.sql must be named NNNN_<lower_case_name>.sql'],
    ['a migration with its own COMMIT', { '0001_a.sql': 'CREATE TABLE t (i int);\nCOMMIT;\n' }, 'migration 0001_a.sql contains COMMIT: each migration runs in the runner\'s one transaction'],
    ['a migration with its own BEGIN', { '0001_a.sql': 'BEGIN;\nCREATE TABLE t (i int);\n' }, 'migration 0001_a.sql contains BEGIN: each migration runs in the runner\'s one transaction'],
  ])('fails when the folder has %s', (_, files, message) => {
    expect(() => loadMigrations(folder(files))).toThrow(message);
  });
});

describe('logins', () => {
  test('IAM and password logins are read from the custom resource\'s property', () => {
    expect(parseLogins([{ Role: 'lgpd_processor', Authentication: 'iam' }, { Role: 'lgpd_rights', Authentication: 'password', SecretArn: 'arn:secret' }]))
      .toEqual([{ role: 'lgpd_processor', authentication: 'iam' }, { role: 'lgpd_rights', authentication: 'password', secretArn: 'arn:secret' }]);
    expect(parseLogins(undefined)).toEqual([]);
  });

  test.each([
    ['a role that is not a lower-case name', [{ Role: 'Processor; DROP', Authentication: 'iam' }], 'Logins: Role must be a lower-case PostgreSQL role name, got \'Processor; DROP\''],
    ['a password login without its secret', [{ Role: 'lgpd_processor', Authentication: 'password' }], 'Logins: lgpd_processor needs Authentication \'iam\', or \'password\' with a SecretArn'],
  ])('fails when the property has %s', (_, value, message) => {
    expect(() => parseLogins(value)).toThrow(message);
  });

  test('the password goes to PostgreSQL as a SCRAM-SHA-256 verifier (RFC 5802: StoredKey = H(HMAC(salted, "Client Key")))', () => {
    const salt = Buffer.from('0123456789abcdef');
    const verifier = scramVerifier('correct horse battery staple', 4096, salt);
    const [, iterations, saltText, storedKey, serverKey] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier)!;
    const salted = pbkdf2Sync('correct horse battery staple', salt, 4096, 32, 'sha256');
    expect([iterations, saltText]).toEqual(['4096', salt.toString('base64')]);
    expect(storedKey).toBe(createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest('base64'));
    expect(serverKey).toBe(createHmac('sha256', salted).update('Server Key').digest('base64'));
    expect(verifier).not.toContain('correct horse');
  });
});

describe('the answer to CloudFormation', () => {
  let server: Server;
  let url: string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // A response URL that takes the connection and never says a word, TLS handshake included.
    server = createServer(socket => { sockets.push(socket); });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/response?X-Amz-Signature=test`;
  });
  afterAll(async () => {
    sockets.forEach(s => s.destroy());
    await new Promise(resolve => server.close(resolve));
  });

  test('fails when the response URL does not answer, after its timeout, so that Lambda retries instead of hanging', async () => {
    const event = {
      RequestType: 'Create',
      ResponseURL: url,
      StackId: 's',
      RequestId: 'r',
      LogicalResourceId: 'L',
      ResourceType: 'Custom::X',
      ServiceToken: 't',
      ResourceProperties: { ServiceToken: 't' },
    } as const;
    const started = Date.now();
    await expect(respond(event, 'SUCCESS', 'OK', {}, 300)).rejects.toThrow('the response to CloudFormation timed out');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

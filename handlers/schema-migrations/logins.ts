/**
 * How each job's role signs in, set after the migrations (which create the roles) from the
 * deployment's settings, so that switching a role between IAM database authentication and its own
 * password needs no migration:
 *
 * - `iam`: member of `rds_iam` (RDS then accepts only an IAM token for it) and no password.
 * - `password`: not a member of `rds_iam`, and the password of its own secret, set when the role
 *   first gets that secret (later on, the secret's rotation changes both).
 *
 * Passwords travel as SCRAM-SHA-256 verifiers, never as text, so a logged statement holds no password.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { escapeIdentifier, escapeLiteral, type ClientBase } from 'pg';

/** How one role signs in. */
export type Login =
  | { readonly role: string; readonly authentication: 'iam' }
  | { readonly role: string; readonly authentication: 'password'; readonly secretArn: string };

const ROLE = /^[a-z_][a-z0-9_]{0,62}$/;

/** Reads and checks the logins of the custom resource's `Logins` property. */
export function parseLogins(value: unknown): Login[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`Logins must be a list, got ${JSON.stringify(value)}`);
  return value.map((entry: Record<string, unknown>) => {
    const role = String(entry?.Role ?? '');
    if (!ROLE.test(role)) throw new Error(`Logins: Role must be a lower-case PostgreSQL role name, got '${role}'`);
    if (entry.Authentication === 'iam') return { role, authentication: 'iam' };
    if (entry.Authentication === 'password' && typeof entry.SecretArn === 'string' && entry.SecretArn !== '') {
      return { role, authentication: 'password', secretArn: entry.SecretArn };
    }
    throw new Error(`Logins: ${role} needs Authentication 'iam', or 'password' with a SecretArn, got ${JSON.stringify(entry)}`);
  });
}

/**
 * Applies each login. `previous` are the logins of the last successful run (the custom resource's old
 * properties): a password is set only when the role did not have this secret before, so a deploy
 * never undoes a rotation.
 */
export async function applyLogins(client: ClientBase, logins: readonly Login[], previous: readonly Login[],
  passwordOf: (role: string, secretArn: string) => Promise<string>): Promise<void> {
  for (const login of logins) {
    const role = escapeIdentifier(login.role);
    const found = await client.query<{ member: boolean }>(
      "SELECT pg_has_role(r.oid, 'rds_iam', 'MEMBER') AS member FROM pg_roles r JOIN pg_roles i ON i.rolname = 'rds_iam' WHERE r.rolname = $1 AND r.rolcanlogin",
      [login.role]);
    if (found.rows.length === 0) {
      throw new Error(`role ${login.role} does not exist or cannot log in (or this server has no rds_iam role): the migrations create it`);
    }
    const member = found.rows[0].member;
    if (login.authentication === 'iam') {
      if (!member) await client.query(`GRANT rds_iam TO ${role}`);
      await client.query(`ALTER ROLE ${role} PASSWORD NULL`);
    } else {
      if (member) await client.query(`REVOKE rds_iam FROM ${role}`);
      const before = previous.find(p => p.role === login.role);
      if (before?.authentication !== 'password' || before.secretArn !== login.secretArn) {
        const verifier = scramVerifier(await passwordOf(login.role, login.secretArn));
        await client.query(`ALTER ROLE ${role} PASSWORD ${escapeLiteral(verifier)}`);
      }
    }
  }
}

/**
 * A SCRAM-SHA-256 verifier as PostgreSQL stores it (RFC 5802, RFC 7677; PostgreSQL's
 * `scram_build_secret`): `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`. PostgreSQL
 * takes a verifier given as the password as is. Written by hand: `pg` has no function that makes one.
 * The password is used as given, without SASLprep, which changes nothing for the printable ASCII
 * passwords Secrets Manager generates.
 */
export function scramVerifier(password: string, iterations = 4096, salt = randomBytes(16)): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Secrets Manager values, read once per execution environment and kept until `forget` (called when a
 * store refuses the credentials: RDS rotates the master password, so the cached copy can go stale).
 * The client honours AWS_ENDPOINT_URL_SECRETS_MANAGER (the tests point it at moto) and, on Lambda,
 * reaches Secrets Manager through the pipeline's interface endpoint (private DNS).
 */
const client = new SecretsManagerClient({});
const cache = new Map<string, Promise<string>>();

/** The SecretString of the secret's current version. */
export function secretString(secretId: string): Promise<string> {
  let value = cache.get(secretId);
  if (value === undefined) {
    value = read(secretId);
    cache.set(secretId, value);
    // A failed read is not cached: the next batch tries again.
    const pending = value;
    pending.catch(() => cache.get(secretId) === pending && cache.delete(secretId));
  }
  return value;
}

/** Drops the cached value: the next `secretString` reads Secrets Manager again. */
export function forget(secretId: string): void {
  cache.delete(secretId);
}

async function read(secretId: string): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (out.SecretString === undefined) {
    throw new Error(`secret ${secretId} has no SecretString`);
  }
  return out.SecretString;
}

/** The username and password of an RDS-managed secret (SecretString JSON). */
export async function databaseLogin(secretId: string): Promise<{ username: string; password: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await secretString(secretId));
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new Error(`secret ${secretId} is not JSON; DB_SECRET_ARN must name an RDS secret ({"username", "password", ...})`);
    }
    throw e;
  }
  const { username, password } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string') {
    throw new Error(`secret ${secretId} has no string username and password; DB_SECRET_ARN must name an RDS secret`);
  }
  return { username, password };
}

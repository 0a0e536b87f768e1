/**
 * A data subject's keyed hash (src/private/subject-contract.ts): HMAC-SHA256 of the customer id with the
 * pipeline's subject key, computed here, in the function, from the key read once from Secrets Manager
 * (no call per subject). Shared by the transaction processor and the data-subject-rights functions.
 */
import { createHmac } from 'node:crypto';
import { secretString } from '../transaction-processor/secrets';

/** The keyed hash of `customerId` with `key`: 64 lower-case hex digits. */
export function subjectHash(key: string, customerId: string): string {
  return createHmac('sha256', key).update(customerId, 'utf8').digest('hex');
}

/** How many keyed hashes an execution environment remembers (about 10 MB at most), then starts again. */
const REMEMBERED = 50_000;
const remembered = new Map<string, string>();
let rememberedKey: string | undefined;

/**
 * A function that hashes with the key of secret `secretArn`, read once per execution environment (and
 * again after a failed read). It remembers the hashes it computed, in the process only (a processor sees
 * the same customers batch after batch), and forgets them all when the key changes.
 */
export async function subjectHasher(secretArn: string): Promise<(customerId: string) => string> {
  const key = await secretString(secretArn);
  if (key.length < 32) {
    throw new Error(`secret ${secretArn} is too short to be the subject key (at least 32 characters)`);
  }
  if (rememberedKey !== key) {
    remembered.clear();
    rememberedKey = key;
  }
  return customerId => {
    let hash = remembered.get(customerId);
    if (hash === undefined) {
      hash = subjectHash(key, customerId);
      if (remembered.size >= REMEMBERED) remembered.clear();
      remembered.set(customerId, hash);
    }
    return hash;
  };
}

/**
 * The request format (docs/data-subject-rights.md): `{ "type": "CONFIRM" | "ACCESS" | "ERASE",
 * "customerId": "...", "reference"?: "..." }`, or `{ "type": "STATUS", "requestId": "..." }`. Nothing
 * else is accepted. An error names the field and the rule, never the value: a customer id must not reach
 * a log or an error message.
 */
import { REQUEST_ID_PREFIX } from '../../src/private/rights-contract';

export type SubjectRequest =
  | { readonly type: 'CONFIRM' | 'ACCESS' | 'ERASE'; readonly customerId: string; readonly reference?: string }
  | { readonly type: 'STATUS'; readonly requestId: string };

/** The answer to a request that cannot be taken. */
export interface RequestError {
  readonly error: 'INVALID_REQUEST';
  readonly message: string;
}

/** The transaction schema's customer id (handlers/transaction-processor/transaction.schema.json). */
const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** The caller's own reference (a ticket number): no personal data, please. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,127}$/;
const REQUEST_ID = new RegExp(`^(${Object.values(REQUEST_ID_PREFIX).join('|')})[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);

const FIELDS: Record<string, readonly string[]> = {
  CONFIRM: ['type', 'customerId', 'reference'],
  ACCESS: ['type', 'customerId', 'reference'],
  ERASE: ['type', 'customerId', 'reference'],
  STATUS: ['type', 'requestId'],
};

/** The request, or why it cannot be taken. */
export function parseRequest(event: unknown): SubjectRequest | RequestError {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return invalid('the request must be a JSON object');
  }
  const e = event as Record<string, unknown>;
  const type = e.type;
  if (typeof type !== 'string' || !(type in FIELDS)) {
    return invalid(`type must be one of ${Object.keys(FIELDS).join(', ')}`);
  }
  const unknown = Object.keys(e).filter(k => !FIELDS[type].includes(k));
  if (unknown.length > 0) {
    return invalid(`a ${type} request has only ${FIELDS[type].join(', ')}; unknown field(s): ${unknown.map(k => JSON.stringify(k.slice(0, 40))).join(', ')}`);
  }
  if (type === 'STATUS') {
    if (typeof e.requestId !== 'string' || !REQUEST_ID.test(e.requestId)) {
      return invalid('requestId must be a request id as returned by ACCESS or ERASE (or CONFIRM)');
    }
    return { type, requestId: e.requestId };
  }
  if (typeof e.customerId !== 'string' || !CUSTOMER_ID.test(e.customerId)) {
    return invalid('customerId must be 1-64 characters of A-Z a-z 0-9 . _ : -, starting with a letter or digit (the transaction schema\'s customerId)');
  }
  if (e.reference !== undefined && (typeof e.reference !== 'string' || !REFERENCE.test(e.reference))) {
    return invalid('reference, when given, must be 1-128 characters of A-Z a-z 0-9 . _ : / # -, starting with a letter or digit (your own reference, never personal data)');
  }
  return { type: type as 'CONFIRM' | 'ACCESS' | 'ERASE', customerId: e.customerId, ...(e.reference !== undefined ? { reference: e.reference as string } : {}) };
}

export function isRequestError(r: SubjectRequest | RequestError): r is RequestError {
  return 'error' in r;
}

function invalid(message: string): RequestError {
  return { error: 'INVALID_REQUEST', message };
}

/**
 * The data-subject-rights request function (LGPD Art. 18 and 19), invoked synchronously by the
 * controller's own systems (`DataSubjectRights.grantSubmit`). The request format and the answers are in
 * docs/data-subject-rights.md; in short:
 *
 * - CONFIRM answers at once (Art. 19 I): whether the pipeline holds data of the subject, its categories,
 *   counts and since when. It is recorded and audited.
 * - ACCESS and ERASE record the request (the subject's keyed hash, never the customer id) with its due
 *   date, start the workflow with the request id alone, and answer `{ requestId, dueAt }`.
 * - STATUS answers where a request is, with its answer once complete.
 * - A bad request gets `{ error: "INVALID_REQUEST", message }` and records nothing.
 *
 * The customer id lives only in this invocation: it is hashed, used once to give rows stored before
 * the keyed-hash column existed their hash, and never logged, stored or passed on.
 *
 * Bundled by `npx projen bundle` into assets/handlers/rights-requests/index.js, handler `index.handler`.
 */
import { randomUUID } from 'node:crypto';
import { subjectHasher } from './common/subject';
import { SubjectCache } from './data-subject-rights/cache';
import { readRequestsConfig, type RequestsConfig } from './data-subject-rights/config';
import { RightsDatabase } from './data-subject-rights/postgres';
import { audit, claimLegacyRows, findRequest, insertRequest, subjectSummary, updateRequest, type RequestRecord } from './data-subject-rights/records';
import { isRequestError, parseRequest, type RequestError } from './data-subject-rights/request';
import { startWorkflow } from './data-subject-rights/workflow';
import { log } from './transaction-processor/log';
import { REQUEST_ID_PREFIX } from '../src/private/rights-contract';

interface Environment {
  readonly config: RequestsConfig;
  readonly database: RightsDatabase;
  readonly cache: SubjectCache;
}

let environment: Environment | undefined;

function theEnvironment(): Environment {
  if (environment === undefined) {
    const config = readRequestsConfig();
    environment = {
      config,
      database: new RightsDatabase(config.database, 'lgpd-rights-requests'),
      cache: new SubjectCache(config.cache, 'lgpd-rights-requests'),
    };
  }
  return environment;
}

/** The categories of personal data the pipeline keeps of a subject (Art. 19 I, Art. 9). */
const CATEGORIES = {
  transactions: { store: 'PostgreSQL', fields: ['transactionId', 'customerId', 'amount', 'currency', 'occurredAt'] },
  customerState: { store: 'Redis (ElastiCache)', fields: ['lastTransactionId', 'lastAmount', 'lastCurrency', 'lastTimestamp', 'recent transaction ids'] },
  retainedTransactions: { store: 'PostgreSQL, blocked', fields: ['transactionId', 'amount', 'currency', 'occurredAt'] },
};

export async function handler(event: unknown): Promise<object> {
  const started = Date.now();
  const request = parseRequest(event);
  if (isRequestError(request)) {
    log('rights-request-rejected', { message: request.message });
    return request;
  }
  const { config, database, cache } = theEnvironment();

  if (request.type === 'STATUS') {
    const found = await database.withClient(c => findRequest(c, request.requestId));
    log('rights-status', { requestId: request.requestId, found: found !== undefined, ms: Date.now() - started });
    return found === undefined ? notFound(request.requestId) : statusOf(found);
  }

  const hash = (await subjectHasher(config.subjectKeySecretArn))(request.customerId);
  const requestId = `${REQUEST_ID_PREFIX[request.type]}${randomUUID()}`;

  if (request.type === 'CONFIRM') {
    const cached = await cache.count(hash);
    const answer = await database.transaction(async c => {
      const claimed = await claimLegacyRows(c, hash, request.customerId);
      const s = await subjectSummary(c, hash);
      const confirmation = {
        subjectHasData: s.transactions + s.retained + cached.keys > 0,
        erased: s.erasedAt !== null,
        ...(s.erasedAt !== null ? { erasedAt: s.erasedAt } : {}),
        categories: [
          { category: 'transactions', ...CATEGORIES.transactions, count: s.transactions, since: s.firstAt, until: s.lastAt },
          { category: 'customerState', ...CATEGORIES.customerState, count: cached.keys > 0 ? 1 : 0 },
          ...(s.retained > 0 ? [{ category: 'retainedTransactions', ...CATEGORIES.retainedTransactions, count: s.retained, until: s.retainedUntil }] : []),
        ],
      };
      const record = await insertRequest(c, { requestId, type: 'CONFIRM', subjectHash: hash, reference: request.reference, dueSeconds: config.dueSeconds, status: 'COMPLETED', answer: confirmation });
      await audit(c, requestId, hash, 'confirmed', { subjectHasData: confirmation.subjectHasData, legacyRowsClaimed: claimed });
      return { requestId, type: 'CONFIRM', answeredAt: record.completedAt, ...confirmation };
    });
    log('rights-request', { requestId, type: request.type, ms: Date.now() - started });
    return answer;
  }

  const record = await database.transaction(async c => {
    const claimed = await claimLegacyRows(c, hash, request.customerId);
    const inserted = await insertRequest(c, { requestId, type: request.type, subjectHash: hash, reference: request.reference, dueSeconds: config.dueSeconds, status: 'RECEIVED' });
    await audit(c, requestId, hash, 'received', { type: request.type, dueAt: inserted.dueAt, legacyRowsClaimed: claimed });
    return inserted;
  });
  try {
    await startWorkflow(config.stateMachineArn, requestId);
  } catch (e) {
    await database.transaction(async c => {
      await updateRequest(c, requestId, 'FAILED', { failure: 'the workflow could not be started' });
      await audit(c, requestId, hash, 'start-failed', { error: e instanceof Error ? e.name : 'Error' });
    });
    throw new Error(`request ${requestId} was recorded, but its workflow could not be started: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  log('rights-request', { requestId, type: request.type, ms: Date.now() - started });
  return { requestId, type: request.type, status: record.status, receivedAt: record.receivedAt, dueAt: record.dueAt };
}

function statusOf(r: RequestRecord): object {
  return {
    requestId: r.requestId,
    type: r.type,
    status: r.status,
    receivedAt: r.receivedAt,
    dueAt: r.dueAt,
    ...(r.reference !== null ? { reference: r.reference } : {}),
    ...(r.completedAt !== null ? { completedAt: r.completedAt } : {}),
    ...(r.answer !== null ? { answer: r.answer } : {}),
  };
}

function notFound(requestId: string): RequestError & { requestId: string } {
  return { error: 'INVALID_REQUEST', message: 'no request has this requestId', requestId };
}

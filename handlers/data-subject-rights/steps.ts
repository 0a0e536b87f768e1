/**
 * The workflow's steps, each idempotent: the workflow retries a step that failed (a store unreachable, the
 * worker killed between two stores), and the retry finishes what the first try left. Each step takes the
 * request id only, finds the subject's keyed hash in the request, and appends what it did to the audit
 * record. Nothing here ever sees a raw customer id, so none can reach a log or the workflow's history.
 */
import type { SubjectCache } from './cache';
import type { WorkerConfig } from './config';
import { deleteExports, exportKey, putExport } from './exports';
import type { RightsDatabase } from './postgres';
import {
  accessRequestsOf, audit, deleteTransactions, lockRequest, retainedOf, retainTransactions, subjectSummary, transactionsOf,
  updateRequest, writeTombstone, type RequestRecord, type RequestType,
} from './records';
import { residualCopyStatement } from './residual';
import { log } from '../transaction-processor/log';

/** What a step needs. */
export interface StepContext {
  readonly config: WorkerConfig;
  readonly database: RightsDatabase;
  readonly cache: SubjectCache;
}

/** The request, which must be of `type`; marked in progress unless complete. */
async function begin(ctx: StepContext, requestId: string, type: RequestType): Promise<RequestRecord> {
  return ctx.database.transaction(async c => {
    const request = await lockRequest(c, requestId);
    if (request.type !== type) throw new Error(`request ${requestId} is ${request.type}, not ${type}`);
    if (request.status !== 'COMPLETED') await updateRequest(c, requestId, 'IN_PROGRESS');
    return request;
  });
}

/** ERASE, first: the tombstones, in PostgreSQL (under the fence lock) and then in the cache. */
export async function fence(ctx: StepContext, requestId: string): Promise<void> {
  const request = await begin(ctx, requestId, 'ERASE');
  const hash = request.subjectHash;
  // A retry after the worker died between the stores finds its own tombstone: only a tombstone of another
  // request means the subject was erased before (a repeated erasure, recorded as a no-op).
  const erasedBy = await ctx.database.transaction(c => writeTombstone(c, hash, requestId));
  await ctx.cache.writeTombstone(hash, requestId, ctx.config.tombstoneTtlSeconds);
  const alreadyErased = erasedBy !== requestId;
  // The keyed hash (never the customer id), so that after a restore from an older backup the tombstones
  // can be written again from the log (docs/data-subject-rights.md, restores).
  log('rights-fence', { requestId, subjectHash: hash, alreadyErased });
  await ctx.database.transaction(async c => {
    await lockRequest(c, requestId);
    await updateRequest(c, requestId, 'IN_PROGRESS', { alreadyErased, ...(alreadyErased ? { erasedBy } : {}) });
    await audit(c, requestId, hash, 'fenced', { alreadyErased, cacheTombstoneTtlSeconds: ctx.config.tombstoneTtlSeconds });
  });
}

/** ERASE, second: the subject's rows (deleted, or minimized and blocked), cache keys and earlier exports. */
export async function erase(ctx: StepContext, requestId: string): Promise<void> {
  const request = await begin(ctx, requestId, 'ERASE');
  const hash = request.subjectHash;
  const erasure = ctx.config.erasure;
  const { transactions, retained, exports } = await ctx.database.transaction(async c => {
    const kept = erasure.mode === 'RETAIN_MINIMIZED' ? await retainTransactions(c, hash, requestId, erasure.legalBasis!, erasure.retainDays!) : 0;
    return { retained: kept, transactions: await deleteTransactions(c, hash), exports: await accessRequestsOf(c, hash) };
  });
  const cacheKeys = await ctx.cache.erase(hash);
  const exportsDeleted = await deleteExports(ctx.config.exportBucket, exports);
  await ctx.database.transaction(async c => {
    await lockRequest(c, requestId);
    await updateRequest(c, requestId, 'IN_PROGRESS', { deleted: { transactions, cacheKeys, exports: exportsDeleted }, retained });
    await audit(c, requestId, hash, 'erased', { mode: erasure.mode, transactions, retained, cacheKeys, exports: exportsDeleted });
  });
}

/**
 * ERASE, last, once the processor's in-flight batches are past: delete again, verify that neither store
 * holds anything of the subject and that both tombstones are in place, and answer with the residual copies.
 * A failed verification fails the step (the workflow retries it; then the request is marked failed).
 */
export async function sweep(ctx: StepContext, requestId: string): Promise<void> {
  const request = await begin(ctx, requestId, 'ERASE');
  const hash = request.subjectHash;
  const swept = await ctx.database.transaction(c => deleteTransactions(c, hash));
  const sweptKeys = await ctx.cache.erase(hash);
  const summary = await ctx.database.withClient(c => subjectSummary(c, hash));
  const cached = await ctx.cache.count(hash);
  const problems = [
    ...(summary.transactions > 0 ? [`${summary.transactions} transaction row(s) remain`] : []),
    ...(summary.erasedAt === null ? ['the PostgreSQL tombstone is missing'] : []),
    ...(cached.keys > 0 ? [`${cached.keys} cache key(s) remain`] : []),
    ...(!cached.tombstone ? ['the cache tombstone is missing'] : []),
  ];
  if (problems.length > 0) throw new Error(`erasure of request ${requestId} not verified: ${problems.join('; ')}`);

  const erasedAt = summary.erasedAt!;
  const completedAt = new Date();
  const erasure = ctx.config.erasure;
  const answer = {
    erasedAt,
    verifiedAt: completedAt.toISOString(),
    mode: erasure.mode,
    ...(erasure.mode === 'RETAIN_MINIMIZED'
      ? { legalBasis: erasure.legalBasis, retainedUntil: summary.retainedUntil, retainedTransactions: summary.retained }
      : {}),
    swept: { transactions: swept, cacheKeys: sweptKeys },
    residualCopies: residualCopyStatement(ctx.config.residualCopies, completedAt),
  };
  await ctx.database.transaction(async c => {
    await lockRequest(c, requestId);
    const noOp = (request.answer as { alreadyErased?: boolean } | null)?.alreadyErased === true;
    await updateRequest(c, requestId, 'COMPLETED', answer);
    await audit(c, requestId, hash, 'completed', { verified: true, swept: answer.swept, alreadyErased: noOp, residualCopies: answer.residualCopies.length });
  });
}

/** ACCESS: the subject's data and the declaration of Art. 19 II, written to the export bucket. */
export async function exportSubject(ctx: StepContext, requestId: string): Promise<void> {
  const request = await begin(ctx, requestId, 'ACCESS');
  const hash = request.subjectHash;
  const { transactions, retained, summary } = await ctx.database.withClient(async c => ({
    transactions: await transactionsOf(c, hash),
    retained: await retainedOf(c, hash),
    summary: await subjectSummary(c, hash),
  }));
  const cached = await ctx.cache.read(hash);
  const generatedAt = new Date();
  const document = {
    format: 'lgpd-data-subject-export/1',
    requestId,
    receivedAt: request.receivedAt,
    generatedAt: generatedAt.toISOString(),
    declaration: {
      controller: ctx.config.declaration.controller,
      origin: ctx.config.declaration.origin,
      purposes: ctx.config.declaration.purposes,
      criteria: ctx.config.declaration.criteria,
      recipients: ctx.config.declaration.recipients,
      existence: transactions.length + retained.length + cached.transactions.length > 0 || Object.keys(cached.state).length > 0,
    },
    subject: {
      customerIds: [...new Set(transactions.map(t => t.customerId))],
      erased: summary.erasedAt !== null,
      ...(summary.erasedAt !== null ? { erasedAt: summary.erasedAt } : {}),
    },
    data: {
      transactions: transactions.map(({ customerId: _, ...t }) => t),
      customerState: Object.keys(cached.state).length > 0 || cached.transactions.length > 0
        ? {
          ...cached.state,
          recentTransactions: cached.transactions.map(t => ({ transactionId: t.transactionId, at: new Date(t.eventMs).toISOString() })),
        }
        : null,
      retainedTransactions: retained,
    },
  };
  const bytes = await putExport(ctx.config.exportBucket, requestId, document);
  const expiresAt = new Date(generatedAt.getTime() + ctx.config.exportExpirationDays * 86_400_000).toISOString();
  await ctx.database.transaction(async c => {
    await lockRequest(c, requestId);
    await updateRequest(c, requestId, 'COMPLETED', {
      export: { bucket: ctx.config.exportBucket, key: exportKey(requestId), bytes, expiresAt },
      transactions: transactions.length,
      retainedTransactions: retained.length,
    });
    await audit(c, requestId, hash, 'exported', { transactions: transactions.length, retained: retained.length, bytes });
  });
}

/** The workflow gave up on the request: it is marked failed (an operator starts it again). */
export async function fail(ctx: StepContext, requestId: string): Promise<void> {
  await ctx.database.transaction(async c => {
    const request = await lockRequest(c, requestId);
    if (request.status === 'COMPLETED') return;
    await updateRequest(c, requestId, 'FAILED');
    await audit(c, requestId, request.subjectHash, 'failed', {});
  });
}

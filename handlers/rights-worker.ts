/**
 * The data-subject-rights worker: the task states of the rights workflow (Step Functions), each invoked
 * with `{ "requestId": "...", "step": "fence" | "erase" | "sweep" | "export" | "fail" }`, and the
 * scheduled deadline check, invoked with `{ "step": "deadlines" }`. It returns nothing the workflow
 * keeps (the task states discard the result): the execution's history holds the request id and the
 * step names only. Steps: data-subject-rights/steps.ts.
 *
 * Bundled by `npx projen bundle` into assets/handlers/rights-worker/index.js, handler `index.handler`.
 */
import { publishMetrics } from './common/metrics';
import { SubjectCache } from './data-subject-rights/cache';
import { readWorkerConfig } from './data-subject-rights/config';
import { RightsDatabase } from './data-subject-rights/postgres';
import { openRequestCounts, purgeExpiredRetained, verifyAuditChain } from './data-subject-rights/records';
import { erase, exportSubject, fail, fence, sweep, type StepContext } from './data-subject-rights/steps';
import { log } from './transaction-processor/log';
import { RIGHTS_METRICS, RIGHTS_STEPS } from '../src/private/rights-contract';

let context: StepContext | undefined;

function theContext(): StepContext {
  if (context === undefined) {
    const config = readWorkerConfig();
    context = {
      config,
      database: new RightsDatabase(config.database, 'lgpd-rights-worker'),
      cache: new SubjectCache(config.cache, 'lgpd-rights-worker'),
    };
  }
  return context;
}

const STEPS: Record<string, (ctx: StepContext, requestId: string) => Promise<void>> = {
  [RIGHTS_STEPS.fence]: fence,
  [RIGHTS_STEPS.erase]: erase,
  [RIGHTS_STEPS.sweep]: sweep,
  [RIGHTS_STEPS.export]: exportSubject,
  [RIGHTS_STEPS.fail]: fail,
};

const REQUEST_ID = /^(access|erase)-[0-9a-f-]{36}$/;

export async function handler(event: { requestId?: unknown; step?: unknown }): Promise<{ requestId?: string }> {
  const started = Date.now();
  const ctx = theContext();
  if (event.step === RIGHTS_STEPS.deadlines) {
    await deadlines(ctx);
    return {};
  }
  const step = typeof event.step === 'string' ? STEPS[event.step] : undefined;
  if (step === undefined || typeof event.requestId !== 'string' || !REQUEST_ID.test(event.requestId)) {
    throw new Error(`the worker takes { requestId, step } with step one of ${Object.keys(STEPS).join(', ')}, or { step: '${RIGHTS_STEPS.deadlines}' }`);
  }
  await step(ctx, event.requestId);
  log('rights-step', { requestId: event.requestId, step: event.step, ms: Date.now() - started });
  return { requestId: event.requestId };
}

/** Requests near or past their due date, the audit chain, and retained rows whose time is up. */
async function deadlines(ctx: StepContext): Promise<void> {
  const { counts, chain, purged } = await ctx.database.withClient(async c => ({
    counts: await openRequestCounts(c, ctx.config.dueWarningSeconds),
    chain: await verifyAuditChain(c),
    purged: await purgeExpiredRetained(c),
  }));
  publishMetrics(ctx.config.pipeline, {
    [RIGHTS_METRICS.nearDue]: counts.nearDue,
    [RIGHTS_METRICS.overdue]: counts.overdue,
    [RIGHTS_METRICS.auditChainBroken]: chain.firstBrokenSeq === null ? 0 : 1,
  });
  log('rights-deadlines', { ...counts, auditRowsChecked: chain.rowsChecked, auditFirstBrokenSeq: chain.firstBrokenSeq, retainedPurged: purged });
}

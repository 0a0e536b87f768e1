/**
 * The rights job's statements, on the tables of migration 0002 (handlers/schema-migrations/migrations/
 * 0002_data_subject_rights.sql). Each takes the client of a transaction the caller holds. Subjects are
 * named by their keyed hash only; the one statement that takes a raw customer id is `claimLegacyRows`,
 * run by the request function while it holds the request.
 */
import type { PoolClient } from 'pg';

export type RequestType = 'CONFIRM' | 'ACCESS' | 'ERASE';
export type RequestStatus = 'RECEIVED' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** A request as the table holds it. */
export interface RequestRecord {
  readonly requestId: string;
  readonly type: RequestType;
  readonly subjectHash: string;
  readonly reference: string | null;
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly status: RequestStatus;
  readonly completedAt: string | null;
  readonly answer: Record<string, unknown> | null;
}

const ISO = (column: string, as = column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${as}`;
const REQUEST_COLUMNS = `request_id AS "requestId", type, subject_hash AS "subjectHash", reference, ${ISO('received_at', '"receivedAt"')},
  ${ISO('due_at', '"dueAt"')}, status, ${ISO('completed_at', '"completedAt"')}, answer`;

/**
 * Gives rows stored before migration 0002 (no keyed hash yet) their subject's keyed hash, so the
 * subject's every row is found by it. Returns how many rows it claimed.
 */
export async function claimLegacyRows(c: PoolClient, subjectHash: string, customerId: string): Promise<number> {
  const result = await c.query('UPDATE public.transactions SET customer_hash = $1 WHERE customer_id = $2 AND customer_hash IS NULL', [subjectHash, customerId]);
  return result.rowCount ?? 0;
}

/** Records a new request; `due` is seconds from now. */
/** A request to record. */
export interface NewRequest {
  readonly requestId: string;
  readonly type: RequestType;
  readonly subjectHash: string;
  readonly reference?: string;
  readonly dueSeconds: number;
  readonly status: RequestStatus;
  readonly answer?: object;
}

export async function insertRequest(c: PoolClient, r: NewRequest): Promise<RequestRecord> {
  const result = await c.query(`INSERT INTO public.lgpd_rights_requests (request_id, type, subject_hash, reference, due_at, status, completed_at, answer)
      VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6, CASE WHEN $6 = 'COMPLETED' THEN now() END, $7)
      RETURNING ${REQUEST_COLUMNS}`,
  [r.requestId, r.type, r.subjectHash, r.reference ?? null, r.dueSeconds, r.status, r.answer === undefined ? null : JSON.stringify(r.answer)]);
  return result.rows[0] as RequestRecord;
}

/** The request, or undefined. */
export async function findRequest(c: PoolClient, requestId: string): Promise<RequestRecord | undefined> {
  const result = await c.query(`SELECT ${REQUEST_COLUMNS} FROM public.lgpd_rights_requests WHERE request_id = $1`, [requestId]);
  return result.rows[0] as RequestRecord | undefined;
}

/** The request, locked for this transaction (one worker step at a time per request). */
export async function lockRequest(c: PoolClient, requestId: string): Promise<RequestRecord> {
  const result = await c.query(`SELECT ${REQUEST_COLUMNS} FROM public.lgpd_rights_requests WHERE request_id = $1 FOR UPDATE`, [requestId]);
  if (result.rows.length === 0) throw new Error(`request ${requestId} does not exist`);
  return result.rows[0] as RequestRecord;
}

/** Moves a request on, merging `answer` into what it has. A completed request stays completed. */
export async function updateRequest(c: PoolClient, requestId: string, status: RequestStatus, answer?: object): Promise<void> {
  await c.query(`UPDATE public.lgpd_rights_requests
      SET status = CASE WHEN status = 'COMPLETED' THEN status ELSE $2 END,
          updated_at = now(),
          completed_at = CASE WHEN $2 = 'COMPLETED' THEN coalesce(completed_at, now()) ELSE completed_at END,
          answer = CASE WHEN $3::jsonb IS NULL THEN answer ELSE coalesce(answer, '{}'::jsonb) || $3::jsonb END
      WHERE request_id = $1`, [requestId, status, answer === undefined ? null : JSON.stringify(answer)]);
}

/** Appends one event to the audit record (the chain is extended by the table's trigger). */
export async function audit(c: PoolClient, requestId: string, subjectHash: string, event: string, detail: object = {}): Promise<void> {
  await c.query('INSERT INTO public.lgpd_rights_audit (request_id, subject_hash, event, detail) VALUES ($1, $2, $3, $4)',
    [requestId, subjectHash, event, JSON.stringify(detail)]);
}

/** What PostgreSQL holds of a subject: counts and time span, for CONFIRM and the verification. */
export interface SubjectSummary {
  readonly transactions: number;
  readonly firstAt: string | null;
  readonly lastAt: string | null;
  readonly retained: number;
  readonly retainedUntil: string | null;
  readonly erasedAt: string | null;
}

export async function subjectSummary(c: PoolClient, subjectHash: string): Promise<SubjectSummary> {
  const result = await c.query(`SELECT
      (SELECT count(*)::int FROM public.transactions WHERE customer_hash = $1) AS transactions,
      (SELECT ${ISO('min(occurred_at)', 'x')} FROM public.transactions WHERE customer_hash = $1) AS "firstAt",
      (SELECT ${ISO('max(occurred_at)', 'x')} FROM public.transactions WHERE customer_hash = $1) AS "lastAt",
      (SELECT count(*)::int FROM public.lgpd_retained_transactions WHERE subject_hash = $1) AS retained,
      (SELECT ${ISO('max(retain_until)', 'x')} FROM public.lgpd_retained_transactions WHERE subject_hash = $1) AS "retainedUntil",
      (SELECT ${ISO('erased_at', 'x')} FROM public.lgpd_erased_subjects WHERE subject_hash = $1) AS "erasedAt"`, [subjectHash]);
  return result.rows[0] as SubjectSummary;
}

/**
 * The fence in PostgreSQL: the tombstone, written while holding a SHARE lock on the transactions table,
 * which waits for the inserts in flight to commit (their rows are then deleted by the erasure) and holds
 * new ones back until the tombstone is committed (their trigger then sees it). Returns the request that
 * wrote the tombstone: this one, or an earlier erasure of the same subject.
 */
export async function writeTombstone(c: PoolClient, subjectHash: string, requestId: string): Promise<string> {
  await c.query("SET LOCAL lock_timeout = '20s'");
  await c.query('LOCK TABLE public.transactions IN SHARE MODE');
  await c.query(`INSERT INTO public.lgpd_erased_subjects (subject_hash, request_id) VALUES ($1, $2)
      ON CONFLICT (subject_hash) DO NOTHING`, [subjectHash, requestId]);
  const result = await c.query('SELECT request_id FROM public.lgpd_erased_subjects WHERE subject_hash = $1', [subjectHash]);
  return result.rows[0].request_id as string;
}

/** Whether the subject's tombstone is in PostgreSQL. */
export async function hasTombstone(c: PoolClient, subjectHash: string): Promise<boolean> {
  const result = await c.query('SELECT 1 FROM public.lgpd_erased_subjects WHERE subject_hash = $1', [subjectHash]);
  return result.rows.length === 1;
}

/** Deletes the subject's transactions; returns how many. */
export async function deleteTransactions(c: PoolClient, subjectHash: string): Promise<number> {
  const result = await c.query('DELETE FROM public.transactions WHERE customer_hash = $1', [subjectHash]);
  return result.rowCount ?? 0;
}

/**
 * Blocking instead of deletion: the subject's transactions minimized (no customer id, no stream
 * position; the keyed hash instead) into the retained table, kept for `retainDays`. Returns how many.
 */
export async function retainTransactions(c: PoolClient, subjectHash: string, requestId: string,
  legalBasis: string, retainDays: number): Promise<number> {
  const result = await c.query(`INSERT INTO public.lgpd_retained_transactions
        (transaction_id, subject_hash, amount, currency, occurred_at, legal_basis, request_id, retain_until)
      SELECT transaction_id, customer_hash, amount, currency, occurred_at, $2, $3, now() + make_interval(days => $4)
      FROM public.transactions WHERE customer_hash = $1
      ON CONFLICT (transaction_id) DO NOTHING`, [subjectHash, legalBasis, requestId, retainDays]);
  return result.rowCount ?? 0;
}

/** The earlier access requests of a subject, whose exports an erasure deletes. */
export async function accessRequestsOf(c: PoolClient, subjectHash: string): Promise<string[]> {
  const result = await c.query("SELECT request_id FROM public.lgpd_rights_requests WHERE subject_hash = $1 AND type = 'ACCESS' ORDER BY request_id", [subjectHash]);
  return result.rows.map(r => r.request_id as string);
}

/** A transaction as the export shows it. */
export interface ExportedTransaction {
  readonly transactionId: string;
  readonly customerId: string;
  readonly amount: string;
  readonly currency: string;
  readonly occurredAt: string;
  readonly storedAt: string;
}

/** The subject's transactions, oldest first. */
export async function transactionsOf(c: PoolClient, subjectHash: string): Promise<ExportedTransaction[]> {
  const result = await c.query({
    text: `SELECT transaction_id AS "transactionId", customer_id AS "customerId", amount::text AS amount, currency,
        ${ISO('occurred_at', '"occurredAt"')}, ${ISO('stored_at', '"storedAt"')}
      FROM public.transactions WHERE customer_hash = $1 ORDER BY occurred_at, transaction_id`,
    values: [subjectHash],
  });
  return result.rows as ExportedTransaction[];
}

/** The subject's retained (minimized, blocked) transactions, oldest first. */
export async function retainedOf(c: PoolClient, subjectHash: string): Promise<object[]> {
  const result = await c.query(`SELECT transaction_id AS "transactionId", amount::text AS amount, currency, ${ISO('occurred_at', '"occurredAt"')},
        legal_basis AS "legalBasis", ${ISO('retain_until', '"retainUntil"')}
      FROM public.lgpd_retained_transactions WHERE subject_hash = $1 ORDER BY occurred_at, transaction_id`, [subjectHash]);
  return result.rows;
}

/** Open requests near (within `warningSeconds`) and past their due date. */
export async function openRequestCounts(c: PoolClient, warningSeconds: number): Promise<{ nearDue: number; overdue: number }> {
  const result = await c.query(`SELECT
      count(*) FILTER (WHERE due_at < now() + make_interval(secs => $1))::int AS "nearDue",
      count(*) FILTER (WHERE due_at < now())::int AS overdue
    FROM public.lgpd_rights_requests WHERE status <> 'COMPLETED'`, [warningSeconds]);
  return result.rows[0] as { nearDue: number; overdue: number };
}

/** The audit chain check: rows read, and the first broken row's seq (null when the chain holds). */
export async function verifyAuditChain(c: PoolClient): Promise<{ rowsChecked: number; firstBrokenSeq: number | null }> {
  const result = await c.query('SELECT rows_checked::int AS "rowsChecked", first_broken_seq::int AS "firstBrokenSeq" FROM public.lgpd_rights_audit_verify()');
  return result.rows[0] as { rowsChecked: number; firstBrokenSeq: number | null };
}

/** Deletes retained rows whose retention has ended; returns how many. */
export async function purgeExpiredRetained(c: PoolClient): Promise<number> {
  const result = await c.query('DELETE FROM public.lgpd_retained_transactions WHERE retain_until < now()');
  return result.rowCount ?? 0;
}

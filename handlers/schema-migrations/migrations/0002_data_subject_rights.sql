-- 0002: data-subject rights (LGPD Art. 18, 19 and 37): the rights job's role, its requests, the
-- tombstones of erased subjects (the fence), the rows kept under a legal obligation, and the
-- append-only, hash-chained audit record. The transactions table gains the subject's keyed hash and a
-- trigger that drops the rows of erased subjects.
--
-- A subject is known here only by its keyed hash: HMAC-SHA256 of the customer id with the pipeline's
-- subject key (a Secrets Manager secret, never in PostgreSQL), as 64 lower-case hex digits. No table
-- of this migration holds a raw customer id.
--
-- Runs as the RDS master user, in one transaction, after 0001 (which revoked PUBLIC's privileges).

-- ---- The transactions table ----------------------------------------------------------------------

-- The subject's keyed hash, written by the processor with every row. Rows stored before this column
-- existed have none; the rights function sets it for a subject's rows when a request names the subject.
-- Its length is checked per row (a regular expression per row cost the processor's insert noticeably);
-- the tombstones, which are few, check the whole format.
ALTER TABLE public.transactions ADD COLUMN customer_hash text
  CONSTRAINT transactions_customer_hash_length CHECK (char_length(customer_hash) = 64);
-- A subject is found by its keyed hash now, in time order (export, erasure): this index replaces the one
-- by customer id, so an insert maintains as many indexes as before. Rows without a keyed hash (stored
-- before this migration) keep a small partial index by customer id, for the request that names them.
CREATE INDEX transactions_customer_hash_idx ON public.transactions (customer_hash, occurred_at);
CREATE INDEX transactions_legacy_customer_idx ON public.transactions (customer_id) WHERE customer_hash IS NULL;
DROP INDEX public.transactions_customer_occurred_idx;

-- Subjects erased, or blocked under a legal obligation: what the fence refuses to store again.
CREATE TABLE public.lgpd_erased_subjects (
  subject_hash text PRIMARY KEY CHECK (subject_hash ~ '^[0-9a-f]{64}$'),
  request_id   text NOT NULL,
  erased_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.lgpd_erased_subjects IS 'LGPD data-subject rights: keyed hashes of erased or blocked subjects, whose records the transactions table drops';

-- The fence: a row of an erased subject is dropped (not stored, not returned by RETURNING), and a row
-- without the subject's keyed hash is refused, since it could never be found, exported or erased (its
-- format is the column's CHECK). The erasure takes a SHARE lock on the table while it writes a tombstone,
-- so an insert either committed before the tombstone (and is deleted after it) or sees it here. The
-- message carries no value of the row: PostgreSQL's log must not. It runs for every row the processor
-- inserts, so it is kept to a NULL test and one index probe: SECURITY INVOKER, with no SET clause (a
-- SECURITY DEFINER function with its own search_path costs a user and GUC switch per row, which made the
-- processor 20% slower in bench:processor); the inserting roles may read the tombstones (keyed hashes
-- only), and every name in it is schema-qualified.
CREATE FUNCTION public.lgpd_transactions_fence() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.customer_hash IS NULL THEN
    RAISE EXCEPTION 'transactions.customer_hash must be the subject''s keyed hash (HMAC-SHA256 of customer_id with the pipeline''s subject key, 64 lower-case hex digits)'
      USING ERRCODE = 'not_null_violation';
  END IF;
  PERFORM FROM public.lgpd_erased_subjects WHERE subject_hash = NEW.customer_hash;
  IF FOUND THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER lgpd_transactions_fence BEFORE INSERT ON public.transactions
  FOR EACH ROW EXECUTE FUNCTION public.lgpd_transactions_fence();

-- ---- Requests and rows kept under a legal obligation -----------------------------------------------

CREATE TABLE public.lgpd_rights_requests (
  request_id   text PRIMARY KEY CHECK (request_id ~ '^(confirm|access|erase)-[0-9a-f-]{36}$'),
  type         text NOT NULL CHECK (type IN ('CONFIRM', 'ACCESS', 'ERASE')),
  subject_hash text NOT NULL CHECK (subject_hash ~ '^[0-9a-f]{64}$'),
  reference    text,
  received_at  timestamptz NOT NULL DEFAULT now(),
  due_at       timestamptz NOT NULL,
  status       text NOT NULL CHECK (status IN ('RECEIVED', 'IN_PROGRESS', 'COMPLETED', 'FAILED')),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  answer       jsonb
);
CREATE INDEX lgpd_rights_requests_subject_idx ON public.lgpd_rights_requests (subject_hash);
CREATE INDEX lgpd_rights_requests_open_idx ON public.lgpd_rights_requests (due_at) WHERE status <> 'COMPLETED';
COMMENT ON TABLE public.lgpd_rights_requests IS 'LGPD data-subject rights: each request, its due date and its answer (no raw customer id)';

-- Blocking instead of erasure (Art. 16 I, Art. 18 §4 ... a legal obligation such as tax records): the
-- subject's transactions minimized to what the obligation needs, under the keyed hash, until retain_until.
CREATE TABLE public.lgpd_retained_transactions (
  transaction_id text PRIMARY KEY,
  subject_hash   text NOT NULL CHECK (subject_hash ~ '^[0-9a-f]{64}$'),
  amount         numeric(15,2) NOT NULL,
  currency       char(3) NOT NULL,
  occurred_at    timestamptz NOT NULL,
  legal_basis    text NOT NULL,
  request_id     text NOT NULL,
  retained_at    timestamptz NOT NULL DEFAULT now(),
  retain_until   timestamptz NOT NULL
);
CREATE INDEX lgpd_retained_transactions_subject_idx ON public.lgpd_retained_transactions (subject_hash);
CREATE INDEX lgpd_retained_transactions_until_idx ON public.lgpd_retained_transactions (retain_until);
COMMENT ON TABLE public.lgpd_retained_transactions IS 'LGPD data-subject rights: transactions of blocked subjects, minimized and kept for a stated legal basis until retain_until';

-- ---- The audit record (Art. 37) -------------------------------------------------------------------

-- Append-only and hash-chained: each row's row_hash is SHA-256 of the previous row's row_hash and this
-- row's fields, so changing a byte of any row, or removing one from the middle, breaks the chain.
CREATE TABLE public.lgpd_rights_audit (
  seq           bigint PRIMARY KEY,
  recorded_at   timestamptz NOT NULL,
  request_id    text NOT NULL,
  subject_hash  text NOT NULL CHECK (subject_hash ~ '^[0-9a-f]{64}$'),
  event         text NOT NULL,
  detail        jsonb NOT NULL DEFAULT '{}',
  recorded_by   text NOT NULL,
  previous_hash text NOT NULL,
  row_hash      text NOT NULL
);
COMMENT ON TABLE public.lgpd_rights_audit IS 'LGPD data-subject rights: every request and step, append-only and hash-chained (lgpd_rights_audit_verify)';

-- The hash of one row: its fields in a fixed text form (UTC timestamps, jsonb's canonical text).
CREATE FUNCTION public.lgpd_rights_audit_row_hash(previous_hash text, seq bigint, recorded_at timestamptz, request_id text,
    subject_hash text, event text, detail jsonb, recorded_by text) RETURNS text
  LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\n', previous_hash, seq::text,
    to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), request_id, subject_hash, event, detail::text,
    recorded_by), 'UTF8')), 'hex')
$$;

-- Extends the chain: one writer at a time (a transaction-scoped advisory lock, held to its commit), the
-- next sequence number and the previous hash read under it, so the chain has no gap and no fork.
CREATE FUNCTION public.lgpd_rights_audit_chain() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  last record;
BEGIN
  PERFORM pg_advisory_xact_lock(1279742020, 1);  -- 0x4c475044, 'LGPD' in ASCII; 1: the audit chain
  SELECT a.seq, a.row_hash INTO last FROM public.lgpd_rights_audit a ORDER BY a.seq DESC LIMIT 1;
  NEW.seq := coalesce(last.seq, 0) + 1;
  NEW.previous_hash := coalesce(last.row_hash, repeat('0', 64));
  NEW.recorded_at := clock_timestamp();
  NEW.recorded_by := session_user;
  NEW.row_hash := public.lgpd_rights_audit_row_hash(NEW.previous_hash, NEW.seq, NEW.recorded_at, NEW.request_id,
    NEW.subject_hash, NEW.event, NEW.detail, NEW.recorded_by);
  RETURN NEW;
END $$;
CREATE TRIGGER lgpd_rights_audit_chain BEFORE INSERT ON public.lgpd_rights_audit
  FOR EACH ROW EXECUTE FUNCTION public.lgpd_rights_audit_chain();

-- Append-only for everyone, the table's owner included (the rights role has no UPDATE or DELETE to
-- begin with): an UPDATE, DELETE or TRUNCATE is refused.
CREATE FUNCTION public.lgpd_rights_audit_refuse() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  RAISE EXCEPTION 'lgpd_rights_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER lgpd_rights_audit_append_only BEFORE UPDATE OR DELETE ON public.lgpd_rights_audit
  FOR EACH ROW EXECUTE FUNCTION public.lgpd_rights_audit_refuse();
CREATE TRIGGER lgpd_rights_audit_no_truncate BEFORE TRUNCATE ON public.lgpd_rights_audit
  FOR EACH STATEMENT EXECUTE FUNCTION public.lgpd_rights_audit_refuse();

-- The chain check: how many rows were read, and the first row (by seq) whose sequence number, previous
-- hash or own hash is not what the rows before it imply (NULL when the whole chain holds).
CREATE FUNCTION public.lgpd_rights_audit_verify(OUT rows_checked bigint, OUT first_broken_seq bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT count(*), min(seq) FILTER (WHERE broken) FROM (
    SELECT a.seq,
      a.seq <> row_number() OVER w
        OR a.previous_hash <> coalesce(lag(a.row_hash) OVER w, repeat('0', 64))
        OR a.row_hash <> public.lgpd_rights_audit_row_hash(a.previous_hash, a.seq, a.recorded_at, a.request_id,
          a.subject_hash, a.event, a.detail, a.recorded_by) AS broken
    FROM public.lgpd_rights_audit a
    WINDOW w AS (ORDER BY a.seq)
  ) chain
$$;

-- ---- The rights job's role ------------------------------------------------------------------------

-- Signs in like the processor (IAM database authentication by default; set by the runner after the
-- migrations). What each grant is for:
-- - transactions: SELECT (confirm, export, verify), DELETE (erase), UPDATE of customer_hash only (the
--   keyed hash of rows stored before 0002, set when a request names their subject);
-- - tombstones: SELECT and INSERT (the fence), never DELETE;
-- - requests: INSERT, SELECT, and UPDATE of the progress columns only;
-- - retained rows: INSERT and SELECT, DELETE once retain_until has passed (checked by the job);
-- - the audit record: INSERT only, and the chain check.
-- LOCK TABLE transactions IN SHARE MODE (the fence) is allowed by the DELETE privilege.
CREATE ROLE lgpd_rights LOGIN;
COMMENT ON ROLE lgpd_rights IS 'The LGPD pipeline''s data-subject rights job: requests, fence, export, erasure, audit';
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO lgpd_rights', current_database());
END $$;
GRANT USAGE ON SCHEMA public TO lgpd_rights;
GRANT SELECT, DELETE ON public.transactions TO lgpd_rights;
GRANT UPDATE (customer_hash) ON public.transactions TO lgpd_rights;
GRANT SELECT, INSERT ON public.lgpd_erased_subjects TO lgpd_rights;
GRANT SELECT, INSERT ON public.lgpd_rights_requests TO lgpd_rights;
GRANT UPDATE (status, updated_at, completed_at, answer) ON public.lgpd_rights_requests TO lgpd_rights;
GRANT SELECT, INSERT, DELETE ON public.lgpd_retained_transactions TO lgpd_rights;
GRANT INSERT ON public.lgpd_rights_audit TO lgpd_rights;
REVOKE ALL ON FUNCTION public.lgpd_transactions_fence(), public.lgpd_rights_audit_chain(), public.lgpd_rights_audit_refuse(),
  public.lgpd_rights_audit_row_hash(text, bigint, timestamptz, text, text, text, jsonb, text), public.lgpd_rights_audit_verify() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.lgpd_rights_audit_verify() TO lgpd_rights;

-- The processor's insert fires the fence, which reads the tombstones as the processor.
GRANT SELECT ON public.lgpd_erased_subjects TO lgpd_processor;

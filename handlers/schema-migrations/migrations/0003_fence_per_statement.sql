-- 0003: the fence of the transactions table runs once per statement, not once per row.
--
-- 0002's fence was a BEFORE INSERT trigger FOR EACH ROW: a PL/pgSQL call and an index probe for every
-- row the processor inserts, 0.3 ms of the 2.1 ms a 100-row batch spends in PostgreSQL, which made the
-- fence cost the processor 11% of its throughput (bench:processor). Now:
-- - The processor's insert leaves out the rows of erased subjects itself, with an anti-join on the
--   tombstones (handlers/transaction-processor/database.ts): they are neither stored nor returned.
-- - This trigger runs once per INSERT statement, over the rows it stored (a transition table). It refuses
--   a row without the subject's keyed hash, as 0002's did, and deletes any row of an erased subject that
--   the statement stored anyway: an INSERT by any other client, or the processor's own when a tombstone
--   was committed after its statement's snapshot was taken. Such a row is gone when the statement ends.
--   Its function runs as its owner (SECURITY DEFINER, with a fixed search_path), since the inserting
--   roles may not DELETE; once per statement, that costs nothing a batch notices.
-- The erasure still writes its tombstone under a SHARE lock on the table (handlers/data-subject-rights):
-- an insert either committed before the tombstone, and its rows are deleted after it, or meets it here.
--
-- Runs as the RDS master user, in one transaction, after 0002.

DROP TRIGGER lgpd_transactions_fence ON public.transactions;
DROP FUNCTION public.lgpd_transactions_fence();

CREATE FUNCTION public.lgpd_transactions_fence() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
  IF EXISTS (SELECT FROM stored WHERE customer_hash IS NULL) THEN
    RAISE EXCEPTION 'transactions.customer_hash must be the subject''s keyed hash (HMAC-SHA256 of customer_id with the pipeline''s subject key, 64 lower-case hex digits)'
      USING ERRCODE = 'not_null_violation';
  END IF;
  DELETE FROM public.transactions t
    USING stored s, public.lgpd_erased_subjects e
    WHERE e.subject_hash = s.customer_hash AND t.transaction_id = s.transaction_id;
  RETURN NULL;
END $$;
CREATE TRIGGER lgpd_transactions_fence AFTER INSERT ON public.transactions
  REFERENCING NEW TABLE AS stored
  FOR EACH STATEMENT EXECUTE FUNCTION public.lgpd_transactions_fence();
REVOKE ALL ON FUNCTION public.lgpd_transactions_fence() FROM PUBLIC;

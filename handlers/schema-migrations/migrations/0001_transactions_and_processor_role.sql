-- 0001: the transactions table, the processor's role and the version table.
--
-- The table is the one the reference processor created at run time before migrations existed
-- (same columns, same two indexes): on a database where it did, the table is adopted with its rows, and a
-- table of that name with other columns is refused. From here on nothing creates tables at run time.
--
-- Runs as the RDS master user (not a superuser: CREATEROLE, and owner of the database and of its
-- public schema), in one transaction, recorded in lgpd_schema_migrations by the runner.

CREATE TABLE IF NOT EXISTS public.transactions (
  transaction_id  text PRIMARY KEY,
  customer_id     text NOT NULL,
  amount          numeric(15,2) NOT NULL,
  currency        char(3) NOT NULL,
  occurred_at     timestamptz NOT NULL,
  shard_id        text NOT NULL,
  sequence_number text NOT NULL,
  stored_at       timestamptz NOT NULL DEFAULT now()
);

-- Adopted, not assumed: a table of that name with other columns, or without its primary key, is
-- refused before anything else is made.
DO $$
DECLARE
  found text;
  expected constant text := 'transaction_id text not null, customer_id text not null, amount numeric(15,2) not null, '
    'currency character(3) not null, occurred_at timestamp with time zone not null, shard_id text not null, '
    'sequence_number text not null, stored_at timestamp with time zone not null';
BEGIN
  SELECT string_agg(format('%s %s%s', attname, format_type(atttypid, atttypmod), CASE WHEN attnotnull THEN ' not null' ELSE '' END), ', ' ORDER BY attnum)
    INTO found
    FROM pg_attribute WHERE attrelid = 'public.transactions'::regclass AND attnum > 0 AND NOT attisdropped;
  IF found IS DISTINCT FROM expected THEN
    RAISE EXCEPTION 'public.transactions exists with other columns than the pipeline''s table: %', found
      USING HINT = 'Rename or move that table: the pipeline adopts only the table its processor created.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                 WHERE i.indrelid = 'public.transactions'::regclass AND i.indisprimary AND i.indnatts = 1 AND a.attname = 'transaction_id') THEN
    RAISE EXCEPTION 'public.transactions has no primary key on transaction_id, which the processor''s idempotent insert needs';
  END IF;
END $$;

CREATE INDEX IF NOT EXISTS transactions_customer_occurred_idx ON public.transactions (customer_id, occurred_at);
-- stored_at: what the cache re-applies after a failover is read in the order it was stored. On a table
-- adopted from a processor older than that index, it is built here (writes wait while it is built).
CREATE INDEX IF NOT EXISTS transactions_stored_idx ON public.transactions (stored_at);

-- The transaction processor: stores a batch (INSERT ... ON CONFLICT DO NOTHING RETURNING) and reads
-- back the rows stored before. Nothing else: no UPDATE, DELETE, TRUNCATE or DDL, nothing in other
-- schemas. How it signs in (IAM database authentication or its own password) is set by the runner
-- after the migrations, from the deployment's settings.
CREATE ROLE lgpd_processor LOGIN;
COMMENT ON ROLE lgpd_processor IS 'The LGPD pipeline''s transaction processor: INSERT and SELECT on public.transactions';

-- PUBLIC's default privileges: no CONNECT or TEMPORARY on the database, no USAGE on the public
-- schema, no EXECUTE on the functions the master user creates from now on. Each role gets what its
-- job needs, explicitly.
DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO lgpd_processor', current_database());
END $$;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

GRANT USAGE ON SCHEMA public TO lgpd_processor;
REVOKE ALL ON public.transactions FROM PUBLIC;
GRANT SELECT, INSERT ON public.transactions TO lgpd_processor;

-- One row per migration applied, written by the runner in the migration's own transaction.
CREATE TABLE public.lgpd_schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL DEFAULT current_user
);
COMMENT ON TABLE public.lgpd_schema_migrations IS 'Migrations applied by the LGPD pipeline''s schema runner (handlers/schema-migrations)';

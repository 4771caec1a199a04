-- invoice-sieve: backfill runs (`backfill --postgres`). Each run's decisions in their own rows, keyed by
-- (run_id, tenant_id, invoice_id), beside the production `decisions` table and never touching it: an
-- analyst compares a re-score with what the job decided before choosing to `--replace`. A run written
-- again (a retried backfill) rewrites its own rows.

CREATE TABLE backfill_decisions (
    run_id              text             NOT NULL,
    tenant_id           text             NOT NULL,
    invoice_id          text             NOT NULL,
    decision            text             NOT NULL CHECK (decision IN ('PASS', 'REVIEW', 'HOLD')),
    risk_score          double precision NOT NULL CHECK (risk_score >= 0 AND risk_score <= 1),
    reason_codes        text[]           NOT NULL,
    reasons             jsonb            NOT NULL,
    evidence            jsonb            NOT NULL,
    matched_invoice_ids text[]           NOT NULL,
    trace_id            text             NOT NULL,
    model_version       text             NOT NULL,
    job_version         text             NOT NULL,
    decided_at          timestamptz      NOT NULL,
    late                boolean          NOT NULL DEFAULT false,
    written_at          timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, tenant_id, invoice_id)
);

-- "What changed with this run": a run's rows against the production decisions.
CREATE INDEX backfill_decisions_invoice ON backfill_decisions (tenant_id, invoice_id);

-- The runtime role (sieve.jdbc.user) writes and reads runs; removing a run is the owner's job.
REVOKE ALL ON TABLE backfill_decisions FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON TABLE backfill_decisions TO "${runtime_user}";

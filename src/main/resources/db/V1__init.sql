-- invoice-sieve system of record, version 1. Applied by `invoice-sieve init` (SchemaMigrations),
-- recorded in schema_version; never edit an applied version, add V2__... instead.

-- The invoice as the job saw it (the part of it that a decision refers to).
CREATE TABLE invoices (
    tenant_id       text           NOT NULL,
    invoice_id      text           NOT NULL,
    vendor_id       text           NOT NULL,
    invoice_number  text           NOT NULL,
    invoice_date    date           NOT NULL,
    amount          numeric(20, 4) NOT NULL,
    currency        text           NOT NULL,
    event_time      timestamptz    NOT NULL,
    description     text,
    remit_account   text,
    source          text,
    trace_id        text           NOT NULL,
    first_written   timestamptz    NOT NULL DEFAULT now(),
    last_written    timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, invoice_id)
);

-- One row per (tenant_id, invoice_id): the job upserts it (INSERT ... ON CONFLICT DO UPDATE), so a
-- restart or replay rewrites the same row instead of adding one.
CREATE TABLE decisions (
    tenant_id           text             NOT NULL,
    invoice_id          text             NOT NULL,
    decision            text             NOT NULL CHECK (decision IN ('PASS', 'REVIEW', 'HOLD')),
    risk_score          double precision NOT NULL CHECK (risk_score >= 0 AND risk_score <= 1),
    reason_codes        text[]           NOT NULL,
    reasons             jsonb            NOT NULL,  -- [{code, score, detail, evidence}], as on Kafka
    evidence            jsonb            NOT NULL,  -- {reason code: evidence}, for queries by fact
    matched_invoice_ids text[]           NOT NULL,
    trace_id            text             NOT NULL,
    model_version       text             NOT NULL,
    job_version         text             NOT NULL,
    decided_at          timestamptz      NOT NULL,
    late                boolean          NOT NULL DEFAULT false,
    write_count         integer          NOT NULL DEFAULT 1,  -- > 1: written again by a restart or replay
    first_written       timestamptz      NOT NULL DEFAULT now(),
    last_written        timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, invoice_id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, invoice_id)
);

-- The runbook's `SELECT decision, risk_score FROM decisions WHERE invoice_id = ...` (no tenant at hand).
CREATE INDEX decisions_invoice_id ON decisions (invoice_id);
-- The analysts' queue in SQL: open flags by time.
CREATE INDEX decisions_flagged ON decisions (decided_at) WHERE decision <> 'PASS';
CREATE INDEX decisions_reason_codes ON decisions USING gin (reason_codes);

-- Audit trail: one row per write of a decision (insert or update), filled by a trigger so that every
-- writer is covered (the job, a replay, a manual correction by a DBA), append-only.
CREATE TABLE decision_audit (
    audit_id      bigserial        PRIMARY KEY,
    tenant_id     text             NOT NULL,
    invoice_id    text             NOT NULL,
    operation     text             NOT NULL,  -- INSERT or UPDATE
    decision      text             NOT NULL,
    risk_score    double precision NOT NULL,
    reason_codes  text[]           NOT NULL,
    previous_decision text,
    trace_id      text             NOT NULL,
    job_version   text             NOT NULL,
    decided_at    timestamptz      NOT NULL,
    written_at    timestamptz      NOT NULL DEFAULT clock_timestamp(),
    written_by    text             NOT NULL DEFAULT current_user
);
CREATE INDEX decision_audit_invoice ON decision_audit (tenant_id, invoice_id);

CREATE FUNCTION decision_audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO decision_audit (tenant_id, invoice_id, operation, decision, risk_score, reason_codes,
                                previous_decision, trace_id, job_version, decided_at)
    VALUES (NEW.tenant_id, NEW.invoice_id, TG_OP, NEW.decision, NEW.risk_score, NEW.reason_codes,
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.decision END, NEW.trace_id, NEW.job_version, NEW.decided_at);
    RETURN NULL;
END
$$;

CREATE TRIGGER decisions_audit AFTER INSERT OR UPDATE ON decisions
    FOR EACH ROW EXECUTE FUNCTION decision_audit_write();

CREATE FUNCTION decision_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'decision_audit is append-only';
END
$$;

CREATE TRIGGER decision_audit_append_only BEFORE UPDATE OR DELETE ON decision_audit
    FOR EACH ROW EXECUTE FUNCTION decision_audit_append_only();

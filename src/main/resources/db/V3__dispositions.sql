-- invoice-sieve: the analysts' loop. Every disposition and control change the job receives, as
-- received (control_changes: who, when, what), and the dispositions in columns for training and
-- audits. Both append-only, written by the job's control-audit sink (sinks/PostgresControlSink),
-- idempotent on the change id (a replay writes nothing twice). V3 because the security work adds V2
-- (roles): check the numbering when merging.

CREATE TABLE control_changes (
    change_id     text        PRIMARY KEY,   -- disposition_id or control_id
    origin        text        NOT NULL CHECK (origin IN ('disposition', 'control')),
    change_type   text        NOT NULL,      -- control/ControlType
    verdict       text,                      -- dispositions only
    tenant_id     text,
    vendor_id     text,
    invoice_id    text,
    revoke        boolean     NOT NULL DEFAULT false,
    actor         text        NOT NULL,      -- the analyst or operator who made the change
    changed_at    timestamptz NOT NULL,      -- when they made it
    note          text,
    payload       jsonb       NOT NULL,      -- the record as received (accounts only as SHA-256 and masked)
    received_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    received_by   text        NOT NULL DEFAULT current_user
);
CREATE INDEX control_changes_tenant ON control_changes (tenant_id, changed_at);

CREATE TABLE dispositions (
    disposition_id         text        PRIMARY KEY REFERENCES control_changes (change_id),
    tenant_id              text        NOT NULL,
    invoice_id             text        NOT NULL,
    vendor_id              text        NOT NULL,
    verdict                text        NOT NULL CHECK (verdict IN ('CONFIRMED_DUPLICATE', 'NOT_DUPLICATE', 'FRAUD',
                                           'FALSE_POSITIVE', 'BANK_ACCOUNT_VERIFIED', 'SAME_SUPPLIER', 'DIFFERENT_SUPPLIERS')),
    reason_code            text,
    matched_invoice_id     text,
    other_vendor_id        text,
    account_sha256         text,
    account_masked         text,
    model_version          text,
    analyst                text        NOT NULL,
    decided_at             timestamptz NOT NULL,
    note                   text,
    payload                jsonb       NOT NULL,
    recorded_at            timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX dispositions_invoice ON dispositions (tenant_id, invoice_id);
CREATE INDEX dispositions_verdict ON dispositions (verdict, decided_at);

-- The latest verdict per (decision, matched invoice): what the train command reads.
CREATE VIEW latest_dispositions AS
    SELECT DISTINCT ON (tenant_id, invoice_id, coalesce(matched_invoice_id, ''), verdict IN ('CONFIRMED_DUPLICATE', 'NOT_DUPLICATE')) *
    FROM dispositions
    ORDER BY tenant_id, invoice_id, coalesce(matched_invoice_id, ''), verdict IN ('CONFIRMED_DUPLICATE', 'NOT_DUPLICATE'), decided_at DESC;

CREATE FUNCTION analysts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;

CREATE TRIGGER control_changes_append_only BEFORE UPDATE OR DELETE ON control_changes
    FOR EACH ROW EXECUTE FUNCTION analysts_append_only();
CREATE TRIGGER dispositions_append_only BEFORE UPDATE OR DELETE ON dispositions
    FOR EACH ROW EXECUTE FUNCTION analysts_append_only();

-- Privileges, as V2 set them for the decisions: the runtime role (sieve.jdbc.user) appends and reads,
-- nothing more; TRUNCATE is refused for every role, as for decision_audit.
REVOKE ALL ON TABLE control_changes, dispositions, latest_dispositions FROM PUBLIC;
GRANT SELECT, INSERT ON TABLE control_changes, dispositions TO "${runtime_user}";
GRANT SELECT ON TABLE latest_dispositions TO "${runtime_user}";
CREATE TRIGGER control_changes_no_truncate BEFORE TRUNCATE ON control_changes
    FOR EACH STATEMENT EXECUTE FUNCTION analysts_append_only();
CREATE TRIGGER dispositions_no_truncate BEFORE TRUNCATE ON dispositions
    FOR EACH STATEMENT EXECUTE FUNCTION analysts_append_only();

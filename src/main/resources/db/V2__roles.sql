-- invoice-sieve system of record, version 2: the audit trail is protected from the role that writes
-- decisions. Applied by `invoice-sieve init` (Flyway), connected as the owner role
-- (sieve.jdbc.owner-user; it owns every object, as it ran V1). ${runtime_user} is the Flyway
-- placeholder for sieve.jdbc.user, the role `run` connects as: it gets the DML the upsert needs and
-- nothing on the audit table. Never edit this file once applied (Flyway checks its checksum): add V3.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '${runtime_user}') THEN
        RAISE EXCEPTION 'role "${runtime_user}" (sieve.jdbc.user, the role run connects as) does not exist: '
            'create it first (CREATE ROLE "${runtime_user}" LOGIN PASSWORD ...)';
    END IF;
END
$$;

-- The audit row is written with the rights of the function's owner (SECURITY DEFINER), so the runtime
-- role needs no privilege on decision_audit at all. search_path is pinned: a definer function must not
-- resolve names through a schema its caller can write to (pg_temp last, explicitly). written_by is
-- session_user, the role that logged in and wrote the decision (current_user is the owner in here).
CREATE OR REPLACE FUNCTION decision_audit_write() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, "${flyway:defaultSchema}", pg_temp AS $$
BEGIN
    INSERT INTO decision_audit (tenant_id, invoice_id, operation, decision, risk_score, reason_codes,
                                previous_decision, trace_id, job_version, decided_at, written_by)
    VALUES (NEW.tenant_id, NEW.invoice_id, TG_OP, NEW.decision, NEW.risk_score, NEW.reason_codes,
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.decision END, NEW.trace_id, NEW.job_version, NEW.decided_at,
            session_user);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION decision_audit_write() FROM PUBLIC;

ALTER FUNCTION decision_audit_append_only() SET search_path = pg_catalog, pg_temp;

-- TRUNCATE fires no row trigger: V1's append-only trigger did not stop it. This one does, for every
-- role, the owner included (only the owner can drop or disable a trigger).
CREATE TRIGGER decision_audit_no_truncate BEFORE TRUNCATE ON decision_audit
    FOR EACH STATEMENT EXECUTE FUNCTION decision_audit_append_only();

-- Privileges: nothing for PUBLIC; the runtime role may read and upsert invoices and decisions
-- (INSERT ... ON CONFLICT DO UPDATE ... RETURNING needs SELECT, INSERT and UPDATE), nothing else:
-- no DELETE or TRUNCATE, and no privilege on decision_audit or its sequence. Not being the owner, it
-- cannot ALTER the tables or DISABLE their triggers either.
REVOKE ALL ON TABLE invoices, decisions, decision_audit FROM PUBLIC;
REVOKE ALL ON SEQUENCE decision_audit_audit_id_seq FROM PUBLIC;
GRANT USAGE ON SCHEMA "${flyway:defaultSchema}" TO "${runtime_user}";
GRANT SELECT, INSERT, UPDATE ON TABLE invoices, decisions TO "${runtime_user}";

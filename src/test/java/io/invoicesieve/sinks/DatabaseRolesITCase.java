package io.invoicesieve.sinks;

import io.invoicesieve.cli.InitCommand;
import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.testing.PostgresService;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * db/V2__roles.sql on the real PostgreSQL: init migrates as the owner role, the job's runtime role
 * can upsert decisions (audited, written_by = the runtime role) and cannot touch the audit trail:
 * no TRUNCATE, ALTER, DISABLE TRIGGER, DELETE, UPDATE or forged INSERT. TRUNCATE is refused even to
 * the owner, and the audit function is SECURITY DEFINER with a pinned search_path.
 */
@ExtendWith(PostgresService.Extension.class)
class DatabaseRolesITCase {

    private static final String DB = "roles_it";
    private static final String OWNER = "sieve_owner_it";
    private static final String RUNTIME = "sieve_runtime_it";

    private static String url;
    private static SieveConfig config;

    @BeforeAll
    static void migrateAsOwner(PostgresService postgres) throws Exception {
        try (Connection c = postgres.connection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DB);
            for (String role : List.of(OWNER, RUNTIME)) {
                st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN"
                        + " CREATE ROLE " + role + " LOGIN; END IF; END $$");
            }
            st.execute("CREATE DATABASE " + DB + " OWNER " + OWNER);
        }
        url = postgres.jdbcUrl().replaceAll("/postgres$", "/" + DB);
        config = SieveConfig.of(Map.of(
                ConnectorOptions.JDBC_URL.key(), url,
                ConnectorOptions.JDBC_USER.key(), RUNTIME,
                ConnectorOptions.JDBC_OWNER_USER.key(), OWNER,
                ConnectorOptions.JDBC_OWNER_PASSWORD.key(), "trust-ignores-it"));
        assertThat(InitCommand.migrate(config)).isEqualTo("postgres: applied schema versions [1, 2, 3, 4]");
        assertThat(InitCommand.migrate(config)).isEqualTo("postgres: schema up to date (version 4)");
    }

    @Test
    void theOwnerOwnsEverythingAndTheAuditFunctionIsSecurityDefinerWithAPinnedSearchPath() throws Exception {
        assertThat(strings(OWNER, "SELECT tableowner FROM pg_tables WHERE schemaname = 'public'"
                + " AND tablename IN ('invoices', 'decisions', 'decision_audit')")).containsOnly(OWNER).hasSize(3);
        assertThat(strings(OWNER, "SELECT pg_get_userbyid(proowner) || ' ' || prosecdef || ' ' || array_to_string(proconfig, ',')"
                + " FROM pg_proc WHERE proname = 'decision_audit_write'"))
                .containsExactly(OWNER + " true search_path=pg_catalog, public, pg_temp");
        assertThat(strings(OWNER, "SELECT table_name || ' ' || privilege_type FROM information_schema.role_table_grants"
                + " WHERE grantee = '" + RUNTIME + "' ORDER BY table_name, privilege_type"))
                .containsExactly(
                        "backfill_decisions INSERT", "backfill_decisions SELECT", "backfill_decisions UPDATE", // V4
                        "control_changes INSERT", "control_changes SELECT", // V3: the analysts' loop, append-only
                        "decisions INSERT", "decisions SELECT", "decisions UPDATE",
                        "dispositions INSERT", "dispositions SELECT",
                        "invoices INSERT", "invoices SELECT", "invoices UPDATE",
                        "latest_dispositions SELECT");
    }

    @Test
    void theRuntimeRoleUpsertsDecisionsAndEachWriteIsAuditedUnderItsName() throws Exception {
        try (Connection c = connect(RUNTIME)) {
            upsert(c, decision("roles-1", DecisionType.REVIEW));
            upsert(c, decision("roles-1", DecisionType.HOLD));
            upsert(c, decision("roles-2", DecisionType.PASS));
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT decision, write_count FROM decisions WHERE invoice_id = 'roles-1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1) + " " + rs.getInt(2)).isEqualTo("HOLD 2");
            }
        }
        assertThat(strings(OWNER, "SELECT operation || ' ' || decision || ' ' || coalesce(previous_decision, '-') || ' ' || written_by"
                + " FROM decision_audit WHERE invoice_id = 'roles-1' ORDER BY audit_id"))
                .containsExactly("INSERT REVIEW - " + RUNTIME, "UPDATE HOLD REVIEW " + RUNTIME);
    }

    @Test
    void theRuntimeRoleCannotTouchTheAuditTrail() throws Exception {
        try (Connection c = connect(RUNTIME)) {
            upsert(c, decision("roles-audit", DecisionType.HOLD));
        }
        long audited = count();
        List<String> attacks = List.of(
                "TRUNCATE decision_audit",
                "TRUNCATE decisions, decision_audit",
                "ALTER TABLE decision_audit DISABLE TRIGGER ALL",
                "ALTER TABLE decision_audit DISABLE TRIGGER decision_audit_append_only",
                "ALTER TABLE decisions DISABLE TRIGGER decisions_audit",
                "ALTER TABLE decision_audit ADD COLUMN forged boolean",
                "DROP TRIGGER decision_audit_no_truncate ON decision_audit",
                "DELETE FROM decision_audit",
                "UPDATE decision_audit SET decision = 'PASS'",
                "INSERT INTO decision_audit (tenant_id, invoice_id, operation, decision, risk_score, reason_codes,"
                        + " trace_id, job_version, decided_at) VALUES ('acme', 'forged', 'INSERT', 'PASS', 0, '{}', 't', 'j', now())",
                "DELETE FROM decisions",
                "DELETE FROM backfill_decisions",
                "TRUNCATE backfill_decisions",
                "ALTER TABLE backfill_decisions ADD COLUMN forged boolean",
                "SET session_replication_role = replica",
                "CREATE OR REPLACE FUNCTION decision_audit_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$");
        List<String> allowed = new ArrayList<>();
        for (String attack : attacks) {
            try (Connection c = connect(RUNTIME); Statement st = c.createStatement()) {
                st.execute(attack);
                allowed.add(attack);
            } catch (SQLException expected) {
                assertThat(expected.getSQLState()).as(attack).isIn("42501", "P0001"); // insufficient privilege, raise
            }
        }
        assertThat(allowed).as("statements the runtime role could run").isEmpty();
        assertThat(count()).isEqualTo(audited);
        assertThat(strings(OWNER, "SELECT count(*) FROM decision_audit WHERE invoice_id = 'forged'")).containsExactly("0");
    }

    @Test
    void truncatingTheAuditFailsEvenForTheOwner() throws Exception {
        try (Connection c = connect(OWNER); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("TRUNCATE decision_audit"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("decision_audit is append-only");
        }
    }

    static Decision decision(String invoiceId, DecisionType type) {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = invoiceId;
        d.vendorId = "V-1";
        d.invoiceNumber = "INV-" + invoiceId;
        d.invoiceDate = LocalDate.parse("2026-03-02");
        d.amount = "123.45";
        d.currency = "EUR";
        d.eventTime = Instant.parse("2026-03-02T09:00:00Z");
        d.decision = type;
        d.riskScore = type == DecisionType.PASS ? 0.1 : 0.8;
        d.reasons = new io.invoicesieve.model.Reason[0];
        d.matchedInvoiceIds = new String[0];
        d.traceId = "trace-" + invoiceId;
        d.decidedAt = Instant.parse("2026-03-02T09:00:01Z");
        d.modelVersion = "m1";
        d.jobVersion = "test";
        return d;
    }

    private static void upsert(Connection c, Decision d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PostgresDecisionSink.UPSERT)) {
            new PostgresDecisionSink.Statement().accept(ps, d);
            ps.executeUpdate();
        }
    }

    private static long count() throws SQLException {
        return Long.parseLong(strings(OWNER, "SELECT count(*) FROM decision_audit").get(0));
    }

    private static Connection connect(String role) throws SQLException {
        return DriverManager.getConnection(url, role, "trust-ignores-it");
    }

    private static List<String> strings(String role, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(role); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}

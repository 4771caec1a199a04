package io.invoicesieve.sinks;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.JdbcConnections;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;

import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A backfill run's decisions into their own table, {@code backfill_decisions} (db/V4__backfill.sql),
 * keyed by (run_id, tenant_id, invoice_id): the production {@code decisions} and {@code invoices}
 * tables and their audit trail are not touched. The same columns as {@code decisions}, written by
 * the same helpers as {@link PostgresDecisionSink}; a retried run rewrites its rows.
 */
public final class PostgresBackfillSink {

    static final String UPSERT =
            "INSERT INTO backfill_decisions (run_id, tenant_id, invoice_id, decision, risk_score, reason_codes, reasons,"
                    + " evidence, matched_invoice_ids, trace_id, model_version, job_version, decided_at, late)"
                    + " VALUES (?, ?, ?, ?, ?, ?::text[], ?::jsonb, ?::jsonb, ?::text[], ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (run_id, tenant_id, invoice_id) DO UPDATE SET decision = EXCLUDED.decision,"
                    + " risk_score = EXCLUDED.risk_score, reason_codes = EXCLUDED.reason_codes, reasons = EXCLUDED.reasons,"
                    + " evidence = EXCLUDED.evidence, matched_invoice_ids = EXCLUDED.matched_invoice_ids,"
                    + " trace_id = EXCLUDED.trace_id, model_version = EXCLUDED.model_version,"
                    + " job_version = EXCLUDED.job_version, decided_at = EXCLUDED.decided_at, late = EXCLUDED.late,"
                    + " written_at = now()";

    private PostgresBackfillSink() {}

    public static JdbcSink<Decision> create(SieveConfig config, String runId) {
        return JdbcConnections.sink(config, UPSERT, new Statement(runId), config.get(ConnectorOptions.JDBC_BATCH_SIZE));
    }

    /** Binds one decision of the run to {@link #UPSERT}. */
    static final class Statement implements JdbcStatementBuilder<Decision> {
        private static final long serialVersionUID = 1L;
        private final String runId;

        Statement(String runId) {
            this.runId = runId;
        }

        @Override
        public void accept(PreparedStatement ps, Decision d) throws SQLException {
            int i = 0;
            ps.setString(++i, runId);
            ps.setString(++i, d.tenantId);
            ps.setString(++i, d.invoiceId);
            ps.setString(++i, d.decision.name());
            ps.setDouble(++i, d.riskScore);
            ps.setString(++i, PostgresDecisionSink.textArray(PostgresDecisionSink.reasonCodes(d)));
            ps.setString(++i, PostgresDecisionSink.reasonsJson(d));
            ps.setString(++i, PostgresDecisionSink.evidenceJson(d));
            ps.setString(++i, PostgresDecisionSink.textArray(d.matchedInvoiceIds));
            ps.setString(++i, d.traceId);
            ps.setString(++i, d.modelVersion);
            ps.setString(++i, d.jobVersion);
            ps.setObject(++i, d.decidedAt == null ? null : OffsetDateTime.ofInstant(d.decidedAt, ZoneOffset.UTC));
            ps.setBoolean(++i, d.late);
        }
    }
}

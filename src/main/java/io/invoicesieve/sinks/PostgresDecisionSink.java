package io.invoicesieve.sinks;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.JdbcConnections;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Reason;
import io.invoicesieve.serde.DecisionJson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Decisions into PostgreSQL (the system of record) through flink-connector-jdbc's {@link JdbcSink}:
 * one statement per decision that upserts the invoice and its decision, keyed by
 * (tenant_id, invoice_id). At-least-once (batches are flushed on every checkpoint) made effectively
 * exactly-once by the upsert: a decision written again after a restart or replay rewrites its row.
 * The audit row of each write comes from the {@code decisions_audit} trigger (db/V1__init.sql).
 */
public final class PostgresDecisionSink {

    /** The invoice upsert feeds the decision upsert in one statement: both or neither. */
    static final String UPSERT =
            "WITH invoice AS ("
                    + " INSERT INTO invoices (tenant_id, invoice_id, vendor_id, invoice_number, invoice_date, amount,"
                    + " currency, event_time, description, remit_account, source, trace_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (tenant_id, invoice_id) DO UPDATE SET vendor_id = EXCLUDED.vendor_id,"
                    + " invoice_number = EXCLUDED.invoice_number, invoice_date = EXCLUDED.invoice_date,"
                    + " amount = EXCLUDED.amount, currency = EXCLUDED.currency, event_time = EXCLUDED.event_time,"
                    + " description = EXCLUDED.description, remit_account = EXCLUDED.remit_account,"
                    + " source = EXCLUDED.source, trace_id = EXCLUDED.trace_id, last_written = now()"
                    + " RETURNING tenant_id, invoice_id)"
                    + " INSERT INTO decisions (tenant_id, invoice_id, decision, risk_score, reason_codes, reasons,"
                    + " evidence, matched_invoice_ids, trace_id, model_version, job_version, decided_at, late)"
                    + " SELECT tenant_id, invoice_id, ?, ?, ?::text[], ?::jsonb, ?::jsonb, ?::text[], ?, ?, ?, ?, ?"
                    + " FROM invoice"
                    + " ON CONFLICT (tenant_id, invoice_id) DO UPDATE SET decision = EXCLUDED.decision,"
                    + " risk_score = EXCLUDED.risk_score, reason_codes = EXCLUDED.reason_codes,"
                    + " reasons = EXCLUDED.reasons, evidence = EXCLUDED.evidence,"
                    + " matched_invoice_ids = EXCLUDED.matched_invoice_ids, trace_id = EXCLUDED.trace_id,"
                    + " model_version = EXCLUDED.model_version, job_version = EXCLUDED.job_version,"
                    + " decided_at = EXCLUDED.decided_at, late = EXCLUDED.late,"
                    + " write_count = decisions.write_count + 1, last_written = now()";

    private static final JsonFactory JSON = new JsonFactory();

    private PostgresDecisionSink() {}

    public static JdbcSink<Decision> create(SieveConfig config) {
        return JdbcConnections.sink(config, UPSERT, new Statement(), config.get(ConnectorOptions.JDBC_BATCH_SIZE));
    }

    /** Binds one decision to {@link #UPSERT}. */
    static final class Statement implements JdbcStatementBuilder<Decision> {
        private static final long serialVersionUID = 1L;

        @Override
        public void accept(PreparedStatement ps, Decision d) throws SQLException {
            int i = 0;
            ps.setString(++i, d.tenantId);
            ps.setString(++i, d.invoiceId);
            ps.setString(++i, d.vendorId);
            ps.setString(++i, d.invoiceNumber);
            // a LocalDate, not java.sql.Date: that one goes through the Julian/Gregorian hybrid
            // calendar and shifts dates before 1582-10-15 (an invoice_date of 1582-10-10 would change)
            ps.setObject(++i, d.invoiceDate, java.sql.Types.DATE);
            ps.setBigDecimal(++i, d.amount == null ? null : new BigDecimal(d.amount));
            ps.setString(++i, d.currency);
            ps.setObject(++i, timestamp(d.eventTime));
            ps.setString(++i, d.description);
            ps.setString(++i, d.remitAccount);
            ps.setString(++i, d.source);
            ps.setString(++i, d.traceId);

            ps.setString(++i, d.decision.name());
            ps.setDouble(++i, d.riskScore);
            ps.setString(++i, textArray(reasonCodes(d)));
            ps.setString(++i, reasonsJson(d));
            ps.setString(++i, evidenceJson(d));
            ps.setString(++i, textArray(d.matchedInvoiceIds));
            ps.setString(++i, d.traceId);
            ps.setString(++i, d.modelVersion);
            ps.setString(++i, d.jobVersion);
            ps.setObject(++i, timestamp(d.decidedAt));
            ps.setBoolean(++i, d.late);
        }
    }

    static String[] reasonCodes(Decision d) {
        String[] codes = new String[d.reasons == null ? 0 : d.reasons.length];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = d.reasons[i].code.name();
        }
        return codes;
    }

    /** A PostgreSQL array literal ({"a","b"}), so the statement needs no Connection.createArrayOf. */
    static String textArray(String[] values) {
        StringBuilder b = new StringBuilder("{");
        if (values != null) {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append('"').append(values[i].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return b.append('}').toString();
    }

    static String reasonsJson(Decision d) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            if (d.reasons != null) {
                for (Reason r : d.reasons) {
                    DecisionJson.writeReason(g, r);
                }
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    static String evidenceJson(Decision d) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (d.reasons != null) {
                for (Reason r : d.reasons) {
                    if (r.evidence != null) {
                        g.writeFieldName(r.code.name());
                        DecisionJson.writeEvidence(g, r.evidence);
                    }
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}

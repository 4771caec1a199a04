package io.invoicesieve.sinks;

import io.invoicesieve.config.JdbcConnections;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.control.ControlUpdate;

import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;

/**
 * The audit of the analysts' loop (db/V3__dispositions.sql): every change from the control stream into
 * {@code control_changes}, a disposition also into {@code dispositions}, in one statement. Idempotent on
 * the change id (ON CONFLICT DO NOTHING): at-least-once delivery writes each change once.
 */
public final class PostgresControlSink {

    static final String INSERT =
            "WITH change AS ("
                    + " INSERT INTO control_changes (change_id, origin, change_type, verdict, tenant_id, vendor_id,"
                    + " invoice_id, revoke, actor, changed_at, note, payload)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
                    + " ON CONFLICT (change_id) DO NOTHING"
                    + " RETURNING change_id, origin, verdict, tenant_id, vendor_id, invoice_id, actor, changed_at, note, payload)"
                    + " INSERT INTO dispositions (disposition_id, tenant_id, invoice_id, vendor_id, verdict, reason_code,"
                    + " matched_invoice_id, other_vendor_id, account_sha256, account_masked, model_version, analyst,"
                    + " decided_at, note, payload)"
                    + " SELECT change_id, tenant_id, invoice_id, vendor_id, verdict, ?, ?, ?, ?, ?, ?, actor, changed_at,"
                    + " note, payload FROM change WHERE origin = 'disposition'";

    private PostgresControlSink() {}

    public static JdbcSink<ControlUpdate> create(SieveConfig config) {
        // batch size 1: a change reaches its audit table as it arrives (changes are rare)
        return JdbcConnections.sink(config, INSERT, new Statement(), 1);
    }

    static final class Statement implements JdbcStatementBuilder<ControlUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void accept(PreparedStatement ps, ControlUpdate u) throws SQLException {
            int i = 0;
            ps.setString(++i, u.id);
            ps.setString(++i, u.origin);
            ps.setString(++i, u.type.name());
            ps.setString(++i, u.verdict);
            ps.setString(++i, u.tenantId);
            ps.setString(++i, u.vendorId);
            ps.setString(++i, u.invoiceId);
            ps.setBoolean(++i, u.revoke);
            ps.setString(++i, u.actor);
            ps.setTimestamp(++i, new Timestamp(u.at));
            ps.setString(++i, u.note);
            ps.setString(++i, u.json == null ? "{}" : u.json);
            ps.setString(++i, u.reasonCode);
            ps.setString(++i, u.matchedInvoiceId);
            ps.setString(++i, u.otherVendorId);
            ps.setString(++i, u.accountSha256);
            ps.setString(++i, u.accountMasked);
            if (u.modelVersion == null) {
                ps.setNull(++i, Types.VARCHAR);
            } else {
                ps.setString(++i, u.modelVersion);
            }
        }
    }
}

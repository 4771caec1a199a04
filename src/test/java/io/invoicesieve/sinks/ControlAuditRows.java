package io.invoicesieve.sinks;

import io.invoicesieve.control.ControlCodec;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * For tests outside this package: writes dispositions and controls into {@code control_changes} and
 * {@code dispositions} exactly as the job's control-audit sink does ({@link PostgresControlSink}'s
 * statement and statement builder, the record parsed by {@link ControlCodec} as the control source does).
 */
public final class ControlAuditRows {

    private ControlAuditRows() {}

    /** Inserts each JSON record (a disposition or a control) in order; returns the rows the statement wrote. */
    public static int insert(Connection c, List<String> records) throws SQLException {
        int rows = 0;
        PostgresControlSink.Statement builder = new PostgresControlSink.Statement();
        try (PreparedStatement ps = c.prepareStatement(PostgresControlSink.INSERT)) {
            for (String record : records) {
                builder.accept(ps, ControlCodec.parse(record));
                rows += ps.executeUpdate();
            }
        }
        return rows;
    }
}

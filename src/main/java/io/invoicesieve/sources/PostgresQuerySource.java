package io.invoicesieve.sources;

import io.invoicesieve.config.JdbcConnections;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.serde.InvoiceParser;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSource;
import org.apache.flink.connector.jdbc.core.datastream.source.JdbcSourceBuilder;
import org.apache.flink.connector.jdbc.core.datastream.source.enumerator.JdbcSourceEnumeratorState;
import org.apache.flink.connector.jdbc.core.datastream.source.reader.extractor.ResultExtractor;
import org.apache.flink.connector.jdbc.core.datastream.source.split.JdbcSourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Properties;

/**
 * A PostgreSQL query as the backfill's bounded input ({@code backfill --postgres-query <sql>}), read by
 * flink-connector-jdbc's {@link JdbcSource} on a read-only connection and parsed by the same
 * {@link InvoiceParser} as every other input: a row that is not a valid invoice is a dead letter naming
 * its row ({@code postgres:row <n>}, 1-based), never a failed job.
 *
 * <p>Two shapes of result: one column is the invoice's JSON (a text, json or jsonb column: a raw export
 * or ledger table); several columns are the contract's fields by column name ({@code tenant_id},
 * {@code invoice_id}, {@code amount}, ...; others are ignored as the contract allows), with dates as
 * dates, {@code timestamptz} as instants and numerics without trailing zeros (the {@code invoices}
 * table's {@code numeric(20,4)} amount {@code 1073.7900} is the invoice's {@code 1073.79}).
 *
 * <p>The password never travels in the JobGraph: {@link JdbcSourceBuilder#build()} replaces any
 * connection provider by one built from the user and password it was given, so this source carries
 * the connection settings as {@link JdbcConnections} references and builds the connector's source where
 * it runs (enumerator in the JobManager, readers in the TaskManagers), resolving the password there.
 */
public final class PostgresQuerySource
        implements Source<InboundRecord, JdbcSourceSplit, JdbcSourceEnumeratorState>, ResultTypeQueryable<InboundRecord> {

    private static final long serialVersionUID = 1L;
    /** Rows fetched per round trip (a cursor: autocommit off), not the whole result at once. */
    static final int FETCH_SIZE = 1000;

    private final JdbcConnectionOptions connection;
    private final String sql;
    private final Duration maxFutureSkew;
    private transient JdbcSource<InboundRecord> delegate;

    private PostgresQuerySource(JdbcConnectionOptions connection, String sql, Duration maxFutureSkew) {
        this.connection = connection;
        this.sql = sql;
        this.maxFutureSkew = maxFutureSkew;
    }

    public static PostgresQuerySource create(SieveConfig config, String sql) {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("--postgres-query must not be empty");
        }
        return new PostgresQuerySource(JdbcConnections.of(config), sql, config.get(SieveOptions.MAX_FUTURE_SKEW));
    }

    private JdbcSource<InboundRecord> delegate() {
        if (delegate == null) {
            JdbcSourceBuilder<InboundRecord> builder = JdbcSource.<InboundRecord>builder()
                    .setDBUrl(connection.getDbURL())
                    .setDriverName(connection.getDriverName())
                    .setSql(sql)
                    .setResultExtractor(new Rows(maxFutureSkew))
                    .setTypeInformation(Types.POJO(InboundRecord.class))
                    .setAutoCommit(false)
                    .setResultSetFetchSize(FETCH_SIZE);
            Properties properties = connection.getProperties();
            for (String key : properties.stringPropertyNames()) {
                switch (key) {
                    case JdbcConnectionOptions.USER_KEY -> builder.setUsername(properties.getProperty(key));
                    case JdbcConnectionOptions.PASSWORD_KEY -> builder.setPassword(properties.getProperty(key));
                    default -> builder.setConnectionProperty(key, properties.getProperty(key));
                }
            }
            // pgjdbc: the session is read-only, so a query cannot change the system of record
            builder.setConnectionProperty("readOnly", "true");
            delegate = builder.build();
        }
        return delegate;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<InboundRecord, JdbcSourceSplit> createReader(SourceReaderContext context) throws Exception {
        return delegate().createReader(context);
    }

    @Override
    public SplitEnumerator<JdbcSourceSplit, JdbcSourceEnumeratorState> createEnumerator(
            SplitEnumeratorContext<JdbcSourceSplit> context) throws Exception {
        return delegate().createEnumerator(context);
    }

    @Override
    public SplitEnumerator<JdbcSourceSplit, JdbcSourceEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<JdbcSourceSplit> context, JdbcSourceEnumeratorState state) throws Exception {
        return delegate().restoreEnumerator(context, state);
    }

    @Override
    public SimpleVersionedSerializer<JdbcSourceSplit> getSplitSerializer() {
        return delegate().getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<JdbcSourceEnumeratorState> getEnumeratorCheckpointSerializer() {
        return delegate().getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<InboundRecord> getProducedType() {
        return Types.POJO(InboundRecord.class);
    }

    /** A row into an invoice or a dead letter, through the parser. */
    static final class Rows implements ResultExtractor<InboundRecord> {
        private static final long serialVersionUID = 1L;
        private final InvoiceParser parser;
        private transient ObjectMapper json;
        private long row;

        Rows(Duration maxFutureSkew) {
            this.parser = new InvoiceParser(maxFutureSkew);
        }

        @Override
        public InboundRecord extract(ResultSet rs) throws SQLException {
            String origin = "postgres:row " + (++row);
            ResultSetMetaData meta = rs.getMetaData();
            if (meta.getColumnCount() == 1) {
                String payload = rs.getString(1);
                return parser.parseRecord(payload == null ? "null" : payload, origin);
            }
            if (json == null) {
                json = new ObjectMapper();
            }
            ObjectNode invoice = json.createObjectNode();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String name = meta.getColumnLabel(i).toLowerCase(Locale.ROOT);
                if (rs.getObject(i) == null) {
                    continue;
                }
                switch (meta.getColumnType(i)) {
                    case java.sql.Types.DATE -> invoice.put(name, rs.getObject(i, LocalDate.class).toString());
                    case java.sql.Types.TIMESTAMP, java.sql.Types.TIMESTAMP_WITH_TIMEZONE ->
                            invoice.put(name, rs.getObject(i, OffsetDateTime.class).toInstant().toString());
                    case java.sql.Types.NUMERIC, java.sql.Types.DECIMAL, java.sql.Types.DOUBLE, java.sql.Types.REAL,
                            java.sql.Types.FLOAT, java.sql.Types.INTEGER, java.sql.Types.BIGINT, java.sql.Types.SMALLINT -> {
                        BigDecimal number = rs.getBigDecimal(i).stripTrailingZeros();
                        if ("amount".equals(name)) {
                            invoice.put(name, number.toPlainString()); // the contract's exact decimal string
                        } else {
                            invoice.put(name, number);
                        }
                    }
                    case java.sql.Types.BOOLEAN, java.sql.Types.BIT -> invoice.put(name, rs.getBoolean(i));
                    default -> invoice.put(name, rs.getString(i));
                }
            }
            try {
                return parser.parseRecord(json.writeValueAsBytes(invoice), origin);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("row " + row + " could not be written as JSON", e);
            }
        }
    }
}

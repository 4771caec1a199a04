package io.invoicesieve.config;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The PostgreSQL connection as every JDBC reader and writer of the job carries it (the decision and
 * control-audit sinks, the backfill's query source and its own table): {@code sieve.jdbc.url},
 * {@code sieve.jdbc.user}, {@code sieve.jdbc.properties.*}, and the password as a reference that is
 * resolved where the connection opens, in the task, never in the JobGraph.
 */
public final class JdbcConnections {

    private JdbcConnections() {}

    /** The connection settings as the job carries them: the password and driver settings as references. */
    public static JdbcConnectionOptions of(SieveConfig config) {
        Properties properties = new Properties();
        for (Map.Entry<String, String> p : config.prefixedRaw(ConnectorOptions.JDBC_PROPERTIES_PREFIX).entrySet()) {
            properties.setProperty(p.getKey(), p.getValue());
        }
        properties.setProperty(JdbcConnectionOptions.USER_KEY, config.get(ConnectorOptions.JDBC_USER));
        return new ResolvingConnectionOptions(
                config.required(ConnectorOptions.JDBC_URL), properties,
                config.secretRef(ConnectorOptions.JDBC_PASSWORD, ConnectorOptions.JDBC_PASSWORD_ENV));
    }

    /**
     * An at-least-once JDBC sink of {@code sql} on this connection (made effectively exactly-once by
     * statements that upsert or skip what was written), flushed every {@code batchSize} records or
     * {@code sieve.jdbc.batch-interval}, retried {@code sieve.jdbc.max-retries} times.
     */
    public static <T> JdbcSink<T> sink(SieveConfig config, String sql, JdbcStatementBuilder<T> statement, int batchSize) {
        return JdbcSink.<T>builder()
                .withQueryStatement(sql, statement)
                .withExecutionOptions(
                        JdbcExecutionOptions.builder()
                                .withBatchSize(batchSize)
                                .withBatchIntervalMs(config.millis(ConnectorOptions.JDBC_BATCH_INTERVAL))
                                .withMaxRetries(config.get(ConnectorOptions.JDBC_MAX_RETRIES))
                                .build())
                .buildAtLeastOnce(of(config));
    }

    /**
     * JdbcConnectionOptions whose password (and any {@code ${env:..}}/{@code ${file:..}} driver
     * setting, e.g. sslpassword) is resolved each time the connector asks for the properties, which it
     * does when it opens a connection in the task: the serialized sink or source holds only the references.
     */
    static final class ResolvingConnectionOptions extends JdbcConnectionOptions {
        private static final long serialVersionUID = 1L;
        private final Secrets.Ref password;

        ResolvingConnectionOptions(String url, Properties properties, Secrets.Ref password) {
            super(url, "org.postgresql.Driver", 60, properties);
            this.password = password;
        }

        @Override
        public Optional<String> getPassword() {
            return Optional.ofNullable(password.resolve());
        }

        @Override
        public Properties getProperties() {
            Properties resolved = new Properties();
            for (String key : properties.stringPropertyNames()) {
                resolved.setProperty(key, Secrets.resolve(ConnectorOptions.JDBC_PROPERTIES_PREFIX + key, properties.getProperty(key)));
            }
            String secret = password.resolve();
            if (secret != null) {
                resolved.setProperty(PASSWORD_KEY, secret);
            }
            return resolved;
        }
    }
}

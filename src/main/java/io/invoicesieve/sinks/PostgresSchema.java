package io.invoicesieve.sinks;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.ErrorCode;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateOutput;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The PostgreSQL schema, applied by {@code init} with Flyway: the plain SQL scripts
 * {@code db/V<n>__<name>.sql} on the classpath (src/main/resources/db/) that the database has not had
 * yet, recorded in {@code flyway_schema_history}. Safe to run twice (nothing pending is a no-op) and
 * from two pods at once (Flyway holds a PostgreSQL advisory lock while it migrates); an applied script
 * whose checksum changed fails validation before anything runs, so a change is always a new version.
 *
 * <p>A database migrated by the tool that came before Flyway has a {@code schema_version} table and
 * no Flyway history: when it shows V1 applied with the same V1__init.sql, Flyway baselines at version
 * 1 (records V1 as there, runs nothing); {@code schema_version} is left in place, unused.
 */
public final class PostgresSchema {

    /** Where the scripts are: {@code src/main/resources/db/}. */
    public static final String LOCATION = "classpath:db";
    /** Flyway's default history table name. */
    public static final String HISTORY_TABLE = "flyway_schema_history";
    /** The table of the migrator before Flyway (version, script, checksum, applied_at, applied_by). */
    static final String LEGACY_TABLE = "schema_version";
    private static final String V1_SCRIPT = "V1__init.sql";
    /** Flyway placeholder of db/V2__roles.sql: the role the job connects as (sieve.jdbc.user). */
    public static final String RUNTIME_USER = "runtime_user";

    /**
     * What one migrate did: the versions applied now (empty when up to date), the schema version
     * after it, and whether that version is Flyway's baseline of a database of the old migrator.
     */
    public record Result(List<String> applied, String version, boolean baseline) {}

    private PostgresSchema() {}

    /**
     * Migrates the database at {@code jdbcUrl}, connecting with these JDBC properties (user, password,
     * ...); the connecting role owns what it creates and is also the runtime role (one role, as before).
     */
    public static Result migrate(String jdbcUrl, Properties properties) throws SQLException {
        return migrate(new DriverManagerDataSource(jdbcUrl, properties), LOCATION, Map.of());
    }

    /**
     * Migrates as the owner role of {@code ownerProperties}, granting the runtime role
     * {@code runtimeUser} what the job needs (db/V2__roles.sql).
     */
    public static Result migrate(String jdbcUrl, Properties ownerProperties, String runtimeUser) throws SQLException {
        return migrate(new DriverManagerDataSource(jdbcUrl, ownerProperties), LOCATION, Map.of(RUNTIME_USER, runtimeUser));
    }

    /** Migrates with the scripts at {@code location} (a Flyway location; {@link #LOCATION} in production). */
    public static Result migrate(DataSource dataSource, String location) throws SQLException {
        return migrate(dataSource, location, Map.of());
    }

    /**
     * Migrates with the scripts at {@code location} and these Flyway placeholders; a missing
     * {@link #RUNTIME_USER} is the connecting role.
     */
    public static Result migrate(DataSource dataSource, String location, Map<String, String> placeholders)
            throws SQLException {
        Map<String, String> values = new HashMap<>(placeholders);
        if (!values.containsKey(RUNTIME_USER)) {
            values.put(RUNTIME_USER, currentUser(dataSource));
        }
        boolean baseline = legacyV1Applied(dataSource);
        Flyway flyway = Flyway.configure(PostgresSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(location)
                .failOnMissingLocations(true)
                .table(HISTORY_TABLE)
                .validateMigrationNaming(true)
                .validateOnMigrate(true)
                .cleanDisabled(true)
                .placeholders(values)
                .placeholderReplacement(true)
                // all pending versions in one transaction, as before Flyway
                .group(true)
                .baselineOnMigrate(baseline)
                .baselineVersion(MigrationVersion.fromVersion("1"))
                .baselineDescription("V1 applied before Flyway (" + LEGACY_TABLE + ")")
                .load();
        MigrateResult result;
        try {
            result = flyway.migrate();
        } catch (FlywayValidateException e) {
            throw new IllegalStateException(invalidScripts(flyway) + " failed validation (never edit an applied version,"
                    + " add V<n+1>__*.sql instead): " + e.getMessage(), e);
        }
        List<String> applied = result.migrations.stream().map(m -> m.version).collect(Collectors.toList());
        MigrationInfo current = flyway.info().current();
        return new Result(applied,
                current == null || current.getVersion() == null ? "none" : current.getVersion().getVersion(),
                current != null && current.getType().isBaseline());
    }

    private static String currentUser(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Names the applied scripts that fail validation (pending ones left out), for the error message. */
    private static String invalidScripts(Flyway flyway) {
        List<String> scripts = new ArrayList<>();
        try {
            for (ValidateOutput invalid : flyway.validateWithResult().invalidMigrations) {
                ErrorCode code = invalid.errorDetails == null ? null : invalid.errorDetails.errorCode;
                if (code != CoreErrorCode.RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED
                        && code != CoreErrorCode.RESOLVED_REPEATABLE_MIGRATION_NOT_APPLIED) {
                    scripts.add(invalid.filepath == null ? "version " + invalid.version : invalid.filepath);
                }
            }
        } catch (RuntimeException e) {
            // the validation error itself is what matters
        }
        return scripts.isEmpty() ? "Schema scripts" : "Schema script(s) " + String.join(", ", scripts);
    }

    /**
     * True when the database has the old migrator's {@code schema_version} with V1 applied and no
     * Flyway history yet. Fails when it shows V1 applied from a different V1__init.sql, or versions
     * Flyway would not know about.
     */
    static boolean legacyV1Applied(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + HISTORY_TABLE + "') IS NULL AND to_regclass('" + LEGACY_TABLE + "') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return false;
                }
            }
            List<String> rows = new ArrayList<>();
            String v1Checksum = null;
            try (ResultSet rs = st.executeQuery("SELECT version, script, checksum FROM " + LEGACY_TABLE + " ORDER BY version")) {
                while (rs.next()) {
                    rows.add(rs.getInt(1) + " " + rs.getString(2));
                    if (rs.getInt(1) == 1) {
                        v1Checksum = rs.getString(3);
                    }
                }
            }
            if (v1Checksum == null || rows.size() != 1) {
                throw new IllegalStateException(LEGACY_TABLE + " shows " + rows + "; only version 1 (" + V1_SCRIPT
                        + ") can be taken over by Flyway");
            }
            if (!v1Checksum.equals(sha256(resource("db/" + V1_SCRIPT)))) {
                throw new IllegalStateException("Schema version 1 (" + V1_SCRIPT + ") was applied (" + LEGACY_TABLE
                        + ") with a different script; add a new version instead of editing it");
            }
            return true;
        }
    }

    private static String resource(String name) {
        try (InputStream in = PostgresSchema.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The old migrator's checksum: SHA-256 of the script's UTF-8 text, hex. */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** New connections from {@link DriverManager}, so every {@code sieve.jdbc.properties.*} reaches the driver. */
    private static final class DriverManagerDataSource implements DataSource {
        private final String url;
        private final Properties properties;

        DriverManagerDataSource(String url, Properties properties) {
            this.url = url;
            this.properties = properties;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, properties);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            Properties p = new Properties();
            p.putAll(properties);
            p.setProperty("user", user);
            p.setProperty("password", password);
            return DriverManager.getConnection(url, p);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("Not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}

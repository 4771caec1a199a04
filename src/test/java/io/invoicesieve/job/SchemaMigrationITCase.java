package io.invoicesieve.job;

import io.invoicesieve.cli.InitCommand;
import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.sinks.PostgresSchema;
import io.invoicesieve.testing.PostgresService;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code init}'s PostgreSQL step (Flyway) on a real PostgreSQL: idempotent, safe from two pods at once,
 * a changed applied script is an error, and a database of the migrator before Flyway is taken over.
 * Each test has its own database.
 */
@ExtendWith(PostgresService.Extension.class)
class SchemaMigrationITCase {

    @Test
    void initTwiceAppliesV1OnceThenIsANoOp(PostgresService postgres) throws Exception {
        SieveConfig config = database(postgres, "schema_twice");
        assertThat(InitCommand.migrate(config)).isEqualTo("postgres: applied schema versions [1, 2, 3, 4]");
        assertThat(InitCommand.migrate(config)).isEqualTo("postgres: schema up to date (version 4)");
        assertThat(history(config)).containsExactly("1 init V1__init.sql SQL true", "2 roles V2__roles.sql SQL true",
                "3 dispositions V3__dispositions.sql SQL true", "4 backfill V4__backfill.sql SQL true");
        assertThat(strings(config, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))
                .containsExactly("backfill_decisions", "control_changes", "decision_audit", "decisions", "dispositions", PostgresSchema.HISTORY_TABLE, "invoices");
    }

    @Test
    void twoConcurrentInitsBothSucceedAndApplyV1Once(PostgresService postgres) throws Exception {
        ExecutorService pods = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                SieveConfig config = database(postgres, "schema_concurrent_" + round);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<String>> results = new ArrayList<>();
                for (int pod = 0; pod < 2; pod++) {
                    results.add(pods.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        return InitCommand.migrate(config);
                    }));
                }
                List<String> lines = new ArrayList<>();
                for (Future<String> result : results) {
                    lines.add(result.get(120, TimeUnit.SECONDS));
                }
                assertThat(lines).containsExactlyInAnyOrder(
                        "postgres: applied schema versions [1, 2, 3, 4]", "postgres: schema up to date (version 4)");
                assertThat(history(config)).containsExactly("1 init V1__init.sql SQL true", "2 roles V2__roles.sql SQL true",
                "3 dispositions V3__dispositions.sql SQL true", "4 backfill V4__backfill.sql SQL true");
            }
        } finally {
            pods.shutdownNow();
        }
    }

    @Test
    void aChangedAppliedScriptFailsValidationNamingIt(PostgresService postgres, @TempDir Path dir) throws Exception {
        SieveConfig config = database(postgres, "schema_tampered");
        assertThat(InitCommand.migrate(config)).isEqualTo("postgres: applied schema versions [1, 2, 3, 4]");

        // the same V1__init.sql with one more statement, as if edited after it was applied
        Path scripts = Files.createDirectories(dir.resolve("db"));
        Files.writeString(scripts.resolve("V1__init.sql"),
                v1() + "\nCREATE INDEX decisions_trace_id ON decisions (trace_id);\n");
        assertThatThrownBy(() -> PostgresSchema.migrate(dataSource(config), "filesystem:" + scripts))
                .hasMessageContaining("V1__init.sql")
                .hasMessageContaining("failed validation")
                .hasMessageContaining("checksum mismatch");
        assertThat(strings(config, "SELECT indexname FROM pg_indexes WHERE indexname = 'decisions_trace_id'")).isEmpty();
        assertThat(history(config)).containsExactly("1 init V1__init.sql SQL true", "2 roles V2__roles.sql SQL true",
                "3 dispositions V3__dispositions.sql SQL true", "4 backfill V4__backfill.sql SQL true");
        // the real script still validates
        assertThat(InitCommand.migrate(config)).isEqualTo("postgres: schema up to date (version 4)");
    }

    @Test
    void aDatabaseOfTheOldMigratorIsBaselinedAtV1(PostgresService postgres) throws Exception {
        SieveConfig config = database(postgres, "schema_legacy");
        oldMigrator(config, sha256(v1()));

        // baselined at 1 (nothing of V1 re-runs), then V2 applied on top
        assertThat(InitCommand.migrate(config)).isEqualTo("postgres: applied schema versions [2, 3, 4]");
        assertThat(InitCommand.migrate(config)).isEqualTo("postgres: schema up to date (version 4)");
        assertThat(history(config)).containsExactly(
                "1 V1 applied before Flyway (schema_version) V1 applied before Flyway (schema_version) BASELINE true",
                "2 roles V2__roles.sql SQL true",
                "3 dispositions V3__dispositions.sql SQL true", "4 backfill V4__backfill.sql SQL true");
        // the old table stays as it was
        assertThat(strings(config, "SELECT version || ' ' || script FROM schema_version")).containsExactly("1 V1__init.sql");
    }

    @Test
    void aDatabaseOfTheOldMigratorWithAnotherV1IsAnError(PostgresService postgres) throws Exception {
        SieveConfig config = database(postgres, "schema_legacy_changed");
        oldMigrator(config, sha256("-- another V1\n"));
        assertThatThrownBy(() -> InitCommand.migrate(config))
                .hasMessageContaining("V1__init.sql")
                .hasMessageContaining("different script");
        assertThat(strings(config, "SELECT to_regclass('" + PostgresSchema.HISTORY_TABLE + "')::text")).containsOnlyNulls();
    }

    /** What the migrator before Flyway left: V1's schema and its schema_version row. */
    private static void oldMigrator(SieveConfig config, String checksum) throws Exception {
        try (Connection c = connection(config); Statement st = c.createStatement()) {
            st.execute(v1());
            st.execute("CREATE TABLE schema_version ("
                    + " version integer PRIMARY KEY, script text NOT NULL, checksum text NOT NULL,"
                    + " applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version (version, script, checksum) VALUES (1, 'V1__init.sql', ?)")) {
                ps.setString(1, checksum);
                ps.executeUpdate();
            }
        }
    }

    private static SieveConfig database(PostgresService postgres, String name) throws SQLException {
        try (Connection c = postgres.connection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            st.execute("CREATE DATABASE " + name);
        }
        return SieveConfig.of(Map.of(
                ConnectorOptions.JDBC_URL.key(), postgres.jdbcUrl().replaceAll("/postgres$", "/" + name),
                ConnectorOptions.JDBC_USER.key(), postgres.user(),
                ConnectorOptions.JDBC_PASSWORD.key(), postgres.password()));
    }

    private static PGSimpleDataSource dataSource(SieveConfig config) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(config.required(ConnectorOptions.JDBC_URL));
        ds.setUser(config.get(ConnectorOptions.JDBC_USER));
        ds.setPassword(config.get(ConnectorOptions.JDBC_PASSWORD));
        return ds;
    }

    private static Connection connection(SieveConfig config) throws SQLException {
        return DriverManager.getConnection(config.required(ConnectorOptions.JDBC_URL),
                config.get(ConnectorOptions.JDBC_USER), config.get(ConnectorOptions.JDBC_PASSWORD));
    }

    private static List<String> history(SieveConfig config) throws SQLException {
        return strings(config, "SELECT version || ' ' || description || ' ' || script || ' ' || type || ' ' || success FROM " + PostgresSchema.HISTORY_TABLE + " ORDER BY installed_rank");
    }

    private static List<String> strings(SieveConfig config, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connection(config); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String v1() throws Exception {
        try (InputStream in = SchemaMigrationITCase.class.getClassLoader().getResourceAsStream("db/V1__init.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}

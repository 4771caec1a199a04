package io.invoicesieve.sinks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Applies the versioned schema scripts {@code db/V<n>__<name>.sql} (listed in
 * {@code db/migrations.txt}) that a database has not had yet, in one transaction, and
 * records them in {@code schema_version}. A tiny Flyway: no extra dependency to converge, and the
 * scripts are plain SQL that a DBA can read. Safe to run twice and from two pods at once (an advisory
 * lock serializes them); a changed applied script is an error, not a silent re-run.
 */
public final class PostgresSchema {

    /** Arbitrary, fixed: the advisory lock key of invoice-sieve migrations. */
    private static final long LOCK_KEY = 0x1A7015_5E7EL;

    public record Migration(int version, String script, String sql, String checksum) {}

    private PostgresSchema() {}

    public static List<Migration> migrations() {
        List<Migration> out = new ArrayList<>();
        for (String line : resource("db/migrations.txt").split("\n")) {
            String script = line.trim();
            if (script.isEmpty() || script.startsWith("#")) {
                continue;
            }
            if (!script.matches("V\\d+__\\w+\\.sql")) {
                throw new IllegalStateException("Bad migration name " + script);
            }
            int version = Integer.parseInt(script.substring(1, script.indexOf("__")));
            if (version != out.size() + 1) {
                throw new IllegalStateException("Migrations must be numbered 1, 2, ...; found " + script);
            }
            String sql = resource("db/" + script);
            out.add(new Migration(version, script, sql, sha256(sql)));
        }
        return out;
    }

    /** Applies what is missing; returns the versions applied now (empty when up to date). */
    public static List<Integer> migrate(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        List<Integer> applied = new ArrayList<>();
        try {
            try (Statement st = connection.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                st.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + " version integer PRIMARY KEY, script text NOT NULL, checksum text NOT NULL,"
                        + " applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user)");
            }
            for (Migration m : migrations()) {
                String existing = null;
                try (PreparedStatement ps = connection.prepareStatement("SELECT checksum FROM schema_version WHERE version = ?")) {
                    ps.setInt(1, m.version());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            existing = rs.getString(1);
                        }
                    }
                }
                if (existing != null) {
                    if (!existing.equals(m.checksum())) {
                        throw new IllegalStateException("Schema version " + m.version() + " (" + m.script()
                                + ") was applied with a different script; add a new version instead of editing it");
                    }
                    continue;
                }
                try (Statement st = connection.createStatement()) {
                    st.execute(m.sql());
                }
                try (PreparedStatement ps = connection.prepareStatement(
                        "INSERT INTO schema_version (version, script, checksum) VALUES (?, ?, ?)")) {
                    ps.setInt(1, m.version());
                    ps.setString(2, m.script());
                    ps.setString(3, m.checksum());
                    ps.executeUpdate();
                }
                applied.add(m.version());
            }
            connection.commit();
            return applied;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String resource(String name) {
        try (InputStream in = PostgresSchema.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

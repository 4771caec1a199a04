package io.invoicesieve.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;

/**
 * A single-node OpenSearch 2.19 (the integ-test distribution that maven-dependency-plugin unpacks
 * into target/opensearch during process-test-resources) as a child process on free 127.0.0.1
 * ports, with data and logs under target/services/opensearch-&lt;jvm pid&gt;/. Started at most once per
 * test JVM, stopped when the JUnit run ends, and killed by pid from a shutdown hook if the JVM exits
 * first.
 *
 * <pre>{@code
 * @ExtendWith(OpenSearchService.Extension.class)
 * class DecisionIndexITCase {
 *     @Test
 *     void survivesOutage(OpenSearchService opensearch) {
 *         ... opensearch.httpUrl() ...
 *         opensearch.stop();   // the node is down; the sink must buffer or retry
 *         opensearch.start();  // same port, same data: documents indexed before are still there
 *     }
 * }
 * }</pre>
 *
 * <p>OpenSearch refuses to run as root, and these machines run builds as root, so the node runs
 * under {@code unshare -U} (a user namespace in which it is not root), or, where user namespaces are
 * blocked, as nobody through {@code setpriv} after a chown of its folders. The integ-test zip holds
 * only the transport-netty4 module: no {@code english} analyzer, {@code scaled_float}, painless,
 * {@code _reindex} or {@code _delete_by_query}; {@code standard}, {@code whitespace}, {@code simple}
 * and {@code keyword} work.
 *
 * <p>Tests share one node: an outage test leaves it running again when it ends (call {@link #start()}
 * in a finally block), and each test class uses its own index names.
 */
public final class OpenSearchService implements CloseableResource, AutoCloseable {

    /** Starts the node once per test JVM; see the class comment. */
    public static final class Extension extends SharedServiceExtension<OpenSearchService> {
        public Extension() {
            super(OpenSearchService.class, OpenSearchService::startNew);
        }
    }

    private static final String HEAP = "-Xms512m -Xmx512m -XX:-UsePerfData";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final int NOBODY = 65534;

    private final Path home;
    private final Path dir;
    private final int httpPort;
    private final int transportPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread shutdownHook = new Thread(this::kill, "opensearch-service-kill");
    private volatile Process process;

    private OpenSearchService(Path home, Path dir) {
        this.home = home;
        this.dir = dir;
        this.httpPort = ServiceSupport.freePort();
        this.transportPort = ServiceSupport.freePort();
    }

    /** Starts a node on a fresh data folder; prefer the {@link Extension}. */
    public static OpenSearchService startNew() {
        Path home = Paths.get(System.getProperty("opensearch.home", "target/opensearch/opensearch-2.19.6"))
                .toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/opensearch"))) {
            throw new IllegalStateException("No OpenSearch distribution at " + home
                    + ": run `mvn process-test-resources` (it unpacks the zip) before the tests.");
        }
        ServiceSupport.reapStale("opensearch", "opensearch.pid");
        Path dir = ServiceSupport.newInstanceDir("opensearch");
        ServiceSupport.deleteRecursively(dir.resolve("data"));
        OpenSearchService service = new OpenSearchService(home, dir);
        Runtime.getRuntime().addShutdownHook(service.shutdownHook);
        service.start();
        return service;
    }

    /** {@code http://127.0.0.1:<port>}; the same across {@link #stop()} and {@link #start()}. */
    public String httpUrl() {
        return "http://" + ServiceSupport.LOOPBACK + ":" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * Starts the node on this service's ports and data folder and waits until the cluster is at
     * least yellow (every primary shard, including those indexed before a {@link #stop()}, is
     * assigned). A no-op if it is running.
     */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        long begin = System.nanoTime();
        Path data = ServiceSupport.createDirectories(dir.resolve("data"));
        Path logs = ServiceSupport.createDirectories(dir.resolve("logs"));
        Path tmp = ServiceSupport.createDirectories(dir.resolve("tmp"));
        List<String> command = new ArrayList<>(launcher());
        command.add(home.resolve("bin/opensearch").toString());
        for (Map.Entry<String, String> setting : settings(data, logs).entrySet()) {
            command.add("-E");
            command.add(setting.getKey() + "=" + setting.getValue());
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("console.log").toFile()));
        builder.environment().put("OPENSEARCH_JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("OPENSEARCH_TMPDIR", tmp.toString()); // else it litters /tmp
        builder.environment().put("OPENSEARCH_JAVA_OPTS", HEAP);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        try {
            process = builder.start();
            // bin/opensearch execs java in the foreground, and unshare/setpriv exec it: one pid.
            Files.writeString(dir.resolve("opensearch.pid"), Long.toString(process.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not launch " + command, e);
        }
        awaitYellow(begin);
        System.out.printf("OpenSearchService: %s started in %d ms%n", httpUrl(), ServiceSupport.millisSince(begin));
    }

    /** Stops the node (SIGTERM, SIGKILL after 30 s) and keeps its data for {@link #start()}. */
    public synchronized void stop() {
        kill();
        process = null;
    }

    private void kill() {
        Process p = process;
        if (p != null) {
            ServiceSupport.kill(p.pid(), Duration.ofSeconds(30));
        }
    }

    private Map<String, String> settings(Path data, Path logs) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("cluster.name", "invoice-sieve-it");
        settings.put("node.name", "it-node");
        settings.put("discovery.type", "single-node");
        settings.put("network.host", ServiceSupport.LOOPBACK);
        settings.put("http.port", Integer.toString(httpPort));
        settings.put("transport.port", Integer.toString(transportPort));
        // Build machines' disks are often over the 85/90 % watermarks: shards would stay unassigned.
        settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        settings.put("path.data", data.toString());
        settings.put("path.logs", logs.toString());
        return settings;
    }

    private List<String> launcher() {
        if (userNamespacesWork()) {
            return List.of("unshare", "-U");
        }
        // No user namespaces: run as nobody, which must own every folder the node writes.
        chownToNobody(home);
        chownToNobody(dir);
        return List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--");
    }

    private static boolean userNamespacesWork() {
        try {
            Process probe = new ProcessBuilder("unshare", "-U", "true")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return probe.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void chownToNobody(Path path) {
        try {
            int status = new ProcessBuilder("chown", "-R", NOBODY + ":" + NOBODY, path.toString())
                    .inheritIO()
                    .start()
                    .waitFor();
            if (status != 0) {
                throw new IllegalStateException("chown -R nobody " + path + " exited with " + status);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitYellow(long beginNanos) {
        HttpRequest health = HttpRequest.newBuilder(
                        URI.create(httpUrl() + "/_cluster/health?wait_for_status=yellow&timeout=5s"))
                .timeout(Duration.ofSeconds(10))
                .build();
        long deadline = beginNanos + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new IllegalStateException("OpenSearch exited with " + process.exitValue()
                        + " during startup; see " + dir.resolve("console.log") + ":\n" + tail(dir.resolve("console.log")));
            }
            try {
                HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (ConnectException notListeningYet) {
                // Still starting.
            } catch (IOException e) {
                // A reset while the node binds its port: retry.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        stop();
        throw new IllegalStateException("OpenSearch was not yellow within " + START_TIMEOUT + "; see "
                + dir.resolve("console.log") + ":\n" + tail(dir.resolve("console.log")));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
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

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing to remove.
        }
        ServiceSupport.deleteRecursively(dir);
    }
}

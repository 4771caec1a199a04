package io.invoicesieve.testing.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.invoicesieve.testing.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the Debian package's {@code /usr/bin/prometheus}) for tests, on a free
 * 127.0.0.1 port, with its TSDB under {@code dir}: scrapes the given static targets every 2 seconds,
 * evaluates the rules of k8s-operator/prometheusrule.yaml every second, and answers PromQL over its
 * HTTP API. Killed on {@link #close()} and by a shutdown hook.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final URI base;
    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread hook;

    private PrometheusServer(Process process, URI base, Path dir) {
        this.process = process;
        this.base = base;
        this.dir = dir;
        this.hook = new Thread(process::destroyForcibly, "prometheus-kill");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts Prometheus scraping {@code targets} (host:port) as job {@code flink}; waits until it is ready. */
    public static PrometheusServer start(Path dir, List<String> targets) {
        Path binary = PrometheusRules.prometheus();
        if (binary == null) {
            throw new IllegalStateException("prometheus is not installed (apt-get install -y prometheus; .ci/run does it)");
        }
        try {
            Files.createDirectories(dir);
            PrometheusRules.writeRuleFile(dir);
            StringBuilder config = new StringBuilder()
                    .append("global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n  evaluation_interval: 1s\n")
                    .append("rule_files:\n  - ").append(PrometheusRules.RULE_FILE).append('\n')
                    .append("scrape_configs:\n  - job_name: flink\n    static_configs:\n      - targets:\n");
            for (String t : targets) {
                config.append("          - '").append(t).append("'\n");
            }
            // The recording group's 30 s interval would make a test wait; evaluate every rule each second.
            String rules = Files.readString(dir.resolve(PrometheusRules.RULE_FILE)).replace("interval: 30s", "interval: 1s");
            Files.writeString(dir.resolve(PrometheusRules.RULE_FILE), rules);
            Files.writeString(dir.resolve("prometheus.yml"), config);
            int port = FreePorts.next();
            List<String> command = new ArrayList<>(List.of(binary.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--web.enable-lifecycle"));
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("prometheus.log").toFile()))
                    .start();
            PrometheusServer server = new PrometheusServer(p, URI.create("http://127.0.0.1:" + port + "/"), dir);
            server.awaitReady(Duration.ofSeconds(60));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited: " + log());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("-/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException("prometheus not ready in " + timeout + ": " + log());
    }

    public URI baseUri() {
        return base;
    }

    /** {@code GET /api/v1/query?query=...}: the result vector ({@code data.result}). */
    public JsonNode query(String promql) {
        return api("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data").path("result");
    }

    /** The single value of an instant query that returns one sample, or null if it returns none. */
    public Double value(String promql) {
        JsonNode result = query(promql);
        if (result.size() == 0) {
            return null;
        }
        if (result.size() > 1) {
            throw new IllegalStateException(promql + " returned " + result.size() + " series: " + result);
        }
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /** {@code GET /api/v1/alerts}: every pending or firing alert. */
    public JsonNode alerts() {
        return api("api/v1/alerts").path("data").path("alerts");
    }

    /** {@code GET /api/v1/targets}: active targets with their health. */
    public JsonNode targets() {
        return api("api/v1/targets").path("data").path("activeTargets");
    }

    private JsonNode api(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " -> HTTP " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of its log, for failure messages. */
    public String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // running already
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
}

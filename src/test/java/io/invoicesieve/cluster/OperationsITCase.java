package io.invoicesieve.cluster;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.serde.InvalidInvoiceException;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.PostgresService;
import io.invoicesieve.testing.cluster.FlinkCluster;
import io.invoicesieve.testing.cluster.FlinkProcess;
import io.invoicesieve.testing.prometheus.PrometheusServer;
import io.invoicesieve.tools.generator.GeneratorConfig;
import io.invoicesieve.tools.generator.InvoiceGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform team's procedures on a real Flink cluster (one JobManager and two TaskManager JVMs,
 * session mode), against real Kafka, PostgreSQL and OpenSearch, watched by a real Prometheus:
 * <ol>
 *   <li>upload the job jar and run it over REST ({@code POST /jars/upload}, {@code /jars/<id>/run});</li>
 *   <li>generated invoices (the {@code generate} tool: duplicates, replays, malformed lines) produced
 *       into Kafka phase by phase, each phase with a fault in the middle of its stream: three
 *       {@code kill -9} of a TaskManager that runs tasks (a replacement started at once, as Kubernetes
 *       would), PostgreSQL stopped and started, the Kafka broker restarted, OpenSearch stopped and
 *       started;</li>
 *   <li>stop-with-savepoint over REST, then the next deployment from the savepoint with parallelism 3
 *       instead of 2 and a changed setting ({@code sieve.jdbc.batch-interval});</li>
 *   <li>Prometheus scrapes the JobManager's and the TaskManagers' reporter, loads
 *       k8s-operator/prometheusrule.yaml, and InvoiceSieveJobRestarting fires after the kills.</li>
 * </ol>
 * After every phase: Kafka decisions (read_committed) = exactly one per distinct valid invoice, PostgreSQL
 * rows = the distinct valid invoices, OpenSearch documents = the flagged ones (REVIEW and HOLD, the same
 * set as in PostgreSQL and Kafka), DLQ (read_committed) = the malformed lines, and a resubmission of an
 * invoice of the first phase (new invoice_id, same vendor, number, amount and date) is DUPLICATE_EXACT
 * naming it. Restarts and recovery times are measured and written to
 * target/operations/operations-figures.md (copied into jobs/invoice-sieve/OPERATIONS.md).
 */
@Tag("flink-cluster")
@ExtendWith({KafkaService.Extension.class, PostgresService.Extension.class, OpenSearchService.Extension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsITCase {

    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration RECOVER = Duration.ofSeconds(240);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROM_FIRST_PORT = 9250;
    private static final int PROM_LAST_PORT = 9260;
    /** Lines per second the test producer writes: the fault comes while a phase is being produced. */
    private static final int LINES_PER_SECOND = 25;

    private KafkaService kafka;
    private PostgresService postgres;
    private OpenSearchService opensearch;
    private JobWiring wiring;
    private FlinkCluster cluster;
    private PrometheusServer prometheus;
    private String jobId;
    private String preUpgradeJobId;

    /** The generated lines, split into phases. */
    private final List<List<Line>> phases = new ArrayList<>();
    private final Set<String> expectedValid = new TreeSet<>();
    private int expectedMalformed;
    /**
     * Resubmission key -> the invoice_ids it may name: the original and the generator's own copies of it
     * (a re-entry of the original in a later phase is as pre-upgrade as the original, and the detector
     * names the most recent match).
     */
    private final Map<String, Set<String>> resubmissions = new LinkedHashMap<>();
    private final List<Line> originals = new ArrayList<>();
    private final List<String> figures = new ArrayList<>();
    private List<Line> upgradeLines;
    private long decidedAfterUpgrade;

    /** One input line: Kafka key, partition, value, and what it is. */
    record Line(String key, int partition, String value, boolean valid, String tenant, String vendor, long eventTime) {}

    @BeforeAll
    void startClusterAndPrometheus(KafkaService kafka, PostgresService postgres, OpenSearchService opensearch) throws Exception {
        this.kafka = kafka;
        this.postgres = postgres;
        this.opensearch = opensearch;
        wiring = JobWiring.init("ops", kafka, postgres, opensearch);
        generateInput(8);

        cluster = FlinkCluster.session("ops")
                .taskManagers(2)
                // What a production cluster has and the harness' default (fail at once) has not.
                .set("restart-strategy.type", "fixed-delay")
                .set("restart-strategy.fixed-delay.attempts", "1000")
                .set("restart-strategy.fixed-delay.delay", "1 s")
                // A killed TaskManager is noticed by failed heartbeat RPCs (2 in a row) or this timeout.
                .set("heartbeat.interval", "2000")
                .set("heartbeat.timeout", "20000")
                // Tasks on both TaskManagers, so that any kill hits the job.
                .set("cluster.evenly-spread-out-slots", "true")
                // The Prometheus reporter; it binds the wildcard address: fine only in the loopback namespace.
                .set("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .set("metrics.reporter.prom.port", PROM_FIRST_PORT + "-" + PROM_LAST_PORT)
                // Latency per stage: Flink's latency markers, source to each operator.
                .set("metrics.latency.interval", "5 s")
                // numRestarts over REST within a second of the restart (default: fetched every 10 s)
                .set("metrics.fetcher.update-interval", "1000")
                .startTimeout(START)
                .start();
        List<String> targets = new ArrayList<>();
        for (int port = PROM_FIRST_PORT; port <= PROM_LAST_PORT; port++) {
            targets.add("127.0.0.1:" + port);
        }
        prometheus = PrometheusServer.start(cluster.dir().resolve("prometheus"), targets);
        figures.add("| procedure | service down (s) | restarts | recovered (s) | caught up (s) |");
        figures.add("| --- | ---: | ---: | ---: | ---: |");
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (!figures.isEmpty()) {
                Path out = Path.of("target", "operations");
                Files.createDirectories(out);
                String text = "# OperationsITCase figures (" + Instant.now() + ")\n\n" + String.join("\n", figures) + "\n";
                Files.writeString(out.resolve("operations-figures.md"), text);
                System.out.println(text);
            }
        } finally {
            if (prometheus != null) {
                prometheus.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            // Leave the shared services running for the next test class, whatever happened.
            postgres.startAgain();
            opensearch.start();
        }
    }

    // ------------------------------------------------------------------------------ the procedures

    @Test
    @Order(1)
    void outagesLoseAndDoubleNothing() throws Exception {
        String jar = cluster.rest().uploadJar(FlinkCluster.jobJar());
        jobId = cluster.rest().runJar(jar, null, wiring.runArgs(), Map.of());
        cluster.awaitRunning(jobId, START);
        cluster.awaitCheckpoints(jobId, 1, START);

        // Phase 0: warm-up, no fault. Its invoices are the originals that later phases resubmit.
        long t0 = System.nanoTime();
        produce(phases.get(0));
        assertOutputs("warm-up");
        pickOriginals();
        figures.add(row("warm-up (no fault)", 0, 0, 0, seconds(t0)));

        for (int kill = 1; kill <= 3; kill++) {
            int n = kill;
            phase(kill, "kill -9 of a TaskManager #" + kill, () -> {
                FlinkProcess victim = busyTaskManager();
                victim.kill();
                cluster.startTaskManager(); // the replacement pod
                return 0L;
            });
            // numRestarts as the REST API serves it (the JobManager's metric fetcher caches it briefly)
            long seen = cluster.await("numRestarts >= " + n + " after kill " + n, RECOVER, () -> {
                long r = restarts();
                return r >= n ? r : null;
            });
            assertThat(seen).as("restarts after kill " + n).isGreaterThanOrEqualTo(n);
            if (n == 1) {
                // Prometheus saw numRestarts rise on the JobManager: the restart alert fires.
                cluster.await("InvoiceSieveJobRestarting firing in Prometheus", RECOVER, () -> firing("InvoiceSieveJobRestarting"));
            }
        }
        phase(4, "PostgreSQL stopped and started", () -> {
            long begin = System.nanoTime();
            postgres.stop();
            sleep(8_000);
            postgres.startAgain();
            return System.nanoTime() - begin;
        });
        phase(5, "Kafka broker restarted", () -> {
            long begin = System.nanoTime();
            kafka.restart(Duration.ofSeconds(5));
            return System.nanoTime() - begin;
        });
        phase(6, "OpenSearch stopped and started", () -> {
            long begin = System.nanoTime();
            opensearch.stop();
            sleep(5_000);
            opensearch.start();
            return System.nanoTime() - begin;
        });
        assertThat(cluster.taskManagers().stream().filter(FlinkProcess::isAlive).count()).isEqualTo(2);
        cluster.assertJobManagerAlive();
    }

    @Test
    @Order(2)
    void upgradeFromASavepointWithAnotherParallelismAndSetting() throws Exception {
        assertThat(jobId).as("the outage procedure ran first").isNotNull();
        long begin = System.nanoTime();
        Path savepoints = cluster.dir().resolve("savepoints-out");
        String savepoint = cluster.stopWithSavepoint(jobId, savepoints, RECOVER);
        long stopped = System.nanoTime();
        preUpgradeJobId = jobId;
        int committedAtStop = wiring.committedDecisions().size(); // stop-with-savepoint committed the last transaction

        // The next version: the jar uploaded again, parallelism 3, sieve.jdbc.batch-interval 200 ms -> 500 ms.
        String jar = cluster.rest().uploadJar(FlinkCluster.jobJar());
        List<String> args = new ArrayList<>(wiring.runArgs());
        int at = args.indexOf("--" + ConnectorOptions.JDBC_BATCH_INTERVAL.key());
        assertThat(at).isPositive();
        args.set(at + 1, "500 ms");
        jobId = cluster.rest().runJar(jar, null, args, Map.of("parallelism", 3, "savepointPath", savepoint));
        cluster.awaitRunning(jobId, START);
        long running = System.nanoTime();
        assertThat(cluster.rest().get("jobs/" + jobId + "/checkpoints").path("latest").path("restored")
                .path("external_path").asText()).isEqualTo(savepoint);
        List<Integer> parallelism = new ArrayList<>();
        cluster.rest().job(jobId).path("vertices").forEach(v -> parallelism.add(v.path("parallelism").asInt()));
        assertThat(parallelism).as("vertex parallelism after the upgrade").contains(3);

        upgradeLines = new ArrayList<>(phases.get(7));
        upgradeLines.add(resubmission(7)); // a pre-upgrade invoice resubmitted: caught from the savepoint's state
        produce(upgradeLines);
        assertOutputs("upgrade");
        decidedAfterUpgrade = wiring.committedDecisions().size() - committedAtStop;
        assertThat(decidedAfterUpgrade).isPositive();
        figures.add(String.format(Locale.ROOT, "| stop-with-savepoint, start with parallelism 3 and a changed setting"
                        + " | %.1f (stop) | 0 | %.1f (RUNNING) | %.1f |",
                (stopped - begin) / 1e9, (running - begin) / 1e9, seconds(begin)));
        assertThat(restarts()).isZero();
    }

    @Test
    @Order(3)
    void prometheusScrapesTheJobsMetricsFromTheCluster() {
        assertThat(preUpgradeJobId).as("the upgrade ran first").isNotNull();
        long up = cluster.await("JobManager and 2 TaskManagers up in Prometheus", RECOVER, () -> {
            long n = 0;
            for (JsonNode t : prometheus.targets()) {
                n += "up".equals(t.path("health").asText()) ? 1 : 0;
            }
            return n >= 3 ? n : null;
        });
        assertThat(up).isEqualTo(3);
        // The new job's decisions counter: exactly the decisions it made (it restored from a savepoint, no
        // replay). max_over_time: a scrape that times out on a busy machine leaves a gap, not a wrong sum.
        String decisions = "sum(max_over_time(flink_taskmanager_job_task_operator_decision_decisions{job_id=\"" + jobId + "\"}[1m]))";
        Double value = cluster.await(decisions + " = " + decidedAfterUpgrade, RECOVER, () -> {
            Double v = prometheus.value(decisions);
            return v != null && v == decidedAfterUpgrade ? v : null;
        });
        assertThat(value).isEqualTo((double) decidedAfterUpgrade);
        assertThat(prometheus.query("max_over_time(flink_taskmanager_job_task_operator_decision_decisions{job_id=\"" + jobId + "\"}[1m])"))
                .extracting(s -> s.path("metric").path("decision").asText())
                .contains("PASS", "REVIEW", "HOLD");
        // The job's own metrics, by name (over the whole run: a counter appears with its first event).
        for (String metric : List.of("decision_decisions", "reason_reasons", "invoicesParsed", "deadLetters",
                "dlq_reason_deadLettersByReason", "model_version_decisionsByModel", "decisionEventTimeLagMillis",
                "duplicateCandidatesCompared", "replaysSuppressed", "duplicateComparisonCapHits", "pendingRecords")) {
            assertThat(prometheus.query("max_over_time(flink_taskmanager_job_task_operator_" + metric + "[15m])"))
                    .as(metric).isNotEmpty();
        }
        assertThat(prometheus.query("max_over_time(flink_jobmanager_job_numRestarts{job_id=\"" + preUpgradeJobId + "\"}[15m])"))
                .singleElement().satisfies(r -> assertThat(r.path("value").get(1).asDouble()).isGreaterThanOrEqualTo(3));
        // Latency per stage (latency markers from the source to every operator): histograms by operator.
        assertThat(prometheus.query("max_over_time(flink_taskmanager_job_task_latency_source_id_operator_id_operator_subtask_index_latency"
                        + "{job_id=\"" + jobId + "\",quantile=\"0.99\"}[5m])"))
                .as("latency markers").isNotEmpty();
        // A recording rule of the PrometheusRule evaluated on real data.
        assertThat(prometheus.query("invoice_sieve:decisions:rate5m")).isNotEmpty();
    }

    @Test
    @Order(4)
    void theJobsOwnLogsAreJsonWithTheInvoiceIdsAndTheConfigurationIsLoggedMasked() throws Exception {
        assertThat(preUpgradeJobId).as("the upgrade ran first").isNotNull();
        // run logs its effective configuration once, in the JobManager (the REST handler runs main).
        List<JsonNode> jm = jsonLog(cluster.jobManager());
        List<JsonNode> config = jm.stream().filter(l -> l.path("message").asText().contains("effective configuration")).toList();
        assertThat(config).as("one line per submission: the first job and the upgrade").hasSize(2);
        assertThat(config.get(0).path("message").asText())
                .contains("sieve.kafka.bootstrap-servers=" + kafka.bootstrapServers())
                .contains("sieve.jdbc.password=******")
                .doesNotContain("password=" + postgres.password() + ",");
        // A HOLD is logged by a TaskManager with tenant_id, invoice_id and trace_id.
        List<JsonNode> holds = new ArrayList<>();
        for (FlinkProcess tm : cluster.taskManagers()) {
            jsonLog(tm).stream().filter(l -> l.path("message").asText().startsWith("HOLD")).forEach(holds::add);
        }
        assertThat(holds).isNotEmpty().allSatisfy(l -> {
            assertThat(l.path("tenant_id").asText()).isNotEmpty();
            assertThat(l.path("invoice_id").asText()).isNotEmpty();
            assertThat(l.path("trace_id").asText()).isNotEmpty();
            assertThat(l.path("logger").asText()).isEqualTo("io.invoicesieve.functions.AccountSharing");
        });
        Set<String> flagged = new TreeSet<>(wiring.sql("SELECT tenant_id || ':' || invoice_id FROM decisions WHERE decision = 'HOLD'"));
        assertThat(holds).allSatisfy(l -> assertThat(flagged).contains(l.path("tenant_id").asText() + ":" + l.path("invoice_id").asText()));
    }

    /** Every line of the process's JSON log ({@code <log>.json}), each parsed as one JSON object. */
    private static List<JsonNode> jsonLog(FlinkProcess process) throws IOException {
        Path file = Path.of(process.logFile() + ".json");
        List<JsonNode> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    // ------------------------------------------------------------------------------ a phase

    interface Fault {
        /** Injects the fault; returns how long the service was down, in nanoseconds (0: not a service). */
        long inject() throws Exception;
    }

    /**
     * Produces the phase's lines (and a resubmission of an original) at {@link #LINES_PER_SECOND}; after
     * half of them the fault; then waits for recovery (a checkpoint triggered after the fault ended
     * completes) and for every output, and checks them.
     */
    private void phase(int index, String name, Fault fault) throws Exception {
        List<Line> lines = new ArrayList<>(phases.get(index));
        lines.add(resubmission(index));
        long restartsBefore = restarts();
        long begin = System.nanoTime();
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(lines));
        cluster.await("half of phase " + index + " produced", RECOVER,
                () -> System.nanoTime() - begin > (long) (lines.size() / 2.0 / LINES_PER_SECOND * 1e9) ? Boolean.TRUE : null);
        long faultAt = System.nanoTime();
        long down = fault.inject();
        long faultEnded = System.currentTimeMillis();
        producing.get(RECOVER.toSeconds(), TimeUnit.SECONDS);
        cluster.await("job RUNNING and a checkpoint triggered after the fault completed", RECOVER, () -> {
            if (!"RUNNING".equals(cluster.rest().jobState(jobId))) {
                return null;
            }
            JsonNode completed = cluster.rest().get("jobs/" + jobId + "/checkpoints").path("latest").path("completed");
            return completed.path("trigger_timestamp").asLong() > faultEnded ? Boolean.TRUE : null;
        });
        double recovered = seconds(faultAt);
        assertOutputs(name);
        long restarts = restarts() - restartsBefore;
        figures.add(row(name, down / 1e9, restarts, recovered, seconds(faultAt)));
    }

    private static String row(String name, double down, long restarts, double recovered, double caughtUp) {
        return String.format(Locale.ROOT, "| %s | %.1f | %d | %.1f | %.1f |", name, down, restarts, recovered, caughtUp);
    }

    /** A TaskManager that runs a subtask of the job now. */
    private FlinkProcess busyTaskManager() {
        Set<String> busy = new HashSet<>();
        for (JsonNode vertex : cluster.rest().job(jobId).path("vertices")) {
            for (JsonNode subtask : cluster.rest().get("jobs/" + jobId + "/vertices/" + vertex.path("id").asText())
                    .path("subtasks")) {
                busy.add(subtask.path("taskmanager-id").asText());
            }
        }
        for (FlinkProcess tm : cluster.taskManagers()) {
            if (tm.isAlive() && busy.contains("tm-" + tm.name().substring("taskmanager-".length()))) {
                return tm;
            }
        }
        throw new AssertionError("no live TaskManager runs a task of " + jobId + ": " + busy + "\n" + cluster.diagnostics());
    }

    private long restarts() {
        JsonNode metrics = cluster.rest().get("jobs/" + jobId + "/metrics?get=numRestarts");
        return metrics.size() == 0 ? 0 : metrics.get(0).path("value").asLong();
    }

    private Boolean firing(String alert) {
        for (JsonNode a : prometheus.alerts()) {
            if (alert.equals(a.path("labels").path("alertname").asText()) && "firing".equals(a.path("state").asText())) {
                return Boolean.TRUE;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------ input

    /** Generated invoices (the generate tool), split into {@code count} phases of about equal size. */
    private void generateInput(int count) throws IOException {
        Path dir = Path.of("target", "operations", "input");
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(20260302L).tenants(2).vendorsPerTenant(10).invoices(480).start(LocalDate.of(2026, 1, 5)).days(60)
                .outOfOrderSeconds(0).lateRate(0).malformedRate(0.02).replayRate(0.03)
                .dupExactRate(0.03).dupRekeyedRate(0.02).amountAnomalyRate(0.02).bankChangeRate(0.02)
                .build();
        new InvoiceGenerator().generate(config, dir.resolve("invoices.jsonl"), dir.resolve("truth.csv"));
        List<String> raw = Files.readAllLines(dir.resolve("invoices.jsonl"), StandardCharsets.UTF_8);
        InvoiceParser parser = new InvoiceParser();
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String value = raw.get(i);
            Line line;
            try {
                Invoice invoice = parser.parse(value);
                line = new Line(invoice.tenantId + ":" + invoice.invoiceId, partition(invoice.tenantId, invoice.vendorId),
                        value, true, invoice.tenantId, invoice.vendorId, invoice.eventTimeMillis());
            } catch (InvalidInvoiceException e) {
                line = new Line("malformed-" + i, i % 2, value, false, null, null, Long.MIN_VALUE);
            }
            lines.add(line);
        }
        int size = (lines.size() + count - 1) / count;
        for (int p = 0; p < count; p++) {
            phases.add(lines.subList(Math.min(lines.size(), p * size), Math.min(lines.size(), (p + 1) * size)));
        }
        assertThat(lines.stream().filter(l -> !l.valid()).count()).as("malformed lines generated").isPositive();
    }

    /** Every invoice of a vendor into one partition: the job sees each vendor's invoices in file order. */
    private static int partition(String tenant, String vendor) {
        return Math.floorMod((tenant + "/" + vendor).hashCode(), 2);
    }

    /** Originals for resubmissions: first-phase invoices decided PASS with a positive amount. */
    private void pickOriginals() throws Exception {
        Set<String> passed = new HashSet<>(wiring.sql(
                "SELECT d.tenant_id || ':' || d.invoice_id FROM decisions d JOIN invoices i USING (tenant_id, invoice_id)"
                        + " WHERE d.decision = 'PASS' AND i.amount > 0"));
        for (Line l : phases.get(0)) {
            if (l.valid() && passed.contains(l.key()) && originals.stream().noneMatch(o -> o.vendor().equals(l.vendor()))) {
                originals.add(l);
            }
        }
        assertThat(originals.size()).as("PASS originals of distinct vendors in the first phase").isGreaterThanOrEqualTo(7);
    }

    /**
     * The resubmission of an original, at the end of the phase: new invoice_id, same vendor, number,
     * amount and date, event time one second after the phase's latest (not late, and no later than
     * what the next phase brings).
     */
    private Line resubmission(int phase) throws IOException {
        Line original = originals.get(phase - 1);
        ObjectNode invoice = (ObjectNode) JSON.readTree(original.value());
        String originalId = invoice.path("invoice_id").asText();
        String id = originalId + "-resubmitted-" + phase;
        invoice.put("invoice_id", id);
        long latest = phases.get(phase).stream().mapToLong(Line::eventTime).max().orElseThrow();
        invoice.put("event_time", Instant.ofEpochMilli(latest + 1000).toString());
        String key = original.tenant() + ":" + id;
        Set<String> family = new TreeSet<>();
        for (List<Line> produced : phases.subList(0, phase + 1)) {
            for (Line l : produced) {
                if (l.valid() && sameInvoice(original.value(), l.value())) {
                    family.add(JSON.readTree(l.value()).path("invoice_id").asText());
                }
            }
        }
        resubmissions.put(key, family);
        return new Line(key, original.partition(), JSON.writeValueAsString(invoice), true, original.tenant(), original.vendor(),
                latest + 1000);
    }

    /** The same tenant, vendor, invoice number and amount: what a resubmission copies. */
    private static boolean sameInvoice(String a, String b) throws IOException {
        JsonNode x = JSON.readTree(a);
        JsonNode y = JSON.readTree(b);
        for (String field : List.of("tenant_id", "vendor_id", "invoice_number", "amount")) {
            if (!x.path(field).asText().equals(y.path(field).asText())) {
                return false;
            }
        }
        return true;
    }

    /** Produces the lines at {@link #LINES_PER_SECOND} (acks=all, idempotent); a broker restart only delays it. */
    private void produce(List<Line> lines) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "200000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        long begin = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                Line l = lines.get(i);
                sent.add(producer.send(new ProducerRecord<>(wiring.topic("invoices"), l.partition(), l.key(), l.value())));
                long due = begin + (long) ((i + 1) * 1e9 / LINES_PER_SECOND);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleep(wait / 1_000_000);
                }
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("producing failed", e);
        }
        synchronized (this) {
            for (Line l : lines) {
                if (l.valid()) {
                    expectedValid.add(l.key());
                } else {
                    expectedMalformed++;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------ outputs

    /**
     * Waits until every sink has everything, plus two checkpoints (anything doubled would be committed by
     * then), and checks: Kafka decisions exactly once, PostgreSQL rows, OpenSearch = flagged, DLQ, and
     * the resubmissions caught.
     */
    private void assertOutputs(String phase) throws Exception {
        int valid = expectedValid.size();
        cluster.await(phase + ": " + valid + " decisions in Kafka, PostgreSQL, and " + expectedMalformed + " dead letters",
                RECOVER, () -> {
                    try {
                        return wiring.committedDecisions().size() >= valid
                                && wiring.sqlLong("SELECT count(*) FROM decisions") >= valid
                                && wiring.committed("dlq").size() >= expectedMalformed ? Boolean.TRUE : null;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        cluster.awaitCheckpoints(jobId, cluster.rest().completedCheckpoints(jobId) + 2, RECOVER);

        List<ConsumerRecord<String, String>> decisions = wiring.committedDecisions();
        List<String> keys = decisions.stream().map(ConsumerRecord::key).collect(Collectors.toList());
        assertThat(keys).as(phase + ": Kafka decisions, exactly once").doesNotHaveDuplicates();
        assertThat(new TreeSet<>(keys)).as(phase + ": Kafka decisions = distinct valid invoices").isEqualTo(expectedValid);
        Set<String> flaggedInKafka = new TreeSet<>();
        for (ConsumerRecord<String, String> r : decisions) {
            if (!"PASS".equals(JSON.readTree(r.value()).path("decision").asText())) {
                flaggedInKafka.add(r.key());
            }
        }

        assertThat(new TreeSet<>(wiring.sql("SELECT tenant_id || ':' || invoice_id FROM decisions")))
                .as(phase + ": PostgreSQL rows = distinct valid invoices").isEqualTo(expectedValid);
        Set<String> flaggedInPostgres = new TreeSet<>(wiring.sql(
                "SELECT tenant_id || ':' || invoice_id FROM decisions WHERE decision <> 'PASS'"));
        assertThat(flaggedInPostgres).as(phase + ": flagged in PostgreSQL = flagged in Kafka").isEqualTo(flaggedInKafka);
        Set<String> documents = cluster.await(phase + ": OpenSearch documents = flagged invoices", RECOVER, () -> {
            Set<String> ids = openSearchIds();
            return ids.equals(flaggedInPostgres) ? ids : null;
        });
        assertThat(documents).isNotEmpty();

        assertThat(wiring.committed("dlq")).as(phase + ": DLQ = malformed lines").hasSize(expectedMalformed);

        for (Map.Entry<String, Set<String>> r : resubmissions.entrySet()) {
            String id = r.getKey().substring(r.getKey().indexOf(':') + 1);
            String where = " FROM decisions WHERE invoice_id = '" + id + "'";
            assertThat(wiring.sql("SELECT array_to_string(reason_codes, ',')" + where)).as(phase + ": " + r.getKey())
                    .singleElement().asString().contains("DUPLICATE_EXACT");
            assertThat(wiring.sql("SELECT array_to_string(matched_invoice_ids, ',')" + where))
                    .singleElement().asString().as(phase + ": " + r.getKey() + " names the original or a copy of it " + r.getValue())
                    .satisfies(matched -> assertThat(List.of(matched.split(","))).containsAnyElementsOf(r.getValue()));
            assertThat(flaggedInPostgres).contains(r.getKey());
        }
        cluster.assertJobManagerAlive();
    }

    private Set<String> openSearchIds() {
        String index = wiring.settings.get(ConnectorOptions.OPENSEARCH_INDEX.key());
        HttpClient http = HttpClient.newHttpClient();
        try {
            http.send(HttpRequest.newBuilder(URI.create(opensearch.httpUrl() + "/" + index + "/_refresh"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create(opensearch.httpUrl() + "/" + index + "/_search?size=10000&_source=false")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Set<String> ids = new TreeSet<>();
            JSON.readTree(r.body()).path("hits").path("hits").forEach(h -> ids.add(h.path("_id").asText()));
            return ids;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
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

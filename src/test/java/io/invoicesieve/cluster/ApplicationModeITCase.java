package io.invoicesieve.cluster;

import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.PostgresService;
import io.invoicesieve.testing.cluster.FlinkCluster;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job jar (target/invoice-sieve-job.jar) on a real Flink cluster of separate JVMs, started the way
 * production starts it (issue 15: {@code Main} used to {@code System.exit} inside the JobManager):
 * <ul>
 *   <li>application mode, as the Kubernetes operator's FlinkDeployment with {@code jarURI} and
 *       {@code args: ["run", ...]}: the JobManager stays up, the job runs and decides every invoice
 *       exactly once; after stop-with-savepoint a second cluster restores from the savepoint and the
 *       state is there (a resubmission is DUPLICATE_EXACT naming the original, a replay of an old
 *       invoice_id decides nothing);</li>
 *   <li>session mode, {@code POST /jars/upload} and {@code POST /jars/<id>/run}: the reply carries the
 *       job id, the JobManager stays up, the job runs and decides.</li>
 * </ul>
 * Real Kafka, PostgreSQL and OpenSearch (the shared test services); everything in the loopback-only
 * namespace of the failsafe execution flink-cluster-it (see {@link FlinkCluster}).
 */
@Tag("flink-cluster")
@ExtendWith({KafkaService.Extension.class, PostgresService.Extension.class, OpenSearchService.Extension.class})
class ApplicationModeITCase {

    /** Generous: a shared 2-core machine starts five JVMs here. Polling ends each wait early. */
    private static final Duration START = Duration.ofSeconds(150);
    private static final Duration DECIDED = Duration.ofSeconds(120);

    @Test
    void applicationModeKeepsTheJobManagerUpAndStateSurvivesStopWithSavepoint(
            KafkaService kafka, PostgresService postgres, OpenSearchService opensearch) throws Exception {
        JobWiring wiring = JobWiring.init("appmode", kafka, postgres, opensearch);
        List<String[]> first = JobWiring.distinctInvoices("a", 0, 24);
        Set<String> firstKeys = keys(first);
        Path savepoints;
        String savepoint;

        try (FlinkCluster cluster = FlinkCluster.application("appmode-1", FlinkCluster.jobJar(), wiring.runArgs())
                .taskManagers(1)
                .startTimeout(START)
                .start()) {
            // The job's connectors reach the cluster only inside the job jar (user-code class loading).
            try (var lib = java.nio.file.Files.list(cluster.lib())) {
                assertThat(lib.map(p -> p.getFileName().toString()))
                        .isNotEmpty()
                        .noneMatch(f -> f.startsWith("kafka-clients") || f.startsWith("flink-connector-kafka")
                                || f.startsWith("postgresql") || f.startsWith("opensearch") || f.startsWith("invoice-sieve"));
            }
            String job = cluster.awaitSingleJob(START);
            cluster.awaitRunning(job, START);
            wiring.produce(first, null);

            List<String> decided = cluster.await("24 committed decisions", DECIDED, () -> {
                List<String> k = wiring.committedDecisionKeys();
                return k.size() >= first.size() ? k : null;
            });
            // Two more checkpoints commit anything a duplicate would have produced.
            cluster.awaitCheckpoints(job, cluster.rest().completedCheckpoints(job) + 2, DECIDED);
            decided = wiring.committedDecisionKeys();
            assertThat(decided).as(cluster::diagnostics).hasSize(first.size());
            assertThat(new HashSet<>(decided)).isEqualTo(firstKeys);
            assertThat(wiring.sqlLong("SELECT count(*) FROM decisions")).isEqualTo(first.size());
            assertThat(wiring.sqlLong("SELECT max(write_count) FROM decisions")).isEqualTo(1);

            // The old Main's System.exit took the JobManager down about 5 s after it started.
            cluster.await("the JobManager up for 20 s", DECIDED,
                    () -> cluster.jobManager().uptime().compareTo(Duration.ofSeconds(20)) > 0 ? Boolean.TRUE : null);
            cluster.assertJobManagerAlive();
            assertThat(cluster.rest().jobs()).containsEntry(job, "RUNNING");

            savepoints = cluster.dir().resolve("savepoints-out");
            savepoint = cluster.stopWithSavepoint(job, savepoints, DECIDED);
            assertThat(Path.of(java.net.URI.create(savepoint))).startsWith(savepoints).isDirectory();
        }

        // A resubmission (same vendor, number, amount and date; new invoice_id) of invoice 4, and a
        // replay of invoice 5 first: both in partition 0, so once the resubmission's decision is
        // committed, whatever the replay produced is committed too (same split, earlier offset).
        String[] original = first.get(4);
        String originalId = original[0].substring(original[0].indexOf(':') + 1);
        String[] resubmission = JobWiring.invoice("acme", "acme-resubmitted-000004", "V-1002",
                "INV-V-1002-a-00004", "1148.04", JobWiring.BASE.plus(Duration.ofHours(8)).toString().substring(0, 10),
                JobWiring.BASE.plus(Duration.ofHours(200)));
        assertThat(original[1]).contains("\"invoice_number\":\"INV-V-1002-a-00004\"", "\"amount\":\"1148.04\"",
                "\"invoice_date\":\"2026-03-02\"", "\"vendor_id\":\"V-1002\"");
        String[] replay = first.get(5);

        try (FlinkCluster cluster = FlinkCluster.application("appmode-2", FlinkCluster.jobJar(), wiring.runArgs())
                .taskManagers(1)
                .set("execution.savepoint.path", savepoint)
                .startTimeout(START)
                .start()) {
            String job = cluster.awaitSingleJob(START);
            cluster.awaitRunning(job, START);
            assertThat(cluster.rest().get("jobs/" + job + "/checkpoints").path("latest").path("restored")
                            .path("external_path").asText())
                    .as("restored from the savepoint").isEqualTo(savepoint);
            wiring.produce(List.of(replay, resubmission), 0);

            cluster.await("the resubmission's committed decision", DECIDED,
                    () -> wiring.committedDecisionKeys().contains(resubmission[0]) ? Boolean.TRUE : null);
            List<String> decided = wiring.committedDecisionKeys();
            List<String> expected = new ArrayList<>(firstKeys);
            expected.add(resubmission[0]);
            assertThat(decided).as(cluster::diagnostics).containsExactlyInAnyOrderElementsOf(expected);

            String resubmitted = "invoice_id = 'acme-resubmitted-000004'";
            assertThat(wiring.sql("SELECT array_to_string(reason_codes, ',') FROM decisions WHERE " + resubmitted))
                    .singleElement().asString().contains("DUPLICATE_EXACT");
            assertThat(wiring.sql("SELECT array_to_string(matched_invoice_ids, ',') FROM decisions WHERE " + resubmitted))
                    .singleElement().asString().contains(originalId);
            assertThat(wiring.sqlLong("SELECT count(*) FROM decisions")).isEqualTo(first.size() + 1);
            assertThat(wiring.sqlLong("SELECT max(write_count) FROM decisions")).isEqualTo(1);
            cluster.assertJobManagerAlive();
        }
    }

    @Test
    void sessionClusterRunsTheUploadedJarOverRest(
            KafkaService kafka, PostgresService postgres, OpenSearchService opensearch) throws Exception {
        JobWiring wiring = JobWiring.init("sessionrun", kafka, postgres, opensearch);
        List<String[]> invoices = JobWiring.distinctInvoices("s", 0, 16);

        try (FlinkCluster cluster = FlinkCluster.session("session").taskManagers(1).startTimeout(START).start()) {
            String jar = cluster.rest().uploadJar(FlinkCluster.jobJar());
            String job;
            try {
                job = cluster.rest().runJar(jar, null, wiring.runArgs(), Map.of());
            } catch (RuntimeException e) {
                // The old Main: System.exit in the REST handler, the JobManager dies, the reply is empty.
                throw new AssertionError("POST /jars/" + jar + "/run failed: " + e + "\n" + cluster.diagnostics(), e);
            }
            assertThat(job).as(cluster::diagnostics).matches("[0-9a-f]{32}");
            cluster.awaitRunning(job, START);
            cluster.assertJobManagerAlive();

            wiring.produce(invoices, null);
            cluster.await("16 committed decisions", DECIDED,
                    () -> wiring.committedDecisionKeys().size() >= invoices.size() ? Boolean.TRUE : null);
            assertThat(wiring.committedDecisionKeys()).as(cluster::diagnostics)
                    .containsExactlyInAnyOrderElementsOf(keys(invoices));
            assertThat(wiring.sqlLong("SELECT count(*) FROM decisions")).isEqualTo(invoices.size());
            cluster.assertJobManagerAlive();
            assertThat(cluster.rest().jobs()).containsEntry(job, "RUNNING");
        }
    }

    private static Set<String> keys(List<String[]> records) {
        return records.stream().map(r -> r[0]).collect(Collectors.toSet());
    }
}

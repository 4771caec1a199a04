package io.invoicesieve.job;

import io.invoicesieve.cli.InspectCommand;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.testing.InvoiceJson;
import io.invoicesieve.testing.ReleaseTraffic;
import io.invoicesieve.testing.SieveJobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes the savepoint of the current release into {@code savepoints/<version>/}: the job at
 * parallelism 2 on RocksDB sees {@link ReleaseTraffic#beforeSavepoint()} and is stopped with a
 * canonical savepoint. Not part of the normal build; run it once per release:
 *
 * <pre>mvn -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CreateReleaseSavepointITCase -Dsavepoint.write=true</pre>
 *
 * It refuses to overwrite a checked-in savepoint: released savepoints never change.
 */
@EnabledIfSystemProperty(named = "savepoint.write", matches = "true")
class CreateReleaseSavepointITCase {

    static final int PARALLELISM = 2;
    static final String STATE_BACKEND = "rocksdb";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .setConfiguration(clusterConfig())
                            .build());

    private static Configuration clusterConfig() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, STATE_BACKEND);
        return conf;
    }

    @Test
    void writeReleaseSavepoint(@TempDir Path tmp) throws Exception {
        String version = JobVersion.get();
        Path release = Paths.get("savepoints", version).toAbsolutePath();
        Path target = release.resolve("savepoint");
        assertThat(target).as("released savepoints are never overwritten").doesNotExist();

        List<Invoice> traffic = ReleaseTraffic.beforeSavepoint();
        InvoiceJson.write(tmp.resolve("input").resolve("traffic.jsonl"), traffic);
        String bucket = "release-" + version;
        JobClient job = SieveJobs.start(
                SieveJobs.flinkConfig(STATE_BACKEND, null), Map.of(), PARALLELISM, tmp.resolve("input"), bucket);
        List<Decision> decisions = SieveJobs.await(job, bucket, ReleaseTraffic.distinct(traffic));
        Path taken = Paths.get(URI.create(SieveJobs.stopWithSavepoint(job, tmp.resolve("savepoints"))));

        copy(taken, target);
        assertThat(target.resolve("_metadata")).exists();
        String inspected = InspectCommand.format("savepoints/" + version + "/savepoint", InspectCommand.inspect(target.toString(), "hashmap"));
        Files.writeString(release.resolve("MANIFEST.md"),
                manifest(version, traffic, decisions, size(target)) + "\n## State (`inspect`)\n\n```\n" + inspected + "```\n",
                StandardCharsets.UTF_8);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest);
                }
            }
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static String manifest(String version, List<Invoice> traffic, List<Decision> decisions, long bytes) {
        long flagged = decisions.stream().filter(Decision::flagged).count();
        return String.join("\n",
                "# invoice-sieve " + version + " savepoint",
                "",
                "| | |",
                "|---|---|",
                "| job version | " + version + " |",
                "| Flink version | " + EnvironmentInformation.getVersion() + " |",
                "| state backend | " + STATE_BACKEND + " (`state.backend.type`) |",
                "| format | CANONICAL (`stop-with-savepoint`, no drain) |",
                "| parallelism | " + PARALLELISM + " |",
                "| max parallelism | " + InvoiceSievePipeline.DEFAULT_MAX_PARALLELISM + " (`pipeline.max-parallelism`) |",
                "| settings | defaults of " + version + " (no `sieve.*` overrides), `pipeline.generic-types: false` |",
                "| source | FileSource over JSON lines, continuous monitoring (uid `invoice-source`), fully read |",
                "| sinks | a stateless test sink (uid `" + SieveJobs.TEST_SINK_UID + "`) |",
                "| size | " + bytes + " bytes |",
                "",
                "Written by `CreateReleaseSavepointITCase` (see savepoints/README.md). Directory `savepoint/` is the",
                "savepoint as Flink wrote it; canonical savepoints are relocatable and restore into either backend.",
                "",
                "## Traffic it saw",
                "",
                "`ReleaseTraffic.beforeSavepoint()` (src/test/java/io/invoicesieve/testing): " + traffic.size()
                        + " invoice lines, " + decisions.size() + " distinct invoices (one re-delivery of `sp-amt-3`),",
                "tenants `acme` and `globex`, 12 vendors, event times 2026-03-02 to 2026-05-11; "
                        + flagged + " decisions were REVIEW or HOLD.",
                "",
                "- `acme/sp-dup-1`: vendor V-3001, INV-SP-0001, 4200.00 EUR, invoice date 2026-03-12",
                "- vendor V-3002 (acme): " + ReleaseTraffic.AMOUNT_HISTORY + " amounts of 1000.00 to 1100.00 EUR",
                "- vendor V-3003 (acme): 4 invoices to account " + ReleaseTraffic.KNOWN_ACCOUNT,
                "- vendor V-3004 (globex): 2 invoices to account " + ReleaseTraffic.SHARED_ACCOUNT,
                "- vendors F-1 to F-4 in both tenants: 5 invoices each",
                "",
                "## What SavepointRestoreITCase checks after restoring it",
                "",
                "Traffic `ReleaseTraffic.afterRestore()`, into the current build's pipeline (parallelism 2, RocksDB,",
                "allowNonRestoredState=false):",
                "",
                "- `sp-dup-1-resubmitted` (same number, amount, date) is DUPLICATE_EXACT, matched_invoice_ids = [sp-dup-1]",
                "  (invoice-scorer `duplicate-index`)",
                "- the re-delivery of `sp-dup-1` yields no decision (invoice-scorer `invoice-ids`)",
                "- `sp-amt-outlier` (40000.00 EUR at V-3002) is AMOUNT_ANOMALY with history_size "
                        + ReleaseTraffic.AMOUNT_HISTORY + " (invoice-scorer `amount-history`)",
                "- `sp-bank-known` on the known account has no BANK_CHANGE, `sp-bank-new` on a new one has",
                "  (invoice-scorer `vendor-accounts`)",
                "- `sp-share-other` (globex V-3006 on V-3004's account) is BANK_SHARED naming V-3004",
                "  (account-sharing `account-profile`)",
                "- exactly one decision per new invoice (6)",
                "");
    }
}

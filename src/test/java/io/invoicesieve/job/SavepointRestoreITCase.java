package io.invoicesieve.job;

import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.InvoiceJson;
import io.invoicesieve.testing.ReleaseTraffic;
import io.invoicesieve.testing.SieveJobs;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restores the savepoint of every released version (savepoints/&lt;version&gt;/savepoint) into the
 * current build's pipeline and shows that each keyed state came back: a resubmission of an invoice
 * from before the savepoint is caught, its re-delivery is suppressed, amount history and known
 * accounts are intact. A renamed uid fails the restore (allowNonRestoredState=false); a renamed
 * state or an incompatible serializer fails it or the assertions.
 */
class SavepointRestoreITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    static Stream<Arguments> releasesAndBackends() throws IOException {
        return releases().flatMap(r -> Stream.of(Arguments.of(r, "rocksdb"), Arguments.of(r, "hashmap")));
    }

    static Stream<Path> releases() throws IOException {
        List<Path> releases;
        try (Stream<Path> dirs = Files.list(Paths.get("savepoints"))) {
            releases = dirs.filter(d -> Files.exists(d.resolve("savepoint").resolve("_metadata"))).sorted().toList();
        }
        assertThat(releases).as("checked-in release savepoints under savepoints/").isNotEmpty();
        return releases.stream();
    }

    /**
     * Restores the release's savepoint on {@code backend} (its keyed-state values migrate from the
     * POJO format of 0.1.0 to the current serializers, state/StateSerializers), checks every state,
     * then takes a savepoint of the current build and restores that on the other backend: the
     * migrated values were written in the current format and still hold the release's history.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("releasesAndBackends")
    void restoresIntoTheCurrentBuild(Path release, String backend, @TempDir Path tmp) throws Exception {
        List<Invoice> after = ReleaseTraffic.afterRestore();
        Set<String> before = ReleaseTraffic.beforeSavepoint().stream().map(i -> i.invoiceId).collect(Collectors.toSet());
        int expected = (int) after.stream().map(i -> i.invoiceId).distinct().filter(id -> !before.contains(id)).count();
        InvoiceJson.write(tmp.resolve("input").resolve("after.jsonl"), after);

        String bucket = "restore-" + release.getFileName();
        String savepoint = release.resolve("savepoint").toAbsolutePath().toUri().toString();
        JobClient job = SieveJobs.start(
                SieveJobs.flinkConfig(backend, savepoint), Map.of(), 2, tmp.resolve("input"), bucket);
        List<Decision> decisions;
        String next;
        try {
            decisions = SieveJobs.await(job, bucket, expected);
            next = SieveJobs.stopWithSavepoint(job, tmp.resolve("savepoint-current"));
        } catch (Throwable t) {
            SieveJobs.cancel(job);
            throw t;
        }
        Map<String, Decision> byId = decisions.stream().collect(Collectors.toMap(d -> d.invoiceId, Function.identity()));

        assertThat(byId).as("the re-delivery of an invoice seen before the savepoint is suppressed")
                .doesNotContainKey(ReleaseTraffic.ORIGINAL_ID);

        Decision resubmission = byId.get(ReleaseTraffic.RESUBMISSION_ID);
        assertThat(codes(resubmission)).contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(resubmission.matchedInvoiceIds).containsExactly(ReleaseTraffic.ORIGINAL_ID);

        Decision outlier = byId.get(ReleaseTraffic.OUTLIER_ID);
        assertThat(codes(outlier)).contains(ReasonCode.AMOUNT_ANOMALY);
        assertThat(reason(outlier, ReasonCode.AMOUNT_ANOMALY).evidence.historySize).isEqualTo(ReleaseTraffic.AMOUNT_HISTORY);

        assertThat(codes(byId.get(ReleaseTraffic.KNOWN_ACCOUNT_ID))).doesNotContain(ReasonCode.BANK_CHANGE);
        assertThat(codes(byId.get(ReleaseTraffic.NEW_ACCOUNT_ID))).contains(ReasonCode.BANK_CHANGE);

        Decision shared = byId.get(ReleaseTraffic.SHARED_ACCOUNT_ID);
        assertThat(codes(shared)).contains(ReasonCode.BANK_SHARED);
        assertThat(reason(shared, ReasonCode.BANK_SHARED).evidence.otherVendorIds).containsExactly("V-3004");

        // second hop: the current build's own savepoint of the migrated state, on the other backend
        Invoice again = ReleaseTraffic.resubmission("sp-dup-1-again", 87);
        Invoice outlierAgain = ReleaseTraffic.outlier("sp-amt-outlier-again", "41000.00", 88);
        InvoiceJson.write(tmp.resolve("input-2").resolve("again.jsonl"), List.of(again, outlierAgain));
        String bucket2 = bucket + "-again";
        JobClient second = SieveJobs.start(SieveJobs.flinkConfig("rocksdb".equals(backend) ? "hashmap" : "rocksdb", next),
                Map.of(), 2, tmp.resolve("input-2"), bucket2);
        Map<String, Decision> secondById;
        try {
            secondById = SieveJobs.await(second, bucket2, 2).stream()
                    .collect(Collectors.toMap(d -> d.invoiceId, Function.identity()));
        } finally {
            SieveJobs.cancel(second);
        }
        Decision againDecision = secondById.get(again.invoiceId);
        assertThat(codes(againDecision)).contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(againDecision.matchedInvoiceIds).contains(ReleaseTraffic.ORIGINAL_ID);
        Decision outlier2 = secondById.get(outlierAgain.invoiceId);
        assertThat(codes(outlier2)).contains(ReasonCode.AMOUNT_ANOMALY);
        assertThat(reason(outlier2, ReasonCode.AMOUNT_ANOMALY).evidence.historySize)
                .as("the release's samples and the first outlier")
                .isEqualTo(ReleaseTraffic.AMOUNT_HISTORY + 1);
    }

    static Set<ReasonCode> codes(Decision d) {
        assertThat(d).as("decision").isNotNull();
        return Arrays.stream(d.reasons).map(r -> r.code).collect(Collectors.toCollection(HashSet::new));
    }

    static Reason reason(Decision d, ReasonCode code) {
        return Arrays.stream(d.reasons).filter(r -> r.code == code).findFirst().orElseThrow();
    }
}

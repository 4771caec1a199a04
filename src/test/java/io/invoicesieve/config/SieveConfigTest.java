package io.invoicesieve.config;

import io.invoicesieve.model.DecisionType;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SieveConfigTest {

    @Test
    void defaultsAreValid() {
        SieveConfig config = SieveConfig.defaults();
        assertThat(config.get(SieveOptions.DUPLICATE_LOOKBACK)).isGreaterThanOrEqualTo(Duration.ofDays(90));
        assertThat(config.thresholds().decide("any", 0.49)).isEqualTo(DecisionType.PASS);
        assertThat(config.thresholds().decide("any", 0.5)).isEqualTo(DecisionType.REVIEW);
        assertThat(config.thresholds().decide("any", 0.8)).isEqualTo(DecisionType.HOLD);
    }

    @Test
    void commandLineWinsOverFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("dev.properties");
        Files.writeString(file, "sieve.duplicates.lookback=100 d\nsieve.amount.min-history=10\nparallelism.default=2\n");
        Map<String, String> rest = new HashMap<>();
        SieveConfig config = SieveConfig.fromArgs(
                new String[] {"--config", file.toString(), "--sieve.amount.min-history", "12", "--input", "x"}, rest);
        assertThat(config.get(SieveOptions.DUPLICATE_LOOKBACK)).isEqualTo(Duration.ofDays(100));
        assertThat(config.get(SieveOptions.AMOUNT_MIN_HISTORY)).isEqualTo(12);
        assertThat(config.flinkConfiguration().toMap()).containsEntry("parallelism.default", "2");
        assertThat(rest).containsEntry("input", "x");
    }

    @Test
    void badValuesFailNamingTheSetting() {
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.duplicates.lookback", "ninety days")))
                .hasMessageContaining("sieve.duplicates.lookback");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.duplicates.max-comparisons", "0")))
                .hasMessageContaining("sieve.duplicates.max-comparisons");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.decision.review-threshold", "0.9")))
                .hasMessageContaining("REVIEW threshold");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.decision.hold-threshold", "1.5")))
                .hasMessageContaining("sieve.decision.hold-threshold");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.replay.retention", "30 d")))
                .hasMessageContaining("sieve.replay.retention");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.decision.tenant-thresholds", "acme:0.9")))
                .hasMessageContaining("sieve.decision.tenant-thresholds");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.duplicate.lookback", "90 d")))
                .hasMessageContaining("Unknown setting 'sieve.duplicate.lookback'");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("nonsense", "1")))
                .hasMessageContaining("'nonsense'");
    }

    @Test
    void perTenantThresholds() {
        Thresholds t = SieveConfig.of(Map.of("sieve.decision.tenant-thresholds", "acme:0.3:0.6, globex:0.7:0.95"))
                .thresholds();
        assertThat(t.decide("acme", 0.35)).isEqualTo(DecisionType.REVIEW);
        assertThat(t.decide("acme", 0.65)).isEqualTo(DecisionType.HOLD);
        assertThat(t.decide("globex", 0.65)).isEqualTo(DecisionType.PASS);
        assertThat(t.decide("initech", 0.65)).isEqualTo(DecisionType.REVIEW);
    }

    @Test
    void reversedGlobalThresholdsNameTheGlobalSettings() {
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.decision.review-threshold", "0.9")))
                .hasMessageStartingWith("Setting 'sieve.decision.review-threshold'")
                .hasMessageNotContaining("tenant-thresholds");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.decision.hold-threshold", "0.2")))
                .hasMessageStartingWith("Setting 'sieve.decision.hold-threshold'")
                .hasMessageNotContaining("tenant-thresholds");
        assertThatThrownBy(() -> SieveConfig.of(Map.of(
                        "sieve.decision.review-threshold", "0.7", "sieve.decision.hold-threshold", "0.6")))
                .hasMessageContaining("'sieve.decision.review-threshold' and 'sieve.decision.hold-threshold'");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.decision.tenant-thresholds", "acme:0.7:0.6")))
                .hasMessageContaining("sieve.decision.tenant-thresholds' for tenant 'acme");
    }

    @Test
    void flinkKeysMustBeFlinksAndTheirValuesParse() {
        // declared keys, fallback/deprecated keys, and the documented open prefixes pass
        SieveConfig.of(Map.of(
                "state.backend.type", "rocksdb",
                "execution.checkpointing.interval", "30 s",
                "execution.savepoint.path", "file:///tmp/sp",
                "state.backend.rocksdb.memory.managed", "true",
                "taskmanager.memory.process.size", "2 gb",
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                "env.java.opts.all", "-Xss2m",
                "kubernetes.cluster-id", "sieve",
                "high-availability.storageDir", "s3://x/ha",
                "pipeline.max-parallelism", "128"));
        assertThatThrownBy(() -> SieveConfig.of(Map.of("state.backend.typo", "rocksdb")))
                .hasMessage("Unknown setting 'state.backend.typo': neither an invoice-sieve option nor a Flink option"
                        + " (did you mean 'state.backend.type'?)");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("execution.checkpointing.intervall", "30 s")))
                .hasMessageContaining("did you mean 'execution.checkpointing.interval'?");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("execution.checkpointing.interval", "soon")))
                .hasMessage("Invalid value 'soon' for Flink setting 'execution.checkpointing.interval':"
                        + " expected a duration (e.g. 500 ms, 30 s, 5 min, 1 h)");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("pipeline.max-parallelism", "many")))
                .hasMessageContaining("'pipeline.max-parallelism': expected an integer");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("restart-strategy.type", "x", "restart-strategy.fixed-delay.attempts", "x")))
                .hasMessageContaining("restart-strategy.fixed-delay.attempts");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.decision.hold-treshold", "0.9")))
                .hasMessageContaining("did you mean 'sieve.decision.hold-threshold'?");
    }

    @Test
    void flinksOptionsAreReadOnceAndFast() {
        long start = System.nanoTime();
        assertThat(FlinkOptions.keys()).hasSizeGreaterThan(500)
                .contains("state.backend.type", "execution.checkpointing.interval", "jobmanager.memory.process.size",
                        "state.backend.rocksdb.localdir", "execution.savepoint.path", "execution.state-recovery.path");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
    }
}

package io.invoicesieve.cli;

import io.invoicesieve.Main;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

import static io.invoicesieve.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code backfill}'s command line, offset ranges, selection and run-id tagging, without running a job. */
class BackfillCommandTest {

    private static final String SAMPLE = Path.of("samples", "invoices.jsonl").toString();

    @Test
    void usageErrors(@TempDir Path dir) {
        assertThat(Main.commands()).contains("backfill");
        run("backfill", "--input", SAMPLE, "--output", dir.toString()).isUsageError("--run-id");
        run("backfill", "--run-id", "Bad Id", "--input", SAMPLE, "--output", dir.toString()).isUsageError("--run-id", "[a-z0-9]");
        run("backfill", "--run-id", "r1", "--output", dir.toString()).isUsageError("--input", "--kafka-offsets");
        run("backfill", "--run-id", "r1", "--input", SAMPLE, "--kafka-offsets", "all", "--output", dir.toString())
                .isUsageError("mutually exclusive");
        run("backfill", "--run-id", "r1", "--input", SAMPLE).isUsageError("nowhere to write");
        run("backfill", "--run-id", "r1", "--kafka-offsets", "0:10", "--output", dir.toString())
                .isUsageError("--kafka-offsets", "<partition>:<from>-<to>");
        run("backfill", "--run-id", "r1", "--input", SAMPLE, "--output", dir.toString(), "--from", "2026-03-02", "--to", "2026-03-01")
                .isUsageError("--to 2026-03-01 is before --from 2026-03-02");
    }

    @Test
    void offsetRanges() {
        Map<TopicPartition, long[]> r = BackfillCommand.parseOffsets("0:5-100, 1:0-7", "invoices");
        assertThat(r.get(new TopicPartition("invoices", 0))).containsExactly(5, 100);
        assertThat(r.get(new TopicPartition("invoices", 1))).containsExactly(0, 7);
        assertThat(BackfillCommand.parseOffsets("all", "invoices")).isEmpty();
        assertThatThrownBy(() -> BackfillCommand.parseOffsets("0:9-3", "t")).hasMessageContaining("ends before it starts");
    }

    @Test
    void selectionByTenantAndEventDate() throws Exception {
        io.invoicesieve.model.Invoice a = new io.invoicesieve.model.Invoice();
        a.tenantId = "acme";
        a.eventTime = java.time.Instant.parse("2026-03-02T23:59:59Z");
        io.invoicesieve.model.Invoice b = new io.invoicesieve.model.Invoice();
        b.tenantId = "globex";
        b.eventTime = java.time.Instant.parse("2026-03-03T00:00:00Z");
        assertThat(BackfillCommand.selection(Set.of(), null, null)).isNull();
        var onlyAcme = BackfillCommand.selection(Set.of("acme"), null, null);
        assertThat(onlyAcme.filter(a)).isTrue();
        assertThat(onlyAcme.filter(b)).isFalse();
        var march2 = BackfillCommand.selection(Set.of(), LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 2));
        assertThat(march2.filter(a)).isTrue();
        assertThat(march2.filter(b)).isFalse();
    }

    @Test
    void theRunIdComesFirstInTheDecisionsJson() {
        byte[] json = "{\"tenant_id\":\"acme\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(BackfillCommand.withRunId(json, "r-1"), StandardCharsets.UTF_8))
                .isEqualTo("{\"run_id\":\"r-1\",\"tenant_id\":\"acme\"}");
    }
}

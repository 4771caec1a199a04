package io.invoicesieve.job;

import io.invoicesieve.cli.LocalCommand;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.testing.JobOutputs;
import io.invoicesieve.tools.generator.GeneratorConfig;
import io.invoicesieve.tools.generator.InvoiceGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measured scenario of the issue: one invoice dated 9999-12-31 early in a generated stream used
 * to move the watermark to 9999, turning the invoices after it into LATE_EVENT and purging every
 * tenant's history (recalls dropped). Now it is a dead letter, the watermark stays within
 * sieve.input.max-future-skew of the clock, and every other invoice gets the decision it gets
 * without it.
 */
class FutureEventITCase {

    private static final String FUTURE =
            "{\"tenant_id\":\"acme\",\"invoice_id\":\"future-1\",\"vendor_id\":\"V-9999\",\"invoice_number\":\"F-1\","
                    + "\"invoice_date\":\"9999-12-31\",\"event_time\":\"9999-12-31T00:00:00Z\",\"amount\":\"10.00\",\"currency\":\"EUR\"}";

    @Test
    void oneInvoiceFromTheFarFutureChangesNoOtherDecision(@TempDir Path dir) throws Exception {
        Path clean = dir.resolve("clean/invoices.jsonl");
        Files.createDirectories(clean.getParent());
        new InvoiceGenerator().generate(
                GeneratorConfig.builder().seed(17).invoices(3000).tenants(3).vendorsPerTenant(30)
                        .start(LocalDate.of(2026, 1, 1)).days(120).build(),
                clean, dir.resolve("truth.csv"));
        List<String> lines = new ArrayList<>(Files.readAllLines(clean, StandardCharsets.UTF_8));
        lines.add(20, FUTURE);
        Path poisoned = dir.resolve("poisoned/invoices.jsonl");
        Files.createDirectories(poisoned.getParent());
        Files.write(poisoned, lines, StandardCharsets.UTF_8);

        // parallelism 1: with two readers the order in which a duplicate pair reaches its key varies
        // from run to run, and with it which of the two carries the duplicate reason
        SieveConfig config = SieveConfig.of(Map.of());
        LocalCommand.Summary before = LocalCommand.execute(config, clean, dir.resolve("out-clean"), 1);
        LocalCommand.Summary after = LocalCommand.execute(config, poisoned, dir.resolve("out-poisoned"), 1);

        Map<String, String> expected = decisions(dir.resolve("out-clean"));
        Map<String, String> actual = decisions(dir.resolve("out-poisoned"));
        assertThat(actual).hasSize(expected.size()).isEqualTo(expected);

        // the 9999 invoice is a dead letter of its own line, with the reason
        List<JsonNode> dead = JobOutputs.deadLetters(dir.resolve("out-poisoned"));
        assertThat(dead).filteredOn(d -> d.get("origin").asText().equals("file:line 21")).singleElement()
                .satisfies(d -> assertThat(d.get("reason").asText()).startsWith("field 'event_time' is ahead of the clock by more than 15 minutes"));
        assertThat(dead).hasSize(JobOutputs.deadLetters(dir.resolve("out-clean")).size() + 1);

        // lateness: LATE_EVENT depends on when periodic watermarks happen to be emitted, so it is
        // compared by count; before the fix nearly every invoice after line 21 was late
        long lateBefore = late(dir.resolve("out-clean"));
        long lateAfter = late(dir.resolve("out-poisoned"));
        assertThat(lateAfter).isLessThanOrEqualTo(Math.max(2 * lateBefore, lateBefore + 50));

        // and every line is accounted for
        assertThat(before.tally().unaccounted()).isZero();
        assertThat(after.tally().unaccounted()).isZero();
        assertThat(after.tally().lines).isEqualTo(before.tally().lines + 1);
    }

    /** tenant/invoice -> decision and its reason codes other than LATE_EVENT. */
    private static Map<String, String> decisions(Path dir) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode d : JobOutputs.decisions(dir)) {
            TreeSet<String> codes = new TreeSet<>();
            for (JsonNode r : d.get("reasons")) {
                if (!r.get("code").asText().equals("LATE_EVENT")) {
                    codes.add(r.get("code").asText());
                }
            }
            out.put(d.get("tenant_id").asText() + "/" + d.get("invoice_id").asText(), d.get("decision").asText() + " " + codes);
        }
        return out;
    }

    private static long late(Path dir) {
        return JobOutputs.decisions(dir).stream().filter(d -> d.path("late").asBoolean(false)).count();
    }
}

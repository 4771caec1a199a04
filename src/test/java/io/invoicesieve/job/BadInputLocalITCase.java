package io.invoicesieve.job;

import io.invoicesieve.cli.LocalCommand;
import io.invoicesieve.cli.LocalTally;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.testing.BadInputCorpus;
import io.invoicesieve.testing.JobOutputs;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile corpus through {@code local} (FileSource, the whole pipeline, the file sinks; restart
 * strategy none, so any failure fails the run): every line is exactly one decision carrying exactly
 * its input values, exactly one dead letter of its own line whose reason names the field, or a
 * skipped blank line; and the summary accounts for every line.
 */
class BadInputLocalITCase {

    @Test
    void everyLineOfTheCorpusIsAccountedFor(@TempDir Path dir) throws Exception {
        List<BadInputCorpus.Case> cases = BadInputCorpus.cases(Instant.now());
        Path input = dir.resolve("in/corpus.jsonl");
        Files.createDirectories(input.getParent());
        Files.write(input, BadInputCorpus.fileBytes(cases));

        LocalCommand.Summary summary = LocalCommand.execute(SieveConfig.of(Map.of()), input, dir.resolve("out"), 2);

        List<JsonNode> decisions = JobOutputs.decisions(dir.resolve("out"));
        List<String> wrong = check(cases, decisions, JobOutputs.deadLetters(dir.resolve("out")),
                i -> "file:line " + (i + 1), false);
        assertThat(wrong).isEmpty();

        // the summary's counts come from the job's accumulators: they must be what the file holds
        Map<String, Long> byDecision = new java.util.TreeMap<>();
        Map<String, Long> byReason = new java.util.TreeMap<>();
        for (JsonNode d : decisions) {
            byDecision.merge(d.get("decision").asText(), 1L, Long::sum);
            d.get("reasons").forEach(r -> byReason.merge(r.get("code").asText(), 1L, Long::sum));
        }
        assertThat(byReason).isNotEmpty();
        assertThat(summary.byDecision()).isEqualTo(byDecision);
        assertThat(summary.byReason()).isEqualTo(byReason);
        assertThat(summary.decisions()).isEqualTo(decisions.size());
        // and the summary says what the JVM took of the run: collector, pauses, JIT
        assertThat(summary.format(2)).containsPattern("\\n  JVM: [^:\\n]+: \\d+ collections, \\d+\\.\\d\\d s \\(\\d+ % of job time\\); JIT compilations \\d+\\.\\d s \\(elapsed, summed over the compiler threads\\); process CPU \\d+\\.\\d s\\n");

        long valid = cases.stream().filter(BadInputCorpus.Case::valid).count();
        long blank = cases.stream().filter(c -> c.blank).count();
        LocalTally tally = summary.tally();
        assertThat(tally.lines).isEqualTo(cases.size());
        assertThat(tally.decisions).isEqualTo(valid);
        assertThat(tally.deadLetters).isEqualTo(cases.size() - valid - blank);
        assertThat(tally.blank).isEqualTo(blank);
        assertThat(tally.replays).isZero();
        assertThat(tally.unaccounted()).isZero();
        assertThat(tally.format()).contains("input lines " + cases.size() + " = ").doesNotContain("WARNING");
    }

    /**
     * Checks outputs against the cases; {@code origin} gives case i's origin. For Kafka
     * ({@code kafka}), a blank case is a dead letter "empty record" as well.
     */
    static List<String> check(List<BadInputCorpus.Case> cases, List<JsonNode> decisions, List<JsonNode> deadLetters,
            java.util.function.IntFunction<String> origin, boolean kafka) {
        List<String> wrong = new ArrayList<>();
        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode d : decisions) {
            if (byKey.put(d.get("tenant_id").asText() + ":" + d.get("invoice_id").asText(), d) != null) {
                wrong.add("two decisions for " + d.get("tenant_id").asText() + ":" + d.get("invoice_id").asText());
            }
        }
        Map<String, JsonNode> byOrigin = new HashMap<>();
        for (JsonNode dl : deadLetters) {
            if (byOrigin.put(dl.get("origin").asText(), dl) != null) {
                wrong.add("two dead letters for " + dl.get("origin").asText());
            }
        }
        long expectedDecisions = 0;
        long expectedDeadLetters = 0;
        for (int i = 0; i < cases.size(); i++) {
            BadInputCorpus.Case c = cases.get(i);
            JsonNode dl = byOrigin.get(origin.apply(i));
            if (c.valid()) {
                expectedDecisions++;
                JsonNode d = byKey.get(c.key());
                if (d == null) {
                    wrong.add(c + ": no decision" + (dl == null ? "" : ", dead letter: " + dl.get("reason").asText()));
                    continue;
                }
                String diff = sameValues(c, d);
                if (diff != null) {
                    wrong.add(c + ": altered: " + diff);
                }
                if (dl != null) {
                    wrong.add(c + ": also a dead letter");
                }
            } else if (c.blank && !kafka) {
                if (dl != null) {
                    wrong.add(c + ": a blank line became a dead letter");
                }
            } else {
                expectedDeadLetters++;
                String reason = c.blank ? "empty record" : c.reason;
                if (dl == null) {
                    wrong.add(c + ": no dead letter at " + origin.apply(i));
                } else if (!dl.get("reason").asText().contains(reason)) {
                    wrong.add(c + ": reason '" + dl.get("reason").asText() + "' lacks '" + reason + "'");
                }
            }
        }
        if (decisions.size() != expectedDecisions) {
            wrong.add(decisions.size() + " decisions, expected " + expectedDecisions);
        }
        if (deadLetters.size() != expectedDeadLetters) {
            wrong.add(deadLetters.size() + " dead letters, expected " + expectedDeadLetters);
        }
        return wrong;
    }

    /** The decision carries exactly the case's input values; null when it does. */
    static String sameValues(BadInputCorpus.Case c, JsonNode d) {
        List<String> diffs = new ArrayList<>();
        for (String field : new String[] {"tenant_id", "invoice_id", "vendor_id", "invoice_number", "invoice_date", "currency", "source"}) {
            Object expected = c.expected.get(field);
            String actual = d.has(field) ? d.get(field).asText() : null;
            if (expected == null ? actual != null : !expected.equals(actual)) {
                diffs.add(field + " " + actual + " (expected " + expected + ")");
            }
        }
        if (new BigDecimal(d.get("amount").asText()).compareTo((BigDecimal) c.expected.get("amount")) != 0) {
            diffs.add("amount " + d.get("amount").asText());
        }
        if (!Instant.parse(d.get("event_time").asText()).equals(BadInputCorpus.instant(c.expected.get("event_time")))) {
            diffs.add("event_time " + d.get("event_time").asText());
        }
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }
}

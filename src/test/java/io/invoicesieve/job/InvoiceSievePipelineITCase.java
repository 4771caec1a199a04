package io.invoicesieve.job;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.tools.generator.GeneratorConfig;
import io.invoicesieve.tools.generator.InvoiceGenerator;
import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.serde.DecisionJson;
import io.invoicesieve.sinks.JsonLinesFileSink;
import io.invoicesieve.sources.InvoiceLineFormat;
import io.invoicesieve.testing.JobOutputs;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline on a MiniCluster with parallelism 2 over generated, out-of-order input with
 * replays, late events and malformed lines: every valid invoice gets exactly one decision, every
 * malformed line is a dead letter, and the counts add up to the input.
 */
class InvoiceSievePipelineITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void everyInvoiceGetsExactlyOneDecisionAndEveryMalformedLineIsADeadLetter(@TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path input = dir.resolve("invoices.jsonl");
        java.nio.file.Path truth = dir.resolve("truth.csv");
        new InvoiceGenerator().generate(
                GeneratorConfig.builder().seed(11).invoices(4000).tenants(3).vendorsPerTenant(40)
                        .start(LocalDate.of(2026, 1, 1)).days(120).build(),
                input, truth);

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        java.nio.file.Path decisionsFile = dir.resolve("out/decisions.jsonl");
        java.nio.file.Path dlqFile = dir.resolve("out/dlq.jsonl");
        InvoiceSievePipeline.with(SieveConfig.of(Map.of("sieve.watermark.out-of-orderness", "2 min")))
                .source(FileSource.forRecordStreamFormat(new InvoiceLineFormat(), new Path(input.toUri())).build())
                .decisionSink("decisions", "decisions",
                        new JsonLinesFileSink<Decision>(decisionsFile, DecisionJson::toJsonBytes))
                .deadLetterSink("dlq", "dlq", new JsonLinesFileSink<DeadLetter>(dlqFile, DecisionJson::toJsonBytes))
                .build(env);
        env.execute("pipeline-itcase");

        // ground truth
        List<String> truthRows = Files.readAllLines(truth);
        Set<String> expectedIds = new HashSet<>();
        Set<String> lateIds = new HashSet<>();
        int malformed = 0;
        int replays = 0;
        for (String row : truthRows.subList(1, truthRows.size())) {
            String[] c = row.split(",", -1);
            if (c[4].equals("MALFORMED")) {
                malformed++;
            } else if (c[9].equals("true")) {
                replays++;
            } else {
                expectedIds.add(c[2] + "/" + c[1]);
                if (c[8].equals("true")) {
                    lateIds.add(c[2] + "/" + c[1]);
                }
            }
        }
        assertThat(malformed).isPositive();
        assertThat(replays).isPositive();
        assertThat(lateIds).isNotEmpty();

        // decisions: both sink subtasks' files, every line valid against contract/decision.schema.json
        Map<String, Integer> decisionsPerInvoice = new HashMap<>();
        for (JsonNode d : JobOutputs.decisions(dir.resolve("out"))) {
            decisionsPerInvoice.merge(d.get("tenant_id").asText() + "/" + d.get("invoice_id").asText(), 1, Integer::sum);
            assertThat(d.get("risk_score").asDouble()).isBetween(0.0, 1.0);
            assertThat(d.get("trace_id").asText()).isNotBlank();
            assertThat(d.get("decision").asText()).isIn("PASS", "REVIEW", "HOLD");
        }
        assertThat(decisionsPerInvoice.keySet()).isEqualTo(expectedIds);
        assertThat(decisionsPerInvoice.values()).allMatch(n -> n == 1);

        // dead letters: every line valid against contract/dead-letter.schema.json
        long deadLetters = 0;
        for (JsonNode dl : JobOutputs.deadLetters(dir.resolve("out"))) {
            assertThat(dl.get("reason").asText()).isNotBlank();
            assertThat(dl.get("origin").asText()).startsWith("file:line ");
            deadLetters++;
        }
        assertThat(deadLetters).isEqualTo(malformed);
        assertThat(decisionsPerInvoice.size() + deadLetters + replays).isEqualTo(truthRows.size() - 1);
    }
}

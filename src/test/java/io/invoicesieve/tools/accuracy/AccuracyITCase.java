package io.invoicesieve.tools.accuracy;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.cli.LocalCommand;
import io.invoicesieve.testing.JobOutputs;
import io.invoicesieve.tools.generator.GeneratorConfig;
import io.invoicesieve.tools.generator.InvoiceGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the detection-quality targets on every build: labelled data from the generator (another
 * seed and shape than the committed report), the whole job, the same scoring as the report.
 */
class AccuracyITCase {

    @Test
    void targetsHoldOnFreshLabelledData(@TempDir Path dir) throws Exception {
        Path invoices = dir.resolve("invoices.jsonl");
        Path truth = dir.resolve("truth.csv");
        new InvoiceGenerator().generate(
                GeneratorConfig.builder().seed(31).invoices(25_000).tenants(3).vendorsPerTenant(100)
                        .start(LocalDate.of(2026, 2, 1)).days(190)
                        .bankChangeRate(0.1).bankSharedRate(0.05).build(),
                invoices, truth);
        LocalCommand.execute(SieveConfig.defaults(), invoices, dir.resolve("out"), 2);
        Accuracy accuracy = Accuracy.evaluate(
                invoices, truth, dir.resolve("out/decisions.jsonl"), dir.resolve("out/dlq.jsonl"));

        String report = accuracy.markdown("AccuracyITCase", "seed 31");
        assertThat(accuracy.outcomes).hasSize(accuracy.truth.size());
        // every line the local job wrote is valid against the contract
        assertThat(JobOutputs.decisions(dir.resolve("out"))).hasSize(accuracy.outcomes.size());
        assertThat(JobOutputs.deadLetters(dir.resolve("out"))).hasSize(accuracy.deadLetters);
        assertThat(accuracy.targetsMet()).as(report).isTrue();
        assertThat(accuracy.falseHoldRate()).as(report).isLessThanOrEqualTo(0.002);
        assertThat(accuracy.matchedOriginalShare()).as(report).isGreaterThanOrEqualTo(0.95);
    }
}

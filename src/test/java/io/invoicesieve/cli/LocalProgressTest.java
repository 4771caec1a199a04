package io.invoicesieve.cli;

import io.invoicesieve.functions.RouteDeadLetters;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalProgressTest {

    @Test
    void aProgressLineCountsInvoicesAndDeadLettersAndTheRate() {
        String line = LocalProgress.line(
                Map.of(RouteDeadLetters.INVOICES_PARSED, 19_000L, RouteDeadLetters.DEAD_LETTERS, 1_000L),
                10_000_000_000L);
        assertThat(line).isEqualTo("progress: 10 s, 19,000 invoices read, 1,000 dead letters (2,000 records/s)");
        assertThat(LocalProgress.line(Map.of(), 5_000_000_000L))
                .isEqualTo("progress: 5 s, 0 invoices read, 0 dead letters (0 records/s)");
    }
}

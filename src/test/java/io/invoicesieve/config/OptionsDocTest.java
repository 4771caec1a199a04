package io.invoicesieve.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's configuration table is the one generated from the options. */
class OptionsDocTest {

    @Test
    void readmeTableMatchesTheOptions() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- options:start -->\n");
        int end = readme.indexOf("<!-- options:end -->");
        assertThat(start).as("README has the options markers").isNotNegative();
        String table = readme.substring(start + "<!-- options:start -->\n".length(), end);
        assertThat(table)
                .as("README table is stale: paste `java -jar target/invoice-sieve.jar options` between the markers")
                .isEqualTo(OptionsTable.markdown());
    }
}

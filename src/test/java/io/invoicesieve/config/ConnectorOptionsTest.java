package io.invoicesieve.config;

import io.invoicesieve.sinks.PostgresSchema;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectorOptionsTest {

    @Test
    void connectorOptionsAreRegisteredAndListed() {
        assertThat(SieveOptions.all()).contains(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS, ConnectorOptions.JDBC_URL,
                ConnectorOptions.OPENSEARCH_HOSTS);
        assertThat(OptionsTable.markdown()).contains("`sieve.kafka.transactional-id-prefix`", "`sieve.opensearch.delete-on-pass`");
    }

    @Test
    void clientPassThroughKeysAreAcceptedAndStripped() {
        SieveConfig config = SieveConfig.of(Map.of(
                "sieve.kafka.properties.security.protocol", "SASL_SSL",
                "sieve.kafka.properties.sasl.mechanism", "SCRAM-SHA-512",
                "sieve.jdbc.properties.sslmode", "verify-full"));
        assertThat(config.prefixed(ConnectorOptions.KAFKA_PROPERTIES_PREFIX))
                .containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(config.prefixed(ConnectorOptions.JDBC_PROPERTIES_PREFIX)).containsEntry("sslmode", "verify-full");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.kafka.bootstrap", "x")))
                .hasMessageContaining("Unknown setting 'sieve.kafka.bootstrap'");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.kafka.properties.", "x")))
                .hasMessageContaining("Unknown setting");
    }

    @Test
    void secretsAreNeverPrinted() {
        Map<String, String> settings = new HashMap<>();
        settings.put("sieve.jdbc.password", "hunter2-jdbc");
        settings.put("sieve.opensearch.password", "hunter2-os");
        settings.put("sieve.kafka.properties.sasl.jaas.config", "ScramLoginModule required password=\"hunter2-kafka\";");
        settings.put("sieve.kafka.properties.ssl.truststore.password", "hunter2-ts");
        settings.put("sieve.jdbc.url", "jdbc:postgresql://db/invoices");
        SieveConfig config = SieveConfig.of(settings);
        assertThat(config.toString()).doesNotContain("hunter2").contains("jdbc:postgresql://db/invoices");
        assertThat(config.flinkConfiguration().toString()).doesNotContain("hunter2");
        assertThat(config.secret(ConnectorOptions.JDBC_PASSWORD, "SIEVE_NO_SUCH_VARIABLE")).isEqualTo("hunter2-jdbc");
    }

    @Test
    void environmentIndirection() {
        String path = System.getenv("PATH");
        SieveConfig config = SieveConfig.of(Map.of("sieve.jdbc.password", "${env:PATH}"));
        assertThat(config.secret(ConnectorOptions.JDBC_PASSWORD, "SIEVE_NO_SUCH_VARIABLE")).isEqualTo(path);
        SieveConfig missing = SieveConfig.of(Map.of("sieve.opensearch.password", "${env:SIEVE_NO_SUCH_VARIABLE}"));
        assertThatThrownBy(() -> missing.secret(ConnectorOptions.OPENSEARCH_PASSWORD, "SIEVE_NO_SUCH_VARIABLE_EITHER"))
                .hasMessageContaining("sieve.opensearch.password").hasMessageContaining("SIEVE_NO_SUCH_VARIABLE")
                .hasMessageNotContaining(path);
        assertThat(SieveConfig.defaults().secret(ConnectorOptions.JDBC_PASSWORD, "SIEVE_NO_SUCH_VARIABLE")).isNull();
    }

    @Test
    void requiredAndValidatedSettingsFailNamingTheSetting() {
        assertThatThrownBy(() -> SieveConfig.defaults().required(ConnectorOptions.JDBC_URL))
                .hasMessageContaining("'sieve.jdbc.url' is required");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.kafka.starting-offsets", "beginning")))
                .hasMessageContaining("sieve.kafka.starting-offsets");
        assertThat(SieveConfig.of(Map.of("sieve.kafka.starting-offsets", "timestamp:1767225600000"))).isNotNull();
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.opensearch.backoff.type", "LINEAR")))
                .hasMessageContaining("sieve.opensearch.backoff.type");
        assertThatThrownBy(() -> SieveConfig.of(Map.of("sieve.jdbc.batch-size", "0")))
                .hasMessageContaining("sieve.jdbc.batch-size");
    }

    @Test
    void productionPropertiesAreValid() {
        Map<String, String> rest = new HashMap<>();
        SieveConfig config = SieveConfig.fromArgs(new String[] {"--config", "jobs/invoice-sieve/conf/prod.properties"}, rest);
        assertThat(rest).isEmpty();
        assertThat(config.get(ConnectorOptions.KAFKA_TRANSACTIONAL_ID_PREFIX)).isEqualTo("invoice-sieve");
        assertThat(config.toString()).doesNotContain("SIEVE_KAFKA_JAAS_CONFIG");
    }

    @Test
    void schemaVersionsAreNumberedFromOne() throws IOException {
        assertThat(PostgresSchema.LOCATION).isEqualTo("classpath:db");
        List<String> scripts;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db"))) {
            scripts = files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        // only Flyway versioned scripts, V1, V2, ... without gaps
        assertThat(scripts).allMatch(name -> name.matches("V\\d+__\\w+\\.sql"));
        assertThat(scripts).extracting(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, scripts.size()).boxed().collect(Collectors.toList()))
                .contains(1);
        assertThat(Files.readString(Path.of("src/main/resources/db/V1__init.sql"))).contains("CREATE TABLE decisions", "ON decisions");
    }
}

package io.invoicesieve.config;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The two reference forms, resolved by us (JDBC, OpenSearch) and by the Kafka client itself (config
 * providers); literals refused for what the job carries. SIEVE_TEST_SECRET is set for the test JVM
 * by surefire (pom.xml).
 */
class SecretsTest {

    static final String ENV = "SIEVE_TEST_SECRET";

    @Test
    void environmentAndFileReferences(@TempDir Path dir) throws Exception {
        String env = System.getenv(ENV);
        assertThat(env).as(ENV + " is set by surefire").isNotBlank();
        Path file = Files.writeString(dir.resolve("password"), "from-a-file\n");
        assertThat(Secrets.resolve("k", "${env:" + ENV + "}")).isEqualTo(env);
        assertThat(Secrets.resolve("k", "${file:" + file + "}")).isEqualTo("from-a-file");
        assertThat(Secrets.resolve("k", "plain")).isEqualTo("plain");
        assertThatThrownBy(() -> Secrets.resolve("sieve.jdbc.password", "${env:SIEVE_NO_SUCH_VARIABLE}"))
                .hasMessageContaining("sieve.jdbc.password").hasMessageContaining("SIEVE_NO_SUCH_VARIABLE");
        assertThatThrownBy(() -> Secrets.resolve("sieve.jdbc.password", "${file:" + dir.resolve("missing") + "}"))
                .hasMessageContaining("sieve.jdbc.password").hasMessageContaining("missing");
    }

    @Test
    void theJobCarriesReferencesAndRefusesLiterals(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "from-a-file");
        SieveConfig config = SieveConfig.of(Map.of("sieve.jdbc.password", "${file:" + file + "}"));
        Secrets.Ref ref = config.secretRef(ConnectorOptions.JDBC_PASSWORD, ConnectorOptions.JDBC_PASSWORD_ENV);
        assertThat(ref.toString()).doesNotContain("from-a-file");
        assertThat(ref.resolve()).isEqualTo("from-a-file");
        // unset: the fallback variable, read when the writer connects
        assertThat(SieveConfig.defaults().secretRef(ConnectorOptions.JDBC_PASSWORD, ENV).resolve()).isEqualTo(System.getenv(ENV));
        assertThat(SieveConfig.defaults().secretRef(ConnectorOptions.JDBC_PASSWORD, "SIEVE_NO_SUCH_VARIABLE").resolve()).isNull();

        SieveConfig literal = SieveConfig.of(Map.of("sieve.opensearch.password", "hunter2"));
        assertThatThrownBy(() -> literal.secretRef(ConnectorOptions.OPENSEARCH_PASSWORD, ConnectorOptions.OPENSEARCH_PASSWORD_ENV))
                .hasMessageContaining("sieve.opensearch.password").hasMessageContaining("literal").hasMessageNotContaining("hunter2");
        SieveConfig kafkaLiteral = SieveConfig.of(Map.of("sieve.kafka.properties.ssl.truststore.password", "hunter2"));
        assertThatThrownBy(() -> Secrets.kafkaProperties(kafkaLiteral))
                .hasMessageContaining("ssl.truststore.password").hasMessageNotContaining("hunter2");
        // init, which runs in this process, may still read a literal
        assertThat(literal.secret(ConnectorOptions.OPENSEARCH_PASSWORD, "SIEVE_NO_SUCH_VARIABLE")).isEqualTo("hunter2");
    }

    @Test
    void theKafkaClientResolvesTheReferencesItself(@TempDir Path dir) throws Exception {
        Path jaas = Files.writeString(dir.resolve("jaas"),
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p-file\";\n");
        Path props = Files.writeString(dir.resolve("kafka.properties"), "password=p-props\n");
        Map<String, String> settings = new HashMap<>();
        settings.put("sieve.kafka.properties.sasl.jaas.config", "${file:" + jaas + "}");
        settings.put("sieve.kafka.properties.ssl.truststore.password", "${env:" + ENV + "}");
        settings.put("sieve.kafka.properties.ssl.keystore.password", "${file:" + props + ":password}");
        Properties properties = Secrets.kafkaProperties(SieveConfig.of(settings));
        assertThat(properties.getProperty("sasl.jaas.config")).isEqualTo("${file:" + jaas + "}");
        assertThat(properties.getProperty("config.providers")).isEqualTo("env,file");

        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Map<String, Object> resolved = new ProducerConfig(properties).originals();
        assertThat(resolved.get("sasl.jaas.config").toString()).contains("password=\"p-file\";").doesNotEndWith("\n");
        assertThat(resolved.get("ssl.truststore.password")).isEqualTo(System.getenv(ENV));
        assertThat(resolved.get("ssl.keystore.password")).isEqualTo("p-props");
    }

    @Test
    void providersOfTheUserAreKept() {
        Map<String, String> settings = new HashMap<>();
        settings.put("sieve.kafka.properties.config.providers", "dir");
        settings.put("sieve.kafka.properties.config.providers.dir.class",
                "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
        Properties properties = Secrets.kafkaProperties(SieveConfig.of(settings));
        assertThat(properties.getProperty("config.providers")).isEqualTo("dir,env,file");
        assertThat(properties.getProperty("config.providers.dir.class")).endsWith("DirectoryConfigProvider");
        assertThat(properties.getProperty("config.providers.file.class")).isEqualTo(SecretConfigProvider.class.getName());
    }
}

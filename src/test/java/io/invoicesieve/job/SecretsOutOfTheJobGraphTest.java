package io.invoicesieve.job;

import io.invoicesieve.cli.RunCommand;
import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.sinks.KafkaSinks;
import io.invoicesieve.sinks.OpenSearchDecisionSink;
import io.invoicesieve.sinks.PostgresDecisionSink;
import io.invoicesieve.sources.KafkaInvoiceSource;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job as `run` submits it (JobGraph, and each sink and the source on their own) serialized with
 * the secrets given as references: none of their values is in the bytes. The writers resolve them
 * when they connect (SecureTransportITCase runs the job that way). SIEVE_TEST_SECRET is set by surefire.
 */
class SecretsOutOfTheJobGraphTest {

    @Test
    void noSecretIsSerializedWithTheJob(@TempDir Path dir) throws Exception {
        String envSecret = System.getenv("SIEVE_TEST_SECRET");
        assertThat(envSecret).as("SIEVE_TEST_SECRET is set by surefire").isNotBlank();
        String openSearchSecret = "os-secret-41c7d2";
        String kafkaSecret = "kafka-secret-9e02aa";
        String sslKeySecret = "sslkey-secret-77b310";
        Path os = Files.writeString(dir.resolve("opensearch"), openSearchSecret + "\n");
        Path jaas = Files.writeString(dir.resolve("jaas"),
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"sieve\" password=\"" + kafkaSecret + "\";");
        Path sslKey = Files.writeString(dir.resolve("sslkey"), sslKeySecret);

        Map<String, String> s = new HashMap<>();
        s.put(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key(), "127.0.0.1:9");
        s.put(ConnectorOptions.KAFKA_PROPERTIES_PREFIX + "security.protocol", "SASL_SSL");
        s.put(ConnectorOptions.KAFKA_PROPERTIES_PREFIX + "sasl.mechanism", "SCRAM-SHA-512");
        s.put(ConnectorOptions.KAFKA_PROPERTIES_PREFIX + "sasl.jaas.config", "${file:" + jaas + "}");
        s.put(ConnectorOptions.KAFKA_PROPERTIES_PREFIX + "ssl.truststore.password", "${env:SIEVE_TEST_SECRET}");
        s.put(ConnectorOptions.JDBC_URL.key(), "jdbc:postgresql://127.0.0.1:9/invoices");
        s.put(ConnectorOptions.JDBC_PASSWORD.key(), "${env:SIEVE_TEST_SECRET}");
        s.put(ConnectorOptions.JDBC_PROPERTIES_PREFIX + "sslpassword", "${file:" + sslKey + "}");
        s.put(ConnectorOptions.OPENSEARCH_HOSTS.key(), "https://127.0.0.1:9");
        s.put(ConnectorOptions.OPENSEARCH_USERNAME.key(), "sieve");
        s.put(ConnectorOptions.OPENSEARCH_PASSWORD.key(), "${file:" + os + "}");
        SieveConfig config = SieveConfig.of(s);

        Configuration flink = config.flinkConfiguration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.enableCheckpointing(1000);
        RunCommand.pipeline(config, env, UnaryOperator.identity()).build(env);
        JobGraph job = env.getStreamGraph().getJobGraph();

        List<byte[]> serialized = List.of(
                InstantiationUtil.serializeObject(job),
                InstantiationUtil.serializeObject(PostgresDecisionSink.create(config)),
                InstantiationUtil.serializeObject(OpenSearchDecisionSink.create(config)),
                InstantiationUtil.serializeObject(KafkaSinks.decisions(config, true)),
                InstantiationUtil.serializeObject(KafkaSinks.deadLetters(config, true)),
                InstantiationUtil.serializeObject(KafkaInvoiceSource.builder(config).build()));
        assertThat(serialized.get(0).length).isGreaterThan(10_000);
        for (byte[] bytes : serialized) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            for (String secret : List.of(envSecret, openSearchSecret, kafkaSecret, sslKeySecret)) {
                assertThat(text).as("serialized job holds a secret").doesNotContain(secret);
            }
        }
        // what it holds instead: the references
        assertThat(new String(serialized.get(1), StandardCharsets.ISO_8859_1)).contains("${env:SIEVE_TEST_SECRET}");
    }

    @Test
    void aLiteralPasswordIsRefusedBeforeTheJobIsBuilt() {
        SieveConfig config = SieveConfig.of(Map.of(
                ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key(), "127.0.0.1:9",
                ConnectorOptions.JDBC_URL.key(), "jdbc:postgresql://127.0.0.1:9/invoices",
                ConnectorOptions.JDBC_PASSWORD.key(), "hunter2",
                ConnectorOptions.OPENSEARCH_HOSTS.key(), "https://127.0.0.1:9"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration());
        assertThatThrownBy(() -> RunCommand.pipeline(config, env, UnaryOperator.identity()))
                .hasMessageContaining("sieve.jdbc.password")
                .hasMessageContaining("literal")
                .hasMessageNotContaining("hunter2");
    }
}

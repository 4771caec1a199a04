package io.invoicesieve.job;

import io.invoicesieve.cli.InitCommand;
import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.Secrets;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.SecurePostgres;
import io.invoicesieve.testing.TestCertificates;
import io.invoicesieve.testing.TestScramCredentials;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The `run` wiring over authenticated, encrypted transports, against real servers with certificates
 * made by the test (TestCertificates: a CA and a server certificate for 127.0.0.1): Kafka over
 * SASL_SSL with SCRAM-SHA-512 (its own broker; credentials from TestScramCredentials, see there why),
 * PostgreSQL over TLS with sslmode=verify-full and SCRAM-SHA-256 passwords (hostssl only), init as the
 * owner role and the job as the runtime role. Every password is a ${file:...} reference resolved by
 * the clients in the tasks. OpenSearch is the plain test node (its integ-test distribution has no TLS;
 * OpenSearchTlsITCase tests the CA option against a TLS server).
 */
@ExtendWith(OpenSearchService.Extension.class)
class SecureTransportITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String KAFKA_PASSWORD = "kafka-pw-1c9e";
    private static final String OWNER_PASSWORD = "owner-pw-77aa";
    private static final String RUNTIME_PASSWORD = "runtime-pw-3f01";

    private static Path dir;
    private static TestCertificates certificates;
    private static TestCertificates otherCa;
    private static KafkaService kafka;
    private static SecurePostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "secure-transport-" + ProcessHandle.current().pid()));
        certificates = TestCertificates.create(dir.resolve("certs"));
        otherCa = TestCertificates.create(dir.resolve("other-ca"));
        TestScramCredentials.add("sieve", KAFKA_PASSWORD);
        kafka = KafkaService.startSecure(certificates);
        postgres = SecurePostgres.start(certificates);
        try (Connection c = postgres.superuser(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE sieve_owner LOGIN PASSWORD '" + OWNER_PASSWORD + "'");
            st.execute("CREATE ROLE sieve_runtime LOGIN PASSWORD '" + RUNTIME_PASSWORD + "'");
            st.execute("CREATE DATABASE secure OWNER sieve_owner");
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void postgresTakesOnlyVerifiedTlsWithScramPasswords() throws Exception {
        try (Connection c = postgres.superuser(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT rolname || ' ' || left(rolpassword, 14) FROM pg_authid"
                        + " WHERE rolname LIKE 'sieve_%' ORDER BY 1")) {
            List<String> roles = new ArrayList<>();
            while (rs.next()) {
                roles.add(rs.getString(1));
            }
            assertThat(roles).containsExactly("sieve_owner SCRAM-SHA-256$", "sieve_runtime SCRAM-SHA-256$");
        }
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("secure"), jdbc("verify-full", certificates.caPem, RUNTIME_PASSWORD));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getString(2)).startsWith("TLSv1.");
        }
        // wrong password; no TLS; a server certificate of another CA
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl("secure"), jdbc("verify-full", certificates.caPem, "wrong")))
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl("secure"), jdbc("disable", null, RUNTIME_PASSWORD)))
                .isInstanceOf(SQLException.class).hasMessageContaining("no encryption");
        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl("secure"), jdbc("verify-full", otherCa.caPem, RUNTIME_PASSWORD)))
                .isInstanceOf(SQLException.class).hasMessageContaining("SSL");
    }

    @Test
    void kafkaTakesOnlyScramOverTls() throws Exception {
        SieveConfig config = config("secure_kafka");
        try (Admin admin = Admin.create(admin(config, Secrets.kafkaProperties(config)))) {
            assertThat(admin.describeCluster().nodes().get(60, TimeUnit.SECONDS)).hasSize(1);
        }
        Properties wrong = Secrets.kafkaProperties(config);
        wrong.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"sieve\" password=\"wrong\";");
        try (Admin admin = Admin.create(admin(config, wrong))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(60, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
        }
        Properties untrusted = Secrets.kafkaProperties(config);
        untrusted.setProperty("ssl.truststore.location", otherCa.trustStore.toString()); // trusts another CA only
        try (Admin admin = Admin.create(admin(config, untrusted))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(60, TimeUnit.SECONDS))
                    .hasStackTraceContaining("PKIX path");
        }
    }

    @Test
    void theJobRunsOverTlsAsTheRuntimeRoleWithSecretsFromFiles(OpenSearchService opensearch) throws Exception {
        SieveConfig config = config("secure_job", opensearch);
        List<String> init = InitCommand.init(config);
        assertThat(init).anyMatch(l -> l.contains("topic secure_job-invoices created"))
                .anyMatch(l -> l.contains("applied schema versions [1, 2, 3, 4]"));

        ConnectorsTestKit.Input input = ConnectorsTestKit.input(120, 12, 6, 7);
        Map<String, Object> p = new HashMap<>(admin(config, Secrets.kafkaProperties(config)));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String[] r : input.records) {
                producer.send(new ProducerRecord<>("secure_job-invoices", r[0], r[1]));
            }
            producer.flush();
        }

        StreamExecutionEnvironment env = ConnectorsTestKit.env(300, 0);
        ConnectorsTestKit.build(config, env, null);
        env.execute("secure transports");

        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("secure"), jdbc("verify-full", certificates.caPem, OWNER_PASSWORD, "sieve_owner"));
                Statement st = c.createStatement()) {
            assertThat(one(st, "SELECT count(*) FROM decisions")).isEqualTo(String.valueOf(input.distinctValid.size()));
            assertThat(one(st, "SELECT count(*) FROM decision_audit")).isEqualTo(String.valueOf(input.distinctValid.size()));
            assertThat(one(st, "SELECT string_agg(DISTINCT written_by, ',') FROM decision_audit")).isEqualTo("sieve_runtime");
        }
        assertThat(count(config, "secure_job-decisions", input.distinctValid.size())).isEqualTo(input.distinctValid.size());
        assertThat(count(config, "secure_job-dlq", input.malformed)).isEqualTo(input.malformed);
        assertThat(ConnectorsTestKit.documentCount(config)).isPositive();
    }

    private SieveConfig config(String name) throws Exception {
        return config(name, null);
    }

    private SieveConfig config(String name, OpenSearchService opensearch) throws Exception {
        Map<String, String> s = new HashMap<>();
        s.put(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.secureBootstrapServers());
        s.put(ConnectorOptions.KAFKA_INPUT_TOPIC.key(), name + "-invoices");
        s.put(ConnectorOptions.KAFKA_DECISIONS_TOPIC.key(), name + "-decisions");
        s.put(ConnectorOptions.KAFKA_DEAD_LETTER_TOPIC.key(), name + "-dlq");
        s.put(ConnectorOptions.KAFKA_GROUP_ID.key(), name);
        s.put(ConnectorOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
        s.put(ConnectorOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(), name);
        s.put(ConnectorOptions.KAFKA_TOPIC_PARTITIONS.key(), "2");
        s.put(ConnectorOptions.KAFKA_TOPIC_REPLICATION.key(), "1");
        String kafkaProps = ConnectorOptions.KAFKA_PROPERTIES_PREFIX;
        s.put(kafkaProps + "security.protocol", "SASL_SSL");
        s.put(kafkaProps + "sasl.mechanism", "SCRAM-SHA-512");
        s.put(kafkaProps + "sasl.jaas.config", "${file:" + secret("kafka-jaas",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"sieve\" password=\"" + KAFKA_PASSWORD + "\";") + "}");
        s.put(kafkaProps + "ssl.truststore.type", "PKCS12");
        s.put(kafkaProps + "ssl.truststore.location", certificates.trustStore.toString());
        s.put(kafkaProps + "ssl.truststore.password", "${file:" + secret("truststore-password", TestCertificates.STORE_PASSWORD) + "}");
        s.put(ConnectorOptions.JDBC_URL.key(), postgres.jdbcUrl("secure"));
        s.put(ConnectorOptions.JDBC_USER.key(), "sieve_runtime");
        s.put(ConnectorOptions.JDBC_PASSWORD.key(), "${file:" + secret("runtime-password", RUNTIME_PASSWORD) + "}");
        s.put(ConnectorOptions.JDBC_OWNER_USER.key(), "sieve_owner");
        s.put(ConnectorOptions.JDBC_OWNER_PASSWORD.key(), "${file:" + secret("owner-password", OWNER_PASSWORD) + "}");
        s.put(ConnectorOptions.JDBC_PROPERTIES_PREFIX + "sslmode", "verify-full");
        s.put(ConnectorOptions.JDBC_PROPERTIES_PREFIX + "sslrootcert", certificates.caPem.toString());
        s.put(ConnectorOptions.JDBC_BATCH_INTERVAL.key(), "200 ms");
        s.put(ConnectorOptions.OPENSEARCH_HOSTS.key(), opensearch == null ? "http://127.0.0.1:9" : opensearch.httpUrl());
        s.put(ConnectorOptions.OPENSEARCH_INDEX.key(), name + "-flagged");
        s.put(ConnectorOptions.OPENSEARCH_REPLICAS.key(), "0");
        s.put(ConnectorOptions.OPENSEARCH_BULK_INTERVAL.key(), "200 ms");
        return SieveConfig.of(s);
    }

    private static String secret(String name, String value) throws Exception {
        Path file = dir.resolve("secrets").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, value + "\n");
        return file.toString();
    }

    private static Properties jdbc(String sslmode, Path rootCert, String password) {
        return jdbc(sslmode, rootCert, password, "sieve_runtime");
    }

    private static Properties jdbc(String sslmode, Path rootCert, String password, String user) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("sslmode", sslmode);
        if (rootCert != null) {
            p.setProperty("sslrootcert", rootCert.toString());
        }
        return p;
    }

    private static Map<String, Object> admin(SieveConfig config, Properties security) {
        Map<String, Object> p = new HashMap<>();
        security.forEach((k, v) -> p.put(k.toString(), v));
        p.put("bootstrap.servers", config.get(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS));
        p.put("request.timeout.ms", "20000");
        p.put("default.api.timeout.ms", "30000");
        return p;
    }

    private static String one(Statement st, String query) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Committed records of a topic over SASL_SSL, read until {@code expected} or 60 s. */
    private static int count(SieveConfig config, String topic, int expected) {
        Map<String, Object> p = admin(config, Secrets.kafkaProperties(config));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
        int n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline && n < expected) {
                n += consumer.poll(Duration.ofMillis(500)).count();
            }
            // anything beyond what is expected would be a duplicate
            n += consumer.poll(Duration.ofSeconds(2)).count();
        }
        return n;
    }
}

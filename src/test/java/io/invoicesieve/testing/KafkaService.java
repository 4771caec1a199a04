package io.invoicesieve.testing;

import io.invoicesieve.testing.cluster.FlinkProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.MetaProperties;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) inside the test JVM, on free
 * 127.0.0.1 ports, with its log under target/services/kafka-&lt;jvm pid&gt;/. Started at most once per
 * test JVM and shut down when the JUnit run ends. Transactions work (exactly-once sinks).
 *
 * <p>Use it through its extension; it is injected into parameters of type {@code KafkaService}:
 *
 * <pre>{@code
 * @ExtendWith(KafkaService.Extension.class)
 * class InvoiceSourceITCase {
 *     @Test
 *     void readsInvoices(KafkaService kafka) {
 *         kafka.createTopic("invoices", 2);
 *         ... kafka.bootstrapServers() ...
 *     }
 * }
 * }</pre>
 *
 * <p>Why in-process: the broker is {@code kafka_2.13} of exactly the kafka-clients version that
 * flink-connector-kafka brings ({@code kafka.broker.version} in the pom), so the connector's client
 * is unchanged at test runtime and the enforcer's dependencyConvergence passes without exclusions.
 * It starts in about 2 s, and dies with the JVM, so it needs no shutdown hook. StorageTool and
 * KafkaRaftServer are internal APIs: bump {@code kafka.broker.version} only together with the
 * connector's kafka-clients, and re-check this class then.
 *
 * <p>{@link #startProcess} runs the same broker configuration as an OS process of its own, the way a
 * platform team runs Kafka ({@code kafka-storage.sh format}, then {@code kafka-server-start.sh}): for
 * measurements where the broker must not share the JVM (heap, GC pauses, threads) with the client.
 */
public final class KafkaService implements CloseableResource, AutoCloseable {

    /** Starts the broker once per test JVM; see the class comment. */
    public static final class Extension extends SharedServiceExtension<KafkaService> {
        public Extension() {
            super(KafkaService.class, KafkaService::start);
        }
    }

    /** In-process mode: the broker; null when it is a {@link #process}. */
    private volatile KafkaRaftServer server;
    /** Out-of-process mode ({@link #startProcess}): the broker's JVM; null in-process. */
    private final FlinkProcess process;
    private final KafkaConfig config;
    private final Path dir;
    private final String bootstrapServers;
    private final String secureBootstrapServers;

    private KafkaService(KafkaRaftServer server, FlinkProcess process, KafkaConfig config, Path dir,
            String bootstrapServers, String secureBootstrapServers) {
        this.server = server;
        this.process = process;
        this.config = config;
        this.dir = dir;
        this.bootstrapServers = bootstrapServers;
        this.secureBootstrapServers = secureBootstrapServers;
    }

    /** Formats a fresh log directory and starts a broker on it; prefer the {@link Extension}. */
    public static KafkaService start() {
        return start("kafka", null);
    }

    /**
     * A second broker of its own (not the shared one) that also has a {@code SASL_SSL} listener
     * ({@link #secureBootstrapServers()}): TLS with the server certificate of {@code certificates},
     * SASL SCRAM-SHA-512 with the users of {@link TestScramCredentials}. The PLAINTEXT listener stays
     * for the broker itself and the test's admin client. The caller closes it.
     */
    public static KafkaService startSecure(TestCertificates certificates) {
        return start("kafka-secure", certificates);
    }

    private static KafkaService start(String name, TestCertificates certificates) {
        long begin = System.nanoTime();
        Path dir = ServiceSupport.newInstanceDir(name);
        Path logDir = dir.resolve("log");
        ServiceSupport.deleteRecursively(logDir);
        String bootstrap = ServiceSupport.LOOPBACK + ":" + ServiceSupport.freePort();
        String secure = certificates == null ? null : ServiceSupport.LOOPBACK + ":" + ServiceSupport.freePort();
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(logDir, bootstrap, secure, certificates), false);
        format(logDir, config);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM, Option.apply("kafka-it"));
        server.startup();
        KafkaService kafka = new KafkaService(server, null, config, dir, bootstrap, secure);
        kafka.awaitBroker(Duration.ofSeconds(60));
        System.out.printf("KafkaService: %s started in %d ms%n", bootstrap, ServiceSupport.millisSince(begin));
        return kafka;
    }

    /**
     * The broker of {@link #start()} as a JVM of its own (PLAINTEXT only), under
     * target/services/kafka-process-&lt;jvm pid&gt;/: {@code server.properties}, the log directory, the
     * broker's log ({@code kafka.log}), console ({@code kafka.out}) and pid ({@code kafka.pid}, for
     * the clean-up after a JVM that died without its shutdown hooks). First
     * {@code kafka.tools.StorageTool format} as a process, then {@code kafka.Kafka server.properties}
     * with the JVM options of Kafka's {@code kafka-server-start.sh} (1 GB fixed heap, G1 with 20 ms
     * pause target). Its class path is this JVM's, the one the in-process broker runs on: the
     * kafka_2.13 jars, their dependencies and the log4j binding (among the test's other jars, which
     * the broker does not load). The caller closes it (SIGTERM:
     * a controlled shutdown); a JVM that exits first takes it down too ({@link FlinkProcess}).
     */
    public static KafkaService startProcess() {
        long begin = System.nanoTime();
        // the broker and folder of a JVM that died without its shutdown hooks (kill -9)
        ServiceSupport.reapStale("kafka-process", "kafka.pid");
        Path dir = ServiceSupport.newInstanceDir("kafka-process");
        Path logDir = dir.resolve("log");
        ServiceSupport.deleteRecursively(logDir);
        String bootstrap = ServiceSupport.LOOPBACK + ":" + ServiceSupport.freePort();
        Properties props = brokerProperties(logDir, bootstrap, null, null);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        Path serverProperties = dir.resolve("server.properties");
        Path log4j = dir.resolve("log4j2.properties");
        try (OutputStream out = Files.newOutputStream(serverProperties)) {
            props.store(out, "written by io.invoicesieve.testing.KafkaService");
            Files.writeString(log4j, "rootLogger.level = INFO\n"
                    + "rootLogger.appenderRef.file.ref = File\n"
                    + "appender.file.name = File\n"
                    + "appender.file.type = File\n"
                    + "appender.file.fileName = " + dir.resolve("kafka.log") + "\n"
                    + "appender.file.layout.type = PatternLayout\n"
                    + "appender.file.layout.pattern = [%d] %p %m (%c)%n\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> java = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
                "-Djava.awt.headless=true", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-Dlog4j2.configurationFile=file:" + log4j, "-Dlog4j.configurationFile=file:" + log4j,
                "-cp", System.getProperty("java.class.path")));

        List<String> format = new ArrayList<>(java);
        format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", serverProperties.toString()));
        FlinkProcess formatting = FlinkProcess.start("kafka-format", format, dir, dir);
        Integer formatted = formatting.awaitExit(Duration.ofSeconds(120));
        if (formatted == null || formatted != 0) {
            formatting.kill();
            throw new IllegalStateException("Kafka storage format failed:\n" + formatting.tail(40));
        }
        List<String> server = new ArrayList<>(java);
        server.addAll(List.of("kafka.Kafka", serverProperties.toString()));
        FlinkProcess broker = FlinkProcess.start("kafka", server, dir, dir);
        try {
            Files.writeString(dir.resolve("kafka.pid"), broker.pid() + "\n");
        } catch (IOException e) {
            broker.kill();
            throw new UncheckedIOException(e);
        }
        KafkaService kafka = new KafkaService(null, broker, config, dir, bootstrap, null);
        kafka.awaitBroker(Duration.ofSeconds(120));
        System.out.printf("KafkaService: %s started as process %d in %d ms%n", bootstrap, broker.pid(),
                ServiceSupport.millisSince(begin));
        return kafka;
    }

    /**
     * The one-node KRaft broker (combined broker and controller, the controller on a free loopback
     * port) with its log in {@code logDir}: PLAINTEXT on {@code bootstrap}, and with
     * {@code certificates} also SASL_SSL on {@code secure}.
     */
    private static Properties brokerProperties(Path logDir, String bootstrap, String secure, TestCertificates certificates) {
        int controllerPort = ServiceSupport.freePort();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + ServiceSupport.LOOPBACK + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + bootstrap + ",CONTROLLER://" + ServiceSupport.LOOPBACK + ":" + controllerPort
                + (secure == null ? "" : ",SASL_SSL://" + secure));
        props.put("advertised.listeners", "PLAINTEXT://" + bootstrap + (secure == null ? "" : ",SASL_SSL://" + secure));
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL");
        if (secure != null) {
            props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            props.put("listener.name.sasl_ssl.scram-sha-512.sasl.server.callback.handler.class",
                    TestScramCredentials.class.getName());
            props.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
            props.put("listener.name.sasl_ssl.ssl.keystore.location", certificates.serverKeyStore.toString());
            props.put("listener.name.sasl_ssl.ssl.keystore.password", TestCertificates.STORE_PASSWORD);
            props.put("listener.name.sasl_ssl.ssl.key.password", TestCertificates.STORE_PASSWORD);
        }
        props.put("log.dirs", logDir.toString());
        // One node: internal topics with replication factor 1, or consumers silently get nothing.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Flink's exactly-once KafkaSink defaults transaction.timeout.ms to 1 h; the broker's default
        // ceiling is 15 min, which would fail every exactly-once job at InitProducerId.
        props.put("transaction.max.timeout.ms", "3600000");
        props.put("num.partitions", "1");
        // Modest: 2 cores shared with other builds; the cleaner would allocate 128 MB by default.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        return props;
    }

    /** What {@code kafka-storage.sh format} does, without StorageTool.main's System.exit. */
    private static void format(Path logDir, KafkaConfig config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = StorageTool.formatCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                CollectionConverters.asScala(List.of(logDir.toString())).toList(),
                new MetaProperties(Uuid.randomUuid().toString(), config.nodeId()),
                MetadataVersion.latest(),
                false);
        if (status != 0) {
            throw new IllegalStateException("Kafka storage format failed: " + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitBroker(Duration timeout) {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            String logs = process == null ? "" : "\n" + process.tail(40);
            close();
            throw new IllegalStateException("Kafka broker did not come up at " + bootstrapServers + logs, e);
        }
    }

    /**
     * A broker restart, as an operator's rolling restart of a one-node cluster: a controlled shutdown
     * of the KafkaRaftServer (its logs, the consumer offsets and the transaction log are flushed),
     * then a new KafkaRaftServer on the same config, ports and log directory (not formatted again),
     * waiting until it answers. {@code down} is how long it stays down in between. Returns the
     * milliseconds from the start of the shutdown until the new broker answers. In-process brokers only.
     */
    public synchronized long restart(Duration down) {
        if (server == null) {
            throw new IllegalStateException("restart is for the in-process broker, not the one of startProcess");
        }
        long begin = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        try {
            Thread.sleep(down.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        KafkaRaftServer next = new KafkaRaftServer(config, Time.SYSTEM, Option.apply("kafka-it"));
        next.startup();
        server = next;
        awaitBroker(Duration.ofSeconds(60));
        long millis = ServiceSupport.millisSince(begin);
        System.out.printf("KafkaService: %s restarted in %d ms%n", bootstrapServers, millis);
        return millis;
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code host:port} of the SASL_SSL listener ({@link #startSecure} only). */
    public String secureBootstrapServers() {
        return secureBootstrapServers;
    }

    /** An admin client on this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Creates a topic with replication factor 1 and waits until the broker has created it. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // the controller accepts the topic before its partitions have leaders; a producer that
            // writes at once can then wait out its delivery timeout on a partition (seen under load:
            // "Expiring 42 record(s) for <topic>-0"), so return only once every partition has one
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!allLed(admin, name, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topic " + name + " has partitions without a leader after 60 s");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create topic " + name, e);
        }
    }

    private static boolean allLed(Admin admin, String topic, int partitions)
            throws InterruptedException, TimeoutException {
        org.apache.kafka.clients.admin.TopicDescription d;
        try {
            d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        } catch (ExecutionException e) {
            // not in the broker's metadata yet
            return false;
        }
        return d != null && d.partitions().size() == partitions
                && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
        } else {
            server.shutdown();
            server.awaitShutdown();
        }
        ServiceSupport.deleteRecursively(dir);
    }
}

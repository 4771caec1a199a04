package io.invoicesieve.k8s;

import io.invoicesieve.cli.RocksDbCompression;
import io.invoicesieve.config.SieveOptions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.util.TimeUtils;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.rolling.DefaultRolloverStrategy;
import org.apache.logging.log4j.core.appender.rolling.SizeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.status.StatusData;
import org.apache.logging.log4j.status.StatusListener;
import org.apache.logging.log4j.status.StatusLogger;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.JobState;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks k8s-operator/*.yaml and jobs/invoice-sieve/conf/*.properties without a cluster: every
 * FlinkDeployment parses strictly into the operator's own model, carries the settings that
 * savepoint upgrades depend on, names only Flink and operator options that exist, and takes its
 * credentials from Secrets; every properties key is an invoice-sieve, connector or Flink setting.
 */
class ManifestValidationTest {

    private static final Path MANIFESTS = Path.of("k8s-operator");
    private static final Path JOB_CONF = Path.of("jobs", "invoice-sieve", "conf");
    private static final String USRLIB = "/opt/flink/usrlib/";
    private static final String CONF_IN_IMAGE = USRLIB + "conf/";
    private static final int PROMETHEUS_PORT = 9249;

    /**
     * Flink option holders on the test classpath. Deprecated keys are collected too (as fallback
     * keys): Flink 1.20 still honours them, and the operator needs some of them (state.*).
     */
    private static final List<String> FLINK_OPTION_CLASSES =
            List.of(
                    "org.apache.flink.configuration.CoreOptions",
                    "org.apache.flink.configuration.PipelineOptions",
                    "org.apache.flink.configuration.ExecutionOptions",
                    "org.apache.flink.configuration.CheckpointingOptions",
                    "org.apache.flink.configuration.StateBackendOptions",
                    "org.apache.flink.configuration.StateRecoveryOptions",
                    "org.apache.flink.configuration.HighAvailabilityOptions",
                    "org.apache.flink.configuration.RestartStrategyOptions",
                    "org.apache.flink.configuration.MetricOptions",
                    "org.apache.flink.configuration.TaskManagerOptions",
                    "org.apache.flink.configuration.JobManagerOptions",
                    "org.apache.flink.configuration.DeploymentOptions",
                    "org.apache.flink.configuration.ClusterOptions",
                    "org.apache.flink.configuration.RestOptions",
                    "org.apache.flink.configuration.WebOptions",
                    "org.apache.flink.configuration.SecurityOptions",
                    "org.apache.flink.configuration.NettyShuffleEnvironmentOptions",
                    "org.apache.flink.configuration.StateChangelogOptions",
                    "org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions",
                    "org.apache.flink.contrib.streaming.state.RocksDBOptions",
                    "org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions",
                    // flink-kubernetes (test scope, see pom.xml): kubernetes.* keys of Flink itself
                    "org.apache.flink.kubernetes.configuration.KubernetesConfigOptions",
                    "org.apache.flink.kubernetes.configuration.KubernetesHighAvailabilityOptions");

    /**
     * Deprecated keys that stay on purpose: operator 1.10 is built on Flink 1.19 and reads the
     * checkpoint and savepoint directories only under these names (k8s-operator/README.md,
     * "Operator pitfalls"). Every other deprecated key is an error.
     */
    private static final Set<String> ALLOWED_DEPRECATED_KEYS = Set.of("state.checkpoints.dir", "state.savepoints.dir");

    /**
     * The operator's KubernetesOperatorConfigOptions keys. The operator module is not on Maven
     * Central for 1.10.0 (only its -api module is), so the keys are read from the list generated
     * from its configuration reference (see the file's header).
     */
    private static final String OPERATOR_KEYS_RESOURCE = "/k8s/kubernetes-operator-1.10.0-config-keys.txt";

    /**
     * Arguments of the Prometheus reporter itself (PrometheusReporterFactory.ARG_PORT and
     * AbstractPrometheusReporter's filterLabelValueCharacters), valid as metrics.reporter.NAME.ARG.
     */
    private static final Set<String> PROMETHEUS_REPORTER_ARGS = Set.of("port", "filterLabelValueCharacters");

    private static final Pattern REPORTER_KEY = Pattern.compile("metrics\\.reporter\\.([^.]+)\\.(.+)");

    /** The settings of the Kafka, JDBC and OpenSearch connectors (ConnectorOptions), read by `run`. */
    private static final Set<String> CONNECTOR_KEYS =
            SieveOptions.all().stream()
                    .map(ConfigOption::key)
                    .filter(k -> k.startsWith("sieve.kafka.") || k.startsWith("sieve.jdbc.") || k.startsWith("sieve.opensearch."))
                    .collect(Collectors.toSet());

    private static final String CONNECTOR_PASSTHROUGH_PREFIX = "sieve.kafka.properties.";

    /** Env variables the job reads its passwords from; they must come from Secrets. */
    private static final Set<String> SECRET_ENV = Set.of("SIEVE_JDBC_PASSWORD", "SIEVE_OPENSEARCH_PASSWORD");

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token|credential|access[-_]?key).*");

    /** A JAAS or URL password given inline rather than as a ${provider:...} reference. */
    private static final Pattern LITERAL_PASSWORD = Pattern.compile("(?i)password\\s*=\\s*\"?(?!\\$\\{)[^\\s\";]+");

    private static final ObjectMapper STRICT_YAML = strictYamlMapper();

    private static Map<String, ConfigOption<?>> flinkOptions;
    /** Deprecated key -> what replaces it (a fallback key marked deprecated, or a @Deprecated option). */
    private static final Map<String, String> deprecatedKeys = new HashMap<>();
    /** Keys declared by a non-deprecated option somewhere (a key can be declared twice in Flink). */
    private static final Set<String> currentKeys = new java.util.HashSet<>();
    private static Set<String> reporterSuffixes;
    private static Set<String> operatorKeys;

    @BeforeAll
    static void collectKnownKeys() throws Exception {
        flinkOptions = new HashMap<>();
        reporterSuffixes = new TreeSet<>(PROMETHEUS_REPORTER_ARGS);
        for (String name : FLINK_OPTION_CLASSES) {
            collectOptions(Class.forName(name));
        }
        deprecatedKeys.keySet().removeAll(currentKeys);
        // MetricOptions declares the per-reporter options by their suffix (factory.class, interval, ...).
        for (ConfigOption<?> option : optionsOf(MetricOptions.class)) {
            if (!option.key().startsWith("metrics.")) {
                reporterSuffixes.add(option.key());
            }
        }
        operatorKeys = new TreeSet<>();
        try (InputStream in = ManifestValidationTest.class.getResourceAsStream(OPERATOR_KEYS_RESOURCE)) {
            assertThat(in).as(OPERATOR_KEYS_RESOURCE).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    operatorKeys.add(line.trim());
                }
            }
        }
        assertThat(operatorKeys).contains("kubernetes.operator.periodic.savepoint.interval");
        assertThat(flinkOptions).containsKeys(
                "state.backend.type", "state.savepoints.dir", "state.backend.rocksdb.localdir",
                "kubernetes.taskmanager.service-account");
        assertThat(deprecatedKeys).containsKeys("execution.buffer-timeout", "state.backend.incremental")
                .doesNotContainKey("execution.buffer-timeout.interval");
    }

    // ------------------------------------------------------------------ manifests

    static Stream<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList()).stream();
        }
    }

    @Test
    void everyEnvironmentHasAFlinkDeployment() throws IOException {
        Map<String, FlinkDeployment> deployments = new LinkedHashMap<>();
        for (Path file : manifestFiles().collect(Collectors.toList())) {
            for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
                deployments.put(file.getFileName() + "/" + deployment.getMetadata().getNamespace(), deployment);
            }
        }
        assertThat(deployments.keySet())
                .contains("invoice-sieve-dev.yaml/invoice-sieve-dev", "invoice-sieve-prod.yaml/invoice-sieve-prod");
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void flinkDeploymentsHoldTheInvariants(Path file) throws IOException {
        for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
            String name = file.getFileName() + " " + deployment.getMetadata().getName();
            Map<String, String> conf = deployment.getSpec().getFlinkConfiguration();
            assertThat(unknownFlinkKeys(conf)).as(name + ": unknown flinkConfiguration keys").isEmpty();
            assertThat(unparsableValues(conf)).as(name + ": values Flink cannot parse").isEmpty();

            assertThat(deployment.getSpec().getFlinkVersion()).as(name).isEqualTo(FlinkVersion.v1_20);
            assertThat(deployment.getSpec().getImage()).as(name).isNotBlank();
            assertThat(deployment.getSpec().getServiceAccount()).as(name).isNotBlank();
            assertThat(deployment.getSpec().getJobManager().getResource().getMemory()).as(name).isNotBlank();
            assertThat(deployment.getSpec().getTaskManager().getResource().getMemory()).as(name).isNotBlank();

            JobSpec job = deployment.getSpec().getJob();
            assertThat(job.getUpgradeMode()).as(name).isEqualTo(UpgradeMode.SAVEPOINT);
            assertThat(job.getState()).as(name).isEqualTo(JobState.RUNNING);
            assertThat(job.getJarURI()).as(name).isEqualTo("local://" + USRLIB + "invoice-sieve.jar");
            assertThat(job.getAllowNonRestoredState()).as(name + ": allowNonRestoredState").isNotEqualTo(Boolean.TRUE);
            if (job.getInitialSavepointPath() != null) {
                assertThat(job.getInitialSavepointPath()).as(name).startsWith("s3://");
            }
            assertThat(job.getArgs()).as(name).hasSize(3).startsWith("run", "--config");
            String confInImage = job.getArgs()[2];
            assertThat(confInImage).as(name).startsWith(CONF_IN_IMAGE).endsWith(".properties");
            // The Dockerfile copies jobs/invoice-sieve/conf/*.properties to CONF_IN_IMAGE.
            assertThat(JOB_CONF.resolve(confInImage.substring(CONF_IN_IMAGE.length()))).as(name).exists();

            Configuration flink = Configuration.fromMap(conf);
            int maxParallelism = flink.get(org.apache.flink.configuration.PipelineOptions.MAX_PARALLELISM);
            assertThat(maxParallelism).as(name + ": pipeline.max-parallelism must be pinned").isPositive();
            assertThat(job.getParallelism()).as(name).isBetween(1, maxParallelism);

            assertThat(flink.get(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND)).as(name).isEqualTo("rocksdb");
            assertThat(flink.get(org.apache.flink.configuration.CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).as(name).isTrue();
            assertThat(flink.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL)).as(name).isNotNull();
            assertThat(flink.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
                    .as(name).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
            // Raw keys on purpose: operator 1.10 is built on Flink 1.19 and reads only these names.
            assertThat(conf.get("state.checkpoints.dir")).as(name).startsWith("s3://");
            assertThat(conf.get("state.savepoints.dir")).as(name).startsWith("s3://");
            assertThat(conf.get("high-availability.type")).as(name).isEqualTo("kubernetes");
            assertThat(conf.get("high-availability.storageDir")).as(name).startsWith("s3://");
            assertThat(conf).as(name).containsKey("restart-strategy.type");
            assertThat(flink.get(org.apache.flink.configuration.PipelineOptions.GENERIC_TYPES)).as(name).isFalse();
            assertThat(conf.get("metrics.reporter.prom.factory.class")).as(name)
                    .isEqualTo(PrometheusReporterFactory.class.getName());
            assertThat(conf.get("metrics.reporter.prom.port")).as(name).isEqualTo(String.valueOf(PROMETHEUS_PORT));

            Container main = mainContainer(deployment);
            assertThat(main.getPorts()).as(name + ": metrics port")
                    .anySatisfy(port -> assertThat(port.getContainerPort()).isEqualTo(PROMETHEUS_PORT));
            assertThat(secretProblems(deployment)).as(name).isEmpty();
            assertThat(conf.keySet()).as(name + ": no credentials in flinkConfiguration")
                    .noneMatch(key -> SECRET_NAME.matcher(key).matches());
        }
    }

    @Test
    void kafkaCredentialsComeFromTheMountedSecret() throws IOException {
        for (Path file : manifestFiles().collect(Collectors.toList())) {
            for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
                String confName = deployment.getSpec().getJob().getArgs()[2].substring(CONF_IN_IMAGE.length());
                String jaas = readProperties(JOB_CONF.resolve(confName)).get("sieve.kafka.properties.sasl.jaas.config");
                assertThat(jaas).as(confName).isNotNull();
                Matcher ref = Pattern.compile("\\$\\{dir:([^:}]+):[^}]+}").matcher(jaas);
                assertThat(ref.find()).as(confName + ": JAAS credentials via DirectoryConfigProvider").isTrue();
                String dir = ref.group(1);
                VolumeMount mount =
                        mainContainer(deployment).getVolumeMounts().stream()
                                .filter(m -> m.getMountPath().equals(dir))
                                .findFirst()
                                .orElseThrow(() -> new AssertionError(file + ": nothing mounted at " + dir));
                Volume volume =
                        podVolumes(deployment).stream()
                                .filter(v -> v.getName().equals(mount.getName()))
                                .findFirst()
                                .orElseThrow(() -> new AssertionError(file + ": no volume " + mount.getName()));
                assertThat(volume.getSecret()).as(file + ": " + dir + " is a Secret volume").isNotNull();
            }
        }
    }

    @Test
    void imagePutsJarAndPropertiesWhereTheManifestsLook() throws IOException {
        List<String> lines = Files.readAllLines(MANIFESTS.resolve("Dockerfile"));
        // the image's Flink is the one the job is built against (flink-runtime on this classpath)
        String flink = org.apache.flink.runtime.util.EnvironmentInformation.getVersion();
        assertThat(flink).startsWith("1.20.");
        assertThat(lines).contains("FROM flink:" + flink + "-java17");
        assertThat(lines).anyMatch(l -> l.contains("flink-metrics-prometheus-" + flink + ".jar"));
        assertThat(lines)
                .anyMatch(l -> l.matches("COPY .*target/invoice-sieve-job\\.jar " + Pattern.quote(USRLIB + "invoice-sieve.jar")))
                .anyMatch(l -> l.matches("COPY .*jobs/invoice-sieve/conf/\\*\\.properties " + Pattern.quote(CONF_IN_IMAGE)));
    }

    // ------------------------------------------------------------------ properties

    static Stream<Path> propertiesFiles() throws IOException {
        try (Stream<Path> files = Files.list(JOB_CONF)) {
            return files.filter(p -> p.toString().endsWith(".properties")).sorted().collect(Collectors.toList()).stream();
        }
    }

    @Test
    void everyEnvironmentHasProperties() throws IOException {
        assertThat(propertiesFiles().map(p -> p.getFileName().toString()))
                .contains("local.properties", "dev.properties", "prod.properties");
    }

    @ParameterizedTest
    @MethodSource("propertiesFiles")
    void propertiesNameOnlyKnownSettings(Path file) throws IOException {
        Map<String, String> settings = readProperties(file);
        Set<String> sieveKeys = SieveOptions.all().stream().map(ConfigOption::key).collect(Collectors.toSet());
        List<String> unknown = new ArrayList<>();
        for (String key : settings.keySet()) {
            boolean known =
                    sieveKeys.contains(key)
                            || CONNECTOR_KEYS.contains(key)
                            || (key.startsWith(CONNECTOR_PASSTHROUGH_PREFIX) || key.startsWith("sieve.jdbc.properties."))
                            || isKnownFlinkKey(key);
            if (!known) {
                unknown.add(key);
            }
        }
        assertThat(unknown).as(file + ": unknown keys").isEmpty();
        // Passwords come from SIEVE_JDBC_PASSWORD / SIEVE_OPENSEARCH_PASSWORD, never from a file in the image.
        assertThat(settings.keySet()).as(file.toString()).doesNotContain("sieve.jdbc.password", "sieve.opensearch.password");
        assertThat(settings.entrySet())
                .as(file + ": literal credentials")
                .noneMatch(e -> LITERAL_PASSWORD.matcher(e.getValue()).find()
                        || (SECRET_NAME.matcher(e.getKey()).matches() && !e.getValue().startsWith("${")));
        // Values of the options the code declares must parse (durations, doubles, ...).
        Configuration conf = Configuration.fromMap(settings);
        for (ConfigOption<?> option : SieveOptions.all()) {
            conf.get(option);
        }
    }

    @Test
    void localPropertiesNeedNoConnector() throws IOException {
        // `local` reads files instead of Kafka and rejects sieve.* keys it does not declare.
        assertThat(readProperties(JOB_CONF.resolve("local.properties")).keySet())
                .noneMatch(key -> CONNECTOR_KEYS.contains(key) || (key.startsWith(CONNECTOR_PASSTHROUGH_PREFIX) || key.startsWith("sieve.jdbc.properties.")));
        // and the loader `local` uses accepts it, values and cross-checks included
        io.invoicesieve.config.SieveConfig.fromArgs(
                new String[] {"--config", JOB_CONF.resolve("local.properties").toString()}, new HashMap<>());
    }

    // ------------------------------------------------------------------ the checks can fail

    @Test
    void misspelledFieldFailsStrictParsing() throws IOException {
        String prod = Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"));
        assertThat(prod).contains("    upgradeMode: savepoint");
        String typo = prod.replace("    upgradeMode: savepoint", "    upgradMode: savepoint");

        assertThatThrownBy(() -> flinkDeployments(typo))
                .isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("upgradMode");
    }

    @Test
    void misspelledFieldInPodTemplateIsReported() throws IOException {
        String prod = Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"));
        String typo = prod.replaceFirst("secretKeyRef:", "secretKeyRf:");

        assertThatThrownBy(() -> flinkDeployments(typo))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("secretKeyRf");
    }

    @Test
    void unknownFlinkKeyIsReported() throws IOException {
        String prod = Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"));
        String typo =
                prod.replace(
                        "    execution.checkpointing.incremental: \"true\"",
                        "    execution.checkpointing.incremental: \"true\"\n    state.backend.incremantal: \"true\"\n"
                                + "    metrics.reporter.prom.prot: \"9249\"");

        Map<String, String> conf = flinkDeployments(typo).get(0).getSpec().getFlinkConfiguration();
        assertThat(unknownFlinkKeys(conf))
                .containsExactlyInAnyOrder("state.backend.incremantal", "metrics.reporter.prom.prot");
    }

    @Test
    void literalPasswordIsReported() throws IOException {
        String prod = Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"));
        String literal =
                prod.replaceFirst(
                        "- name: SIEVE_JDBC_PASSWORD\n\\s+valueFrom:\n\\s+secretKeyRef:\n\\s+name: invoice-sieve-postgres\n\\s+key: password",
                        "- name: SIEVE_JDBC_PASSWORD\n              value: hunter2");
        assertThat(literal).contains("value: hunter2");

        assertThat(secretProblems(flinkDeployments(literal).get(0))).anyMatch(p -> p.contains("SIEVE_JDBC_PASSWORD"));
    }

    // ------------------------------------------------------------------ operations on a real cluster

    /** RocksDB's block cache and write buffers per slot (README "TaskManager memory"). */
    static final MemorySize MANAGED_MEMORY_PER_SLOT_FLOOR = MemorySize.parse("256m");

    /** Flink's user in the official image (flink-docker: groupadd/useradd --uid 9999 flink). */
    static final long FLINK_UID = 9999L;

    /** Where Flink writes at run time; each must be a writable ephemeral volume. */
    static final List<String> FLINK_WRITABLE_DIRS = List.of("/tmp", "/opt/flink/log");

    /** Flink mounts its configuration ConfigMap here; nothing of ours may hide it. */
    static final String FLINK_CONF_DIR = "/opt/flink/conf";

    static final Pattern IMAGE_BY_DIGEST = Pattern.compile("[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+@sha256:[0-9a-f]{64}");

    /** Static cloud credentials; S3 is reached through the service accounts' IAM role instead. */
    static final Set<String> STATIC_CLOUD_KEY_ENV =
            Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS", "AZURE_CLIENT_SECRET");

    static final String IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";

    static final Path K8S_README = MANIFESTS.resolve("README.md");

    /** Settings whose values k8s-operator/README.md states; its settings table must match every manifest. */
    static final Set<String> DOCUMENTED_SETTINGS =
            Set.of(
                    "execution.buffer-timeout.interval",
                    "taskmanager.memory.managed.size",
                    "state.backend.rocksdb.memory.managed",
                    "state.backend.rocksdb.compression.per.level",
                    "kubernetes.operator.periodic.savepoint.interval",
                    "kubernetes.operator.savepoint.history.max.count",
                    "kubernetes.operator.savepoint.history.max.age",
                    "kubernetes.operator.cluster.health-check.enabled",
                    "kubernetes.operator.cluster.health-check.restarts.window",
                    "kubernetes.operator.cluster.health-check.restarts.threshold",
                    "kubernetes.operator.cluster.health-check.checkpoint-progress.enabled",
                    "kubernetes.operator.cluster.health-check.checkpoint-progress.window");

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void noDeprecatedFlinkKeys(Path file) throws IOException {
        for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
            assertThat(deprecatedKeysIn(deployment.getSpec().getFlinkConfiguration()))
                    .as(file + ": deprecated keys (key -> replacement)").isEmpty();
        }
    }

    @Test
    void deprecatedKeyIsReported() throws IOException {
        String prod = Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"));
        String old = prod.replace("    execution.buffer-timeout.interval: 10 ms", "    execution.buffer-timeout: 10 ms");
        assertThat(old).isNotEqualTo(prod);
        assertThat(deprecatedKeysIn(flinkDeployments(old).get(0).getSpec().getFlinkConfiguration()))
                .containsEntry("execution.buffer-timeout", "execution.buffer-timeout.interval");
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void rocksDbWorksOnAnEphemeralVolumeWithRequestedStorage(Path file) throws IOException {
        for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
            assertThat(ephemeralStorageProblems(deployment)).as(file.toString()).isEmpty();
        }
    }

    @Test
    void rocksDbOnTheRootFileSystemIsReported() throws IOException {
        String prod = Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"));
        String moved = prod.replace("state.backend.rocksdb.localdir: /opt/flink/rocksdb", "state.backend.rocksdb.localdir: /opt/flink/state");
        assertThat(ephemeralStorageProblems(flinkDeployments(moved).get(0)))
                .anyMatch(p -> p.contains("state.backend.rocksdb.localdir"));
        String unbounded = prod.replace("            emptyDir:\n              sizeLimit: 40Gi\n", "            emptyDir: {}\n");
        assertThat(unbounded).isNotEqualTo(prod);
        assertThat(ephemeralStorageProblems(flinkDeployments(unbounded).get(0))).anyMatch(p -> p.contains("sizeLimit"));
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void taskManagersHaveManagedMemoryForRocksDb(Path file) throws IOException {
        for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
            Map<String, String> conf = deployment.getSpec().getFlinkConfiguration();
            Configuration flink = Configuration.fromMap(conf);
            assertThat(flink.get(org.apache.flink.contrib.streaming.state.RocksDBOptions.USE_MANAGED_MEMORY)).as(file.toString()).isTrue();
            assertThat(flink.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL))
                    .as(file + ": the compression per level that local and the benchmark measured")
                    .isEqualTo(RocksDbCompression.PER_LEVEL);
            assertThat(conf).as(file + ": explicit managed size, not a fraction of whatever the process gets")
                    .containsKey("taskmanager.memory.managed.size");
            assertThat(managedMemoryPerSlot(deployment)).as(file + ": managed memory per slot")
                    .isGreaterThanOrEqualTo(MANAGED_MEMORY_PER_SLOT_FLOOR);
        }
        assertThat(Files.readString(K8S_README)).as("the floor is documented").contains("256 MB per slot");
    }

    @Test
    void tooLittleManagedMemoryIsReported() throws IOException {
        String dev = Files.readString(MANIFESTS.resolve("invoice-sieve-dev.yaml"));
        String small = dev.replace("taskmanager.memory.managed.size: 640m", "taskmanager.memory.managed.size: 256m");
        assertThat(managedMemoryPerSlot(flinkDeployments(small).get(0))).isLessThan(MANAGED_MEMORY_PER_SLOT_FLOOR);
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void logConfigurationIsValidForLog4j(Path file) throws IOException {
        for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
            Map<String, String> logs = deployment.getSpec().getLogConfiguration();
            assertThat(logs).as(file.toString()).isNotNull().containsOnlyKeys("log4j-console.properties");
            assertThat(logConfigProblems(logs.get("log4j-console.properties"), deployment)).as(file.toString()).isEmpty();
        }
    }

    @Test
    void jsonTemplateLayoutIsRejected() throws IOException {
        FlinkDeployment prod = flinkDeployments(Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"))).get(0);
        String log4j = prod.getSpec().getLogConfiguration().get("log4j-console.properties");
        String template = log4j.replace("appender.json.layout.type = PatternLayout", "appender.json.layout.type = JsonTemplateLayout");
        assertThat(template).isNotEqualTo(log4j);
        assertThat(logConfigProblems(template, prod)).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void podDisruptionBudgetLetsOnePodGoAtATime(Path file) throws IOException {
        String yaml = Files.readString(file);
        for (FlinkDeployment deployment : flinkDeployments(yaml)) {
            assertThat(pdbProblems(deployment, objects(yaml, "PodDisruptionBudget", PodDisruptionBudget.class)))
                    .as(file.toString()).isEmpty();
        }
    }

    @Test
    void rescaleWithoutThePdbIsReported() throws IOException {
        String prod = Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"));
        String rescaled = prod.replace("    parallelism: 4\n", "    parallelism: 8\n");
        assertThat(pdbProblems(flinkDeployments(rescaled).get(0), objects(rescaled, "PodDisruptionBudget", PodDisruptionBudget.class)))
                .anyMatch(p -> p.contains("minAvailable"));
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void healthCheckAndSavepointHistoryAreSetAsDocumented(Path file) throws IOException {
        String readme = Files.readString(K8S_README);
        for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
            Map<String, String> conf = deployment.getSpec().getFlinkConfiguration();
            Configuration flink = Configuration.fromMap(conf);
            assertThat(conf.get("kubernetes.operator.cluster.health-check.enabled")).as(file.toString()).isEqualTo("true");
            assertThat(conf.get("kubernetes.operator.cluster.health-check.checkpoint-progress.enabled")).as(file.toString()).isEqualTo("true");
            assertThat(Integer.parseInt(conf.get("kubernetes.operator.cluster.health-check.restarts.threshold"))).isPositive();
            TimeUtils.parseDuration(conf.get("kubernetes.operator.cluster.health-check.restarts.window"));
            // The operator ignores a checkpoint-progress window below this minimum (ClusterHealthEvaluator).
            long interval = flink.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL).toMillis();
            long timeout = flink.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_TIMEOUT).toMillis();
            int tolerable = flink.get(org.apache.flink.configuration.CheckpointingOptions.TOLERABLE_FAILURE_NUMBER);
            Duration window = TimeUtils.parseDuration(conf.get("kubernetes.operator.cluster.health-check.checkpoint-progress.window"));
            assertThat(window).as(file + ": checkpoint-progress window").isGreaterThanOrEqualTo(Duration.ofMillis(Math.max(interval, timeout) * (tolerable + 2)));
            // History: the age is the promise; the count must not cut the periodic savepoints of that age.
            Duration maxAge = TimeUtils.parseDuration(conf.get("kubernetes.operator.savepoint.history.max.age"));
            Duration periodic = TimeUtils.parseDuration(conf.get("kubernetes.operator.periodic.savepoint.interval"));
            long periodicInMaxAge = (maxAge.toMillis() + periodic.toMillis() - 1) / periodic.toMillis();
            assertThat(Long.parseLong(conf.get("kubernetes.operator.savepoint.history.max.count")))
                    .as(file + ": max.count >= periodic savepoints within max.age").isGreaterThan(periodicInMaxAge);
            assertThat(documentedSettingMismatches(readme, deployment)).as(file + " vs k8s-operator/README.md").isEmpty();
        }
    }

    @Test
    void readmeThatPromisesOtherValuesIsReported() throws IOException {
        FlinkDeployment prod = flinkDeployments(Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"))).get(0);
        String readme = Files.readString(K8S_README);
        String value = prod.getSpec().getFlinkConfiguration().get("kubernetes.operator.savepoint.history.max.count");
        String wrong = readme.replace("| `kubernetes.operator.savepoint.history.max.count` | `" + value + "` | `" + value + "` |",
                "| `kubernetes.operator.savepoint.history.max.count` | `10` | `10` |");
        assertThat(wrong).isNotEqualTo(readme);
        assertThat(documentedSettingMismatches(wrong, prod)).anyMatch(p -> p.contains("max.count"));
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void podsAreHardened(Path file) throws IOException {
        for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
            assertThat(hardeningProblems(deployment)).as(file.toString()).isEmpty();
        }
    }

    @Test
    void writableRootOrRootUserIsReported() throws IOException {
        String prod = Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"));
        assertThat(hardeningProblems(flinkDeployments(prod.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")).get(0)))
                .anyMatch(p -> p.contains("readOnlyRootFilesystem"));
        assertThat(hardeningProblems(flinkDeployments(prod.replace("runAsUser: 9999", "runAsUser: 0")).get(0)))
                .anyMatch(p -> p.contains("runAsUser"));
        assertThat(hardeningProblems(flinkDeployments(prod.replace("defaultMode: 0440", "defaultMode: 0400")).get(0)))
                .anyMatch(p -> p.contains("defaultMode"));
        assertThat(hardeningProblems(flinkDeployments(prod.replace("image: registry.example.com/invoice-sieve@sha256:", "image: registry.example.com/invoice-sieve:0.1.0#")).get(0)))
                .anyMatch(p -> p.contains("digest"));
        assertThat(hardeningProblems(flinkDeployments(prod.replace("              mountPath: /tmp\n", "              mountPath: /scratch\n")).get(0)))
                .anyMatch(p -> p.contains("/tmp"));
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void noStaticCloudCredentials(Path file) throws IOException {
        for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
            assertThat(staticCloudKeys(deployment)).as(file.toString()).isEmpty();
        }
        for (Secret secret : objects(Files.readString(MANIFESTS.resolve("secrets-example.yaml")), "Secret", Secret.class)) {
            Set<String> keys = new TreeSet<>();
            keys.addAll(secret.getStringData().keySet());
            keys.addAll(secret.getData().keySet());
            assertThat(keys).as("secrets-example.yaml " + secret.getMetadata().getName())
                    .noneMatch(k -> k.matches("(?i).*(access-key|secret-access|aws).*"));
        }
    }

    @Test
    void awsKeysInEnvAreReported() throws IOException {
        String prod = Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"));
        String keys =
                prod.replaceFirst(
                        "          env:\n",
                        "          env:\n            - name: AWS_ACCESS_KEY_ID\n              valueFrom:\n                secretKeyRef:\n"
                                + "                  name: invoice-sieve-s3\n                  key: access-key-id\n");
        assertThat(staticCloudKeys(flinkDeployments(keys).get(0))).contains("AWS_ACCESS_KEY_ID");
    }

    @ParameterizedTest
    @MethodSource("manifestFiles")
    void jobManagerAndTaskManagersHaveSeparateMinimalAccounts(Path file) throws IOException {
        for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
            assertThat(accountProblems(deployment, allManifestText())).as(file.toString()).isEmpty();
        }
    }

    @Test
    void taskManagerAccountThatMayWriteIsReported() throws IOException {
        FlinkDeployment prod = flinkDeployments(Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"))).get(0);
        String rbac = Files.readString(MANIFESTS.resolve("rbac-prod.yaml"));
        String writes = rbac.replace("    resourceNames: [\"invoice-sieve-cluster-config-map\"]\n    verbs: [\"get\", \"list\", \"watch\"]",
                "    verbs: [\"get\", \"list\", \"watch\", \"update\"]");
        assertThat(writes).isNotEqualTo(rbac);
        assertThat(accountProblems(prod, writes)).anyMatch(p -> p.contains("invoice-sieve-taskmanager"));
    }

    @Test
    void networkPoliciesGuardRestAndMetrics() throws IOException {
        String policies = Files.readString(MANIFESTS.resolve("networkpolicy.yaml"));
        for (Path file : manifestFiles().collect(Collectors.toList())) {
            for (FlinkDeployment deployment : flinkDeployments(Files.readString(file))) {
                assertThat(networkPolicyProblems(deployment, objects(policies, "NetworkPolicy", NetworkPolicy.class)))
                        .as(file.toString()).isEmpty();
            }
        }
    }

    @Test
    void restOpenToTaskManagersIsReported() throws IOException {
        FlinkDeployment prod = flinkDeployments(Files.readString(MANIFESTS.resolve("invoice-sieve-prod.yaml"))).get(0);
        String policies = Files.readString(MANIFESTS.resolve("networkpolicy.yaml"));
        String open = policies.replace("        - port: 6123\n          protocol: TCP\n", "        - port: 6123\n          protocol: TCP\n        - port: 8081\n          protocol: TCP\n");
        assertThat(open).isNotEqualTo(policies);
        assertThat(networkPolicyProblems(prod, objects(open, "NetworkPolicy", NetworkPolicy.class))).anyMatch(p -> p.contains("8081"));
        String noPorts = policies.replace("      ports:\n        - port: 6121\n          protocol: TCP\n", "");
        assertThat(noPorts).isNotEqualTo(policies);
        assertThat(networkPolicyProblems(prod, objects(noPorts, "NetworkPolicy", NetworkPolicy.class))).isNotEmpty();
    }

    @Test
    void everyKubernetesObjectParsesStrictly() throws IOException {
        List<String> kinds = new ArrayList<>();
        for (Path file : allYamlFiles()) {
            String yaml = Files.readString(file);
            for (JsonNode document : documents(yaml)) {
                String kind = document.path("kind").asText();
                kinds.add(kind);
                Class<?> type = MODEL_TYPES.get(kind);
                assertThat(type != null || kind.equals("FlinkDeployment") || kind.equals("PodMonitor") || kind.equals("PrometheusRule"))
                        .as(file + ": unexpected kind " + kind).isTrue();
                if (type != null) {
                    strict(document, type, file + " " + kind);
                }
            }
        }
        assertThat(kinds).contains("PodDisruptionBudget", "NetworkPolicy", "ServiceAccount", "Role", "RoleBinding", "Secret")
                .doesNotContain("ClusterRole", "ClusterRoleBinding");
    }

    @Test
    void everySieveKeyInTheK8sFilesExists() throws IOException {
        Map<String, List<String>> unknown = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            for (Path file : files.sorted().collect(Collectors.toList())) {
                List<String> bad = unknownSieveKeys(Files.readString(file));
                if (!bad.isEmpty()) {
                    unknown.put(file.getFileName().toString(), bad);
                }
            }
        }
        assertThat(unknown).as("sieve.* names that no ConnectorOptions/SieveOptions option has").isEmpty();
        assertThat(unknownSieveKeys("the user is sieve.opensearch.user")).containsExactly("sieve.opensearch.user");
        assertThat(unknownSieveKeys("sieve.opensearch.username, sieve.kafka.properties.sasl.jaas.config, sieve.kafka.properties.*, invoice-sieve.jar"))
                .isEmpty();
    }

    // ------------------------------------------------------------------ checks of the points above

    static Map<String, String> deprecatedKeysIn(Map<String, String> conf) {
        Map<String, String> found = new TreeMap<>();
        for (String key : conf.keySet()) {
            if (deprecatedKeys.containsKey(key) && !ALLOWED_DEPRECATED_KEYS.contains(key)) {
                found.put(key, deprecatedKeys.get(key));
            }
        }
        return found;
    }

    /** What the operator hands Flink as taskmanager.memory.process.size (FlinkConfigBuilder.setResource). */
    static MemorySize managedMemoryPerSlot(FlinkDeployment deployment) {
        Configuration conf = Configuration.fromMap(deployment.getSpec().getFlinkConfiguration());
        conf.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse(deployment.getSpec().getTaskManager().getResource().getMemory()));
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        int slots = conf.get(TaskManagerOptions.NUM_TASK_SLOTS);
        return new MemorySize(spec.getManagedMemorySize().getBytes() / slots);
    }

    static List<String> ephemeralStorageProblems(FlinkDeployment deployment) {
        List<String> problems = new ArrayList<>();
        String localDir = deployment.getSpec().getFlinkConfiguration().get("state.backend.rocksdb.localdir");
        if (localDir == null) {
            return List.of("state.backend.rocksdb.localdir is not set");
        }
        PodSpec tm = effectivePod(deployment, deployment.getSpec().getTaskManager().getPodTemplate());
        Volume rocksdb = volumeMountedAt(tm, localDir);
        if (rocksdb == null || (rocksdb.getEmptyDir() == null && rocksdb.getEphemeral() == null)) {
            problems.add("state.backend.rocksdb.localdir " + localDir + " is not an emptyDir/ephemeral volume of the TaskManager pod");
        }
        problems.addAll(storageBudgetProblems("taskManager", tm, deployment.getSpec().getTaskManager().getResource().getEphemeralStorage()));
        PodSpec jm = effectivePod(deployment, deployment.getSpec().getJobManager().getPodTemplate());
        problems.addAll(storageBudgetProblems("jobManager", jm, deployment.getSpec().getJobManager().getResource().getEphemeralStorage()));
        return problems;
    }

    /** Every emptyDir is bounded, and together they fit the pod's ephemeral-storage request (= limit). */
    private static List<String> storageBudgetProblems(String role, PodSpec pod, String ephemeralStorage) {
        List<String> problems = new ArrayList<>();
        if (ephemeralStorage == null) {
            return List.of(role + ".resource.ephemeralStorage is not set");
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (Volume volume : pod.getVolumes()) {
            if (volume.getEmptyDir() != null) {
                if (volume.getEmptyDir().getSizeLimit() == null) {
                    problems.add(role + ": emptyDir " + volume.getName() + " has no sizeLimit");
                } else {
                    sum = sum.add(volume.getEmptyDir().getSizeLimit().getNumericalAmount());
                }
            }
        }
        if (sum.compareTo(Quantity.parse(ephemeralStorage).getNumericalAmount()) >= 0) {
            problems.add(role + ": emptyDir sizeLimits (" + sum + " bytes) leave nothing of ephemeralStorage " + ephemeralStorage + " for container logs");
        }
        return problems;
    }

    static List<String> logConfigProblems(String properties, FlinkDeployment deployment) {
        List<String> problems = new ArrayList<>();
        List<String> statusErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
        StatusListener listener =
                new StatusListener() {
                    @Override
                    public void log(StatusData data) {
                        statusErrors.add(data.getFormattedStatus());
                    }

                    @Override
                    public Level getStatusLevel() {
                        return Level.ERROR;
                    }

                    @Override
                    public void close() {}
                };
        String logFileBefore = System.getProperty("log.file");
        Path logDir;
        try {
            logDir = Files.createTempDirectory("manifest-log4j");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        System.setProperty("log.file", logDir.resolve("flink.log").toString());
        StatusLogger.getLogger().registerListener(listener);
        LoggerContext context = new LoggerContext("ManifestValidationTest");
        org.apache.logging.log4j.core.config.Configuration config = null;
        try {
            config =
                    new PropertiesConfigurationFactory()
                            .getConfiguration(context, new ConfigurationSource(new java.io.ByteArrayInputStream(properties.getBytes(StandardCharsets.UTF_8))));
            config.initialize();
            config.start();
            problems.addAll(statusErrors);
            Map<String, Appender> appenders = config.getAppenders();
            for (Appender appender : appenders.values()) {
                String layout = appender.getLayout() == null ? "none" : appender.getLayout().getClass().getSimpleName();
                // The Flink image has log4j-core, -api, -slf4j-impl and -1.2-api only: no Jackson for
                // JsonLayout, no log4j-layout-template-json for JsonTemplateLayout. (The test class
                // path has Jackson, so JsonLayout would load here and fail only in the image.)
                if (!layout.equals("PatternLayout")) {
                    problems.add(appender.getName() + ": layout " + layout + " is not available in the Flink image");
                }
            }
            LoggerConfig sieve = config.getLoggers().get("io.invoicesieve");
            if (sieve == null || sieve.isAdditive() || sieve.getAppenders().isEmpty()) {
                problems.add("io.invoicesieve must have its own (JSON) appender, non-additive");
            } else {
                boolean json = false;
                String huge = "invoice INV-1\r\nforged line " + "x".repeat(20_000);
                LogEvent event =
                        Log4jLogEvent.newBuilder()
                                .setLoggerName("io.invoicesieve.Test")
                                .setLevel(Level.WARN)
                                .setMessage(new SimpleMessage(huge))
                                .setThrown(new IllegalStateException("boom"))
                                .build();
                for (Appender appender : sieve.getAppenders().values()) {
                    String out = new String(appender.getLayout().toByteArray(event), StandardCharsets.UTF_8);
                    if (out.startsWith("{")) {
                        json = true;
                        if (out.indexOf('\n') != out.length() - 1) {
                            problems.add(appender.getName() + ": a JSON event is not exactly one line");
                        }
                        JsonNode node = new ObjectMapper().readTree(out);
                        String message = node.path("message").asText();
                        if (message.length() > 8_200 || !message.startsWith("invoice INV-1\r\nforged")
                                || !node.path("exception").asText().contains("boom") || !"WARN".equals(node.path("level").asText())) {
                            problems.add(appender.getName() + ": message not cut at 8 KB, or level/exception missing: " + out.substring(0, 200));
                        }
                    } else {
                        String firstLine = out.lines().findFirst().orElse("");
                        if (firstLine.contains("forged line") && !firstLine.contains("\\r\\nforged line") || firstLine.length() > 8_600) {
                            problems.add(appender.getName() + ": CR/LF not escaped or message not cut");
                        }
                    }
                }
                if (!json) {
                    problems.add("io.invoicesieve: no appender writes JSON");
                }
            }
            // The rolled files must fit the flink-log volume (exceeding an emptyDir's sizeLimit evicts the pod).
            if (appenders.get("RollingFileAppender") instanceof RollingFileAppender) {
                RollingFileAppender rolling = (RollingFileAppender) appenders.get("RollingFileAppender");
                long size = 0;
                for (var policy : ((org.apache.logging.log4j.core.appender.rolling.CompositeTriggeringPolicy) rolling.getTriggeringPolicy()).getTriggeringPolicies()) {
                    if (policy instanceof SizeBasedTriggeringPolicy) {
                        size = ((SizeBasedTriggeringPolicy) policy).getMaxFileSize();
                    }
                }
                int max = ((DefaultRolloverStrategy) rolling.getManager().getRolloverStrategy()).getMaxIndex();
                Volume logVolume = volumeMountedAt(effectivePod(deployment, deployment.getSpec().getTaskManager().getPodTemplate()), "/opt/flink/log");
                if (size <= 0 || logVolume == null || logVolume.getEmptyDir() == null || logVolume.getEmptyDir().getSizeLimit() == null
                        || BigDecimal.valueOf(size).multiply(BigDecimal.valueOf(max + 1L)).compareTo(logVolume.getEmptyDir().getSizeLimit().getNumericalAmount()) >= 0) {
                    problems.add("RollingFileAppender: " + size + " bytes x " + (max + 1) + " files do not fit the /opt/flink/log volume");
                }
            } else {
                problems.add("RollingFileAppender (the log file the Flink UI shows) is missing");
            }
        } catch (IOException | RuntimeException e) {
            problems.add("log4j cannot load it: " + e);
        } finally {
            if (config != null) {
                config.stop();
            }
            StatusLogger.getLogger().removeListener(listener);
            if (logFileBefore == null) {
                System.clearProperty("log.file");
            } else {
                System.setProperty("log.file", logFileBefore);
            }
        }
        problems.addAll(statusErrors.stream().filter(e -> !problems.contains(e)).collect(Collectors.toList()));
        return problems;
    }

    static List<String> pdbProblems(FlinkDeployment deployment, List<PodDisruptionBudget> budgets) {
        String name = deployment.getMetadata().getName();
        List<PodDisruptionBudget> mine =
                budgets.stream()
                        .filter(b -> Objects.equals(b.getMetadata().getNamespace(), deployment.getMetadata().getNamespace()))
                        .collect(Collectors.toList());
        if (mine.size() != 1) {
            return List.of("expected one PodDisruptionBudget in " + deployment.getMetadata().getNamespace() + ", found " + mine.size());
        }
        List<String> problems = new ArrayList<>();
        PodDisruptionBudget pdb = mine.get(0);
        Map<String, String> selector = pdb.getSpec().getSelector().getMatchLabels();
        if (!Map.of("app", name, "type", "flink-native-kubernetes").equals(selector)) {
            problems.add("selector " + selector + " does not select the Flink pods of " + name);
        }
        int slots = Configuration.fromMap(deployment.getSpec().getFlinkConfiguration()).get(TaskManagerOptions.NUM_TASK_SLOTS);
        int taskManagers = (deployment.getSpec().getJob().getParallelism() + slots - 1) / slots;
        int pods = deployment.getSpec().getJobManager().getReplicas() + taskManagers;
        if (pdb.getSpec().getMaxUnavailable() != null || pdb.getSpec().getMinAvailable() == null
                || pdb.getSpec().getMinAvailable().getIntVal() == null || pdb.getSpec().getMinAvailable().getIntVal() != pods - 1) {
            problems.add("minAvailable must be the integer " + (pods - 1) + " (" + pods + " pods - 1), is " + pdb.getSpec().getMinAvailable());
        }
        if (!"AlwaysAllow".equals(pdb.getSpec().getUnhealthyPodEvictionPolicy())) {
            problems.add("unhealthyPodEvictionPolicy should be AlwaysAllow");
        }
        return problems;
    }

    /** Rows `| \`key\` | \`dev\` | \`prod\` | ... |` of the README's settings table. */
    static List<String> documentedSettingMismatches(String readme, FlinkDeployment deployment) {
        Pattern row = Pattern.compile("^\\| `([a-z0-9.-]+)` \\| `([^`]*)` \\| `([^`]*)` \\|", Pattern.MULTILINE);
        Map<String, String[]> documented = new HashMap<>();
        Matcher m = row.matcher(readme);
        while (m.find()) {
            documented.put(m.group(1), new String[] {m.group(2), m.group(3)});
        }
        boolean prod = deployment.getMetadata().getNamespace().endsWith("-prod");
        Map<String, String> conf = deployment.getSpec().getFlinkConfiguration();
        List<String> problems = new ArrayList<>();
        for (String key : DOCUMENTED_SETTINGS) {
            String[] values = documented.get(key);
            if (values == null) {
                problems.add(key + " is not in the README's settings table");
            } else if (!Objects.equals(values[prod ? 1 : 0], conf.get(key))) {
                problems.add(key + ": README says " + values[prod ? 1 : 0] + ", manifest has " + conf.get(key));
            }
        }
        return problems;
    }

    static List<String> hardeningProblems(FlinkDeployment deployment) {
        List<String> problems = new ArrayList<>();
        if (!IMAGE_BY_DIGEST.matcher(deployment.getSpec().getImage()).matches()) {
            problems.add("spec.image " + deployment.getSpec().getImage() + " is not pinned by digest");
        }
        Map<String, PodSpec> pods =
                Map.of(
                        "jobManager", effectivePod(deployment, deployment.getSpec().getJobManager().getPodTemplate()),
                        "taskManager", effectivePod(deployment, deployment.getSpec().getTaskManager().getPodTemplate()));
        pods.forEach((role, pod) -> {
            PodSecurityContext psc = pod.getSecurityContext();
            if (psc == null) {
                problems.add(role + ": no pod securityContext");
                return;
            }
            check(problems, role + " runAsNonRoot", Boolean.TRUE, psc.getRunAsNonRoot());
            check(problems, role + " runAsUser", FLINK_UID, psc.getRunAsUser());
            check(problems, role + " runAsGroup", FLINK_UID, psc.getRunAsGroup());
            check(problems, role + " fsGroup", FLINK_UID, psc.getFsGroup());
            check(problems, role + " seccompProfile", "RuntimeDefault", psc.getSeccompProfile() == null ? null : psc.getSeccompProfile().getType());
            if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID())) {
                problems.add(role + ": host namespaces");
            }
            for (Container container : concat(pod.getContainers(), pod.getInitContainers())) {
                String c = role + "/" + container.getName();
                if (container.getImage() != null && !IMAGE_BY_DIGEST.matcher(container.getImage()).matches()) {
                    problems.add(c + ": image " + container.getImage() + " is not pinned by digest");
                }
                SecurityContext sc = container.getSecurityContext();
                if (sc == null) {
                    problems.add(c + ": no securityContext");
                    continue;
                }
                check(problems, c + " allowPrivilegeEscalation", Boolean.FALSE, sc.getAllowPrivilegeEscalation());
                check(problems, c + " readOnlyRootFilesystem", Boolean.TRUE, sc.getReadOnlyRootFilesystem());
                if (Boolean.TRUE.equals(sc.getPrivileged())) {
                    problems.add(c + ": privileged");
                }
                if (sc.getRunAsUser() != null && sc.getRunAsUser() == 0L) {
                    problems.add(c + ": runAsUser 0");
                }
                if (sc.getCapabilities() == null || !sc.getCapabilities().getDrop().contains("ALL") || !sc.getCapabilities().getAdd().isEmpty()) {
                    problems.add(c + ": capabilities must drop ALL and add none");
                }
                for (VolumeMount mount : container.getVolumeMounts()) {
                    if (mount.getMountPath().equals(FLINK_CONF_DIR) || mount.getMountPath().startsWith(FLINK_CONF_DIR + "/")) {
                        problems.add(c + ": " + mount.getMountPath() + " would hide Flink's configuration ConfigMap");
                    }
                }
            }
            Container main = pod.getContainers().stream().filter(x -> x.getName().equals("flink-main-container")).findFirst().orElse(null);
            for (String dir : FLINK_WRITABLE_DIRS) {
                VolumeMount mount = main == null ? null : main.getVolumeMounts().stream().filter(x -> x.getMountPath().equals(dir)).findFirst().orElse(null);
                Volume volume = volumeMountedAt(pod, dir);
                if (mount == null || Boolean.TRUE.equals(mount.getReadOnly()) || volume == null || volume.getEmptyDir() == null) {
                    problems.add(role + ": " + dir + " must be a writable emptyDir (the root file system is read-only)");
                }
            }
            for (Volume volume : pod.getVolumes()) {
                if (volume.getHostPath() != null) {
                    problems.add(role + ": hostPath volume " + volume.getName());
                }
                if (volume.getSecret() != null) {
                    Integer mode = volume.getSecret().getDefaultMode();
                    // owner root, group fsGroup (9999): Flink reads through the group; others nothing
                    if (mode == null || (mode & 0040) == 0 || (mode & 0007) != 0 || (mode & 0222) != 0) {
                        problems.add(role + ": secret volume " + volume.getName() + " defaultMode " + (mode == null ? "unset" : Integer.toOctalString(mode))
                                + " must be group-readable (0440) and nothing for others");
                    }
                }
            }
        });
        return problems;
    }

    static List<String> staticCloudKeys(FlinkDeployment deployment) {
        List<String> found = new ArrayList<>();
        for (Container container : allContainers(deployment)) {
            for (EnvVar var : container.getEnv()) {
                if (STATIC_CLOUD_KEY_ENV.contains(var.getName())) {
                    found.add(var.getName());
                }
            }
            if (!container.getEnvFrom().isEmpty()) {
                found.add(container.getName() + ": envFrom (imports variables unseen)");
            }
        }
        for (String key : deployment.getSpec().getFlinkConfiguration().keySet()) {
            if (key.matches("(s3|fs\\.s3a|presto\\.s3)\\.(access|secret)[-.]key|s3\\.(access-key|secret-key)")) {
                found.add(key);
            }
        }
        return found;
    }

    static List<String> accountProblems(FlinkDeployment deployment, String rbacYaml) throws IOException {
        List<String> problems = new ArrayList<>();
        String namespace = deployment.getMetadata().getNamespace();
        Map<String, String> conf = deployment.getSpec().getFlinkConfiguration();
        String jm = conf.get("kubernetes.jobmanager.service-account");
        String tm = conf.get("kubernetes.taskmanager.service-account");
        if (jm == null || tm == null || jm.equals(tm)) {
            return List.of("kubernetes.jobmanager.service-account and kubernetes.taskmanager.service-account must be set and differ");
        }
        check(problems, "spec.serviceAccount", jm, deployment.getSpec().getServiceAccount());
        Map<String, ServiceAccount> accounts = new HashMap<>();
        for (ServiceAccount sa : objects(rbacYaml, "ServiceAccount", ServiceAccount.class)) {
            if (namespace.equals(sa.getMetadata().getNamespace())) {
                accounts.put(sa.getMetadata().getName(), sa);
            }
        }
        for (String name : List.of(jm, tm)) {
            ServiceAccount sa = accounts.get(name);
            if (sa == null) {
                problems.add("no ServiceAccount " + namespace + "/" + name);
            } else if (!sa.getMetadata().getAnnotations().getOrDefault(IRSA_ANNOTATION, "").startsWith("arn:aws:iam::")) {
                problems.add(name + ": no " + IRSA_ANNOTATION + " (S3 through the account's IAM role)");
            }
        }
        Map<String, Role> roles = new HashMap<>();
        for (Role role : objects(rbacYaml, "Role", Role.class)) {
            if (namespace.equals(role.getMetadata().getNamespace())) {
                roles.put(role.getMetadata().getName(), role);
            }
        }
        Map<String, List<PolicyRule>> rulesOf = new HashMap<>();
        for (RoleBinding binding : objects(rbacYaml, "RoleBinding", RoleBinding.class)) {
            if (!namespace.equals(binding.getMetadata().getNamespace())) {
                continue;
            }
            Role role = roles.get(binding.getRoleRef().getName());
            if (!"Role".equals(binding.getRoleRef().getKind()) || role == null) {
                problems.add(binding.getMetadata().getName() + ": binds something other than a Role of this namespace");
                continue;
            }
            for (Subject subject : binding.getSubjects()) {
                rulesOf.computeIfAbsent(subject.getName(), k -> new ArrayList<>()).addAll(role.getRules());
            }
        }
        List<PolicyRule> jmRules = rulesOf.getOrDefault(jm, List.of());
        if (!allows(jmRules, "pods", "create") || !allows(jmRules, "configmaps", "update") || !allows(jmRules, "deployments", "get")) {
            problems.add(jm + ": needs pods create, configmaps update (HA) and deployments get");
        }
        String leaderConfigMap = deployment.getMetadata().getName() + "-cluster-config-map";
        for (PolicyRule rule : rulesOf.getOrDefault(tm, List.of())) {
            if (!rule.getResources().equals(List.of("configmaps"))
                    || !Set.of("get", "list", "watch").containsAll(rule.getVerbs())
                    || !rule.getResourceNames().equals(List.of(leaderConfigMap))) {
                problems.add(tm + ": may only get/list/watch configmap " + leaderConfigMap + ", has " + rule);
            }
        }
        for (Map.Entry<String, List<PolicyRule>> e : rulesOf.entrySet()) {
            if (allows(e.getValue(), "secrets", "get") || allows(e.getValue(), "secrets", "list")) {
                problems.add(e.getKey() + ": may read Secrets");
            }
        }
        return problems;
    }

    private static boolean allows(List<PolicyRule> rules, String resource, String verb) {
        return rules.stream().anyMatch(r -> (r.getResources().contains(resource) || r.getResources().contains("*"))
                && (r.getVerbs().contains(verb) || r.getVerbs().contains("*")));
    }

    static List<String> networkPolicyProblems(FlinkDeployment deployment, List<NetworkPolicy> policies) {
        List<String> problems = new ArrayList<>();
        String app = deployment.getMetadata().getName();
        Map<String, String> jmLabels = Map.of("app", app, "type", "flink-native-kubernetes", "component", "jobmanager");
        Map<String, String> tmLabels = Map.of("app", app, "type", "flink-native-kubernetes", "component", "taskmanager");
        Map<String, String> conf = deployment.getSpec().getFlinkConfiguration();
        boolean defaultDeny =
                policies.stream().anyMatch(p -> p.getSpec().getPolicyTypes().contains("Ingress") && p.getSpec().getIngress().isEmpty()
                        && selects(p, jmLabels) && selects(p, tmLabels));
        if (!defaultDeny) {
            problems.add("no default-deny ingress policy selecting both JobManager and TaskManagers");
        }
        // what each pod admits: port -> sources
        for (Map.Entry<String, Map<String, String>> pod : Map.of("jobmanager", jmLabels, "taskmanager", tmLabels).entrySet()) {
            for (NetworkPolicy policy : policies) {
                if (!selects(policy, pod.getValue())) {
                    continue;
                }
                for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                    String where = policy.getMetadata().getName() + " (" + pod.getKey() + ")";
                    if (rule.getPorts().isEmpty() || rule.getFrom().isEmpty()) {
                        problems.add(where + ": a rule without ports or without sources admits everything");
                        continue;
                    }
                    for (NetworkPolicyPort port : rule.getPorts()) {
                        Integer number = port.getPort() == null ? null : port.getPort().getIntVal();
                        if (number == null || port.getEndPort() != null) {
                            problems.add(where + ": ports must be single numbers");
                            continue;
                        }
                        for (NetworkPolicyPeer peer : rule.getFrom()) {
                            String source = peerName(peer, app);
                            String allowed = allowedSource(pod.getKey(), number, conf);
                            if (allowed == null || !allowed.equals(source)) {
                                problems.add(where + ": port " + number + " open to " + source + (allowed == null ? " (no one should reach it)" : ", only " + allowed + " may"));
                            }
                        }
                    }
                }
            }
        }
        return problems;
    }

    /** Who may reach a port of a pod; null: no one. */
    private static String allowedSource(String pod, int port, Map<String, String> conf) {
        if (port == PROMETHEUS_PORT) {
            return "namespace monitoring";
        }
        if (pod.equals("jobmanager")) {
            if (port == 8081) {
                return "namespace flink-operator";
            }
            return port == 6123 || port == 6124 ? "taskmanager" : null;
        }
        if (String.valueOf(port).equals(conf.get("taskmanager.data.port"))) {
            return "taskmanager";
        }
        if (port == 6122 || String.valueOf(port).equals(conf.get("metrics.internal.query-service.port"))) {
            return "jobmanager";
        }
        return null;
    }

    private static String peerName(NetworkPolicyPeer peer, String app) {
        if (peer.getIpBlock() != null) {
            return "ipBlock " + peer.getIpBlock().getCidr();
        }
        if (peer.getNamespaceSelector() != null) {
            Map<String, String> labels = peer.getNamespaceSelector().getMatchLabels();
            if (peer.getPodSelector() == null && labels.size() == 1 && labels.containsKey("kubernetes.io/metadata.name")) {
                return "namespace " + labels.get("kubernetes.io/metadata.name");
            }
            return "namespaces " + labels + " / pods " + (peer.getPodSelector() == null ? "any" : peer.getPodSelector().getMatchLabels());
        }
        Map<String, String> labels = peer.getPodSelector() == null ? Map.of() : peer.getPodSelector().getMatchLabels();
        if (app.equals(labels.get("app")) && "flink-native-kubernetes".equals(labels.get("type")) && labels.containsKey("component")) {
            return labels.get("component");
        }
        return "pods " + labels;
    }

    private static boolean selects(NetworkPolicy policy, Map<String, String> podLabels) {
        Map<String, String> wanted = policy.getSpec().getPodSelector().getMatchLabels();
        return policy.getSpec().getPodSelector().getMatchExpressions().isEmpty() && podLabels.entrySet().containsAll(wanted.entrySet());
    }

    /** `sieve.*` names in a text that are neither an option key nor under a pass-through prefix. */
    static List<String> unknownSieveKeys(String text) {
        Set<String> keys = SieveOptions.all().stream().map(ConfigOption::key).collect(Collectors.toSet());
        Matcher m = Pattern.compile("(?<![\\w.-])sieve\\.[a-z0-9][a-z0-9.-]*[a-z0-9]").matcher(text);
        List<String> unknown = new ArrayList<>();
        while (m.find()) {
            String key = m.group();
            boolean wildcard = m.end() < text.length() && text.charAt(m.end()) == '.' ; // sieve.kafka.properties.*
            boolean passthrough = key.startsWith(CONNECTOR_PASSTHROUGH_PREFIX) || key.startsWith("sieve.jdbc.properties.")
                    || key.equals("sieve.kafka.properties") || key.equals("sieve.jdbc.properties");
            boolean prefixOfKeys = wildcard && keys.stream().anyMatch(k -> k.startsWith(key + "."));
            if (!keys.contains(key) && !passthrough && !prefixOfKeys && !unknown.contains(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    // ------------------------------------------------------------------ pod templates as the operator merges them

    /**
     * spec.podTemplate with a role's template on top, the way the operator merges them with
     * kubernetes.operator.pod-template.merge-arrays-by-name (which the manifests set): containers,
     * volumes and volume mounts matched by name. Without that setting the operator merges lists by
     * position, so both templates having a list is then an error here.
     */
    static PodSpec effectivePod(FlinkDeployment deployment, PodTemplateSpec roleTemplate) {
        PodTemplateSpec common = deployment.getSpec().getPodTemplate();
        ObjectMapper json = new ObjectMapper();
        JsonNode merged = json.valueToTree(common == null ? new PodTemplateSpec() : common);
        if (roleTemplate != null) {
            boolean byName = "true".equals(deployment.getSpec().getFlinkConfiguration().get("kubernetes.operator.pod-template.merge-arrays-by-name"));
            mergeByName(merged, json.valueToTree(roleTemplate), byName, "podTemplate");
        }
        try {
            PodTemplateSpec template = json.treeToValue(merged, PodTemplateSpec.class);
            return template.getSpec() == null ? new PodSpec() : template.getSpec();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void mergeByName(JsonNode into, JsonNode from, boolean byName, String path) {
        from.fields().forEachRemaining(field -> {
            JsonNode existing = into.get(field.getKey());
            JsonNode incoming = field.getValue();
            if (existing != null && existing.isObject() && incoming.isObject()) {
                mergeByName(existing, incoming, byName, path + "." + field.getKey());
            } else if (existing != null && existing.isArray() && incoming.isArray() && existing.size() > 0) {
                if (!byName) {
                    throw new AssertionError(path + "." + field.getKey() + " is in both templates: set kubernetes.operator.pod-template.merge-arrays-by-name");
                }
                for (JsonNode element : incoming) {
                    JsonNode same = null;
                    for (JsonNode candidate : existing) {
                        if (candidate.path("name").equals(element.path("name")) && !element.path("name").isMissingNode()) {
                            same = candidate;
                        }
                    }
                    if (same == null) {
                        ((com.fasterxml.jackson.databind.node.ArrayNode) existing).add(element);
                    } else {
                        mergeByName(same, element, byName, path + "." + field.getKey() + "[" + element.path("name").asText() + "]");
                    }
                }
            } else {
                ((com.fasterxml.jackson.databind.node.ObjectNode) into).set(field.getKey(), incoming);
            }
        });
    }

    private static Volume volumeMountedAt(PodSpec pod, String path) {
        for (Container container : pod.getContainers()) {
            if (!container.getName().equals("flink-main-container")) {
                continue;
            }
            for (VolumeMount mount : container.getVolumeMounts()) {
                if (mount.getMountPath().equals(path)) {
                    return pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElse(null);
                }
            }
        }
        return null;
    }

    private static void check(List<String> problems, String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            problems.add(what + " must be " + expected + ", is " + actual);
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    // ------------------------------------------------------------------ other Kubernetes objects

    private static final Map<String, Class<?>> MODEL_TYPES =
            Map.of(
                    "PodDisruptionBudget", PodDisruptionBudget.class,
                    "NetworkPolicy", NetworkPolicy.class,
                    "ServiceAccount", ServiceAccount.class,
                    "Role", Role.class,
                    "RoleBinding", RoleBinding.class,
                    "Secret", Secret.class);

    private static List<Path> allYamlFiles() throws IOException {
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
        }
    }

    private static String allManifestText() throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path file : allYamlFiles()) {
            all.append("\n---\n").append(Files.readString(file));
        }
        return all.toString();
    }

    private static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var it = STRICT_YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isMissingNode() && !document.isNull()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    /** Every document of a kind, parsed into the fabric8 model; unknown fields are an error. */
    static <T> List<T> objects(String yaml, String kind, Class<T> type) throws IOException {
        List<T> objects = new ArrayList<>();
        for (JsonNode document : documents(yaml)) {
            if (kind.equals(document.path("kind").asText())) {
                objects.add(strict(document, type, kind));
            }
        }
        return objects;
    }

    private static <T> T strict(JsonNode document, Class<T> type, String what) throws IOException {
        T object = STRICT_YAML.treeToValue(document, type);
        List<String> unknown = new ArrayList<>();
        collectAdditionalProperties(object, what, unknown);
        // apiVersion/kind are fields of these classes, so they never land in additionalProperties
        if (!unknown.isEmpty()) {
            throw new AssertionError("Unknown Kubernetes fields: " + unknown);
        }
        return object;
    }

    // ------------------------------------------------------------------ helpers

    /** Parses every document of kind FlinkDeployment; fails on any field the model does not have. */
    static List<FlinkDeployment> flinkDeployments(String yaml) throws IOException {
        List<FlinkDeployment> deployments = new ArrayList<>();
        try (var documents = STRICT_YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isMissingNode() || document.isNull()) {
                    continue;
                }
                if ("FlinkDeployment".equals(document.path("kind").asText())) {
                    assertThat(document.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
                    FlinkDeployment deployment = STRICT_YAML.treeToValue(document, FlinkDeployment.class);
                    List<String> unknown = new ArrayList<>();
                    collectAdditionalProperties(deployment.getMetadata(), "metadata", unknown);
                    collectAdditionalProperties(deployment.getSpec().getPodTemplate(), "spec.podTemplate", unknown);
                    collectAdditionalProperties(
                            deployment.getSpec().getJobManager().getPodTemplate(), "spec.jobManager.podTemplate", unknown);
                    collectAdditionalProperties(
                            deployment.getSpec().getTaskManager().getPodTemplate(), "spec.taskManager.podTemplate", unknown);
                    if (!unknown.isEmpty()) {
                        throw new AssertionError("Unknown Kubernetes fields: " + unknown);
                    }
                    deployments.add(deployment);
                }
            }
        }
        return deployments;
    }

    /**
     * FAIL_ON_UNKNOWN_PROPERTIES alone does nothing here: the operator's spec classes are annotated
     * {@code @JsonIgnoreProperties(ignoreUnknown = true)}, which wins over the mapper setting. This
     * introspector drops that part of the annotation so that a misspelt field is an error.
     */
    private static ObjectMapper strictYamlMapper() {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.setAnnotationIntrospector(
                new JacksonAnnotationIntrospector() {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated a) {
                        JsonIgnoreProperties.Value value = super.findPropertyIgnoralByName(config, a);
                        return value == null ? null : value.withoutIgnoreUnknown();
                    }
                });
        return mapper;
    }

    /**
     * The fabric8 Kubernetes model keeps unknown fields in {@code additionalProperties} instead of
     * failing; walk the pod templates and report every such field with its path.
     */
    private static void collectAdditionalProperties(Object node, String path, List<String> unknown) {
        if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean || node instanceof Enum) {
            return;
        }
        if (node instanceof Collection) {
            int i = 0;
            for (Object element : (Collection<?>) node) {
                collectAdditionalProperties(element, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map) {
            ((Map<?, ?>) node).forEach((k, v) -> collectAdditionalProperties(v, path + "." + k, unknown));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(getter.toString(), e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) value).keySet().forEach(key -> unknown.add(path + "." + key));
            } else {
                String property = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                collectAdditionalProperties(value, path + "." + property, unknown);
            }
        }
    }

    static List<String> unknownFlinkKeys(Map<String, String> conf) {
        return conf.keySet().stream()
                .filter(key -> !isKnownFlinkKey(key) && !operatorKeys.contains(key))
                .sorted()
                .collect(Collectors.toList());
    }

    private static boolean isKnownFlinkKey(String key) {
        if (flinkOptions.containsKey(key)) {
            return true;
        }
        Matcher reporter = REPORTER_KEY.matcher(key);
        return reporter.matches() && reporterSuffixes.contains(reporter.group(2));
    }

    /** Keys whose value the declaring ConfigOption rejects (a duration without a unit, ...). */
    private static List<String> unparsableValues(Map<String, String> conf) {
        List<String> problems = new ArrayList<>();
        Configuration configuration = Configuration.fromMap(conf);
        for (String key : conf.keySet()) {
            ConfigOption<?> option = flinkOptions.get(key);
            if (option == null) {
                continue;
            }
            try {
                configuration.get(option);
            } catch (RuntimeException e) {
                problems.add(key + "=" + conf.get(key) + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /** Every credential-looking env var of any container comes from a Secret, never a literal. */
    static List<String> secretProblems(FlinkDeployment deployment) {
        List<String> problems = new ArrayList<>();
        Map<String, EnvVar> env = new HashMap<>();
        for (Container container : allContainers(deployment)) {
            for (EnvVar var : container.getEnv()) {
                env.put(var.getName(), var);
                boolean fromSecret = var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null;
                if (SECRET_NAME.matcher(var.getName()).matches() && (var.getValue() != null || !fromSecret)) {
                    problems.add(container.getName() + ": " + var.getName() + " is not a secretKeyRef");
                }
            }
        }
        for (String name : SECRET_ENV) {
            EnvVar var = env.get(name);
            if (var == null || var.getValueFrom() == null || var.getValueFrom().getSecretKeyRef() == null) {
                problems.add(name + " must be set from a secretKeyRef");
            }
        }
        return problems;
    }

    private static Container mainContainer(FlinkDeployment deployment) {
        return deployment.getSpec().getPodTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("flink-main-container"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("spec.podTemplate has no flink-main-container"));
    }

    private static List<Container> allContainers(FlinkDeployment deployment) {
        List<Container> containers = new ArrayList<>();
        Stream.of(
                        deployment.getSpec().getPodTemplate(),
                        deployment.getSpec().getJobManager().getPodTemplate(),
                        deployment.getSpec().getTaskManager().getPodTemplate())
                .filter(Objects::nonNull)
                .filter(t -> t.getSpec() != null)
                .forEach(t -> {
                    containers.addAll(t.getSpec().getContainers());
                    containers.addAll(t.getSpec().getInitContainers());
                });
        return containers;
    }

    private static List<Volume> podVolumes(FlinkDeployment deployment) {
        return deployment.getSpec().getPodTemplate().getSpec().getVolumes();
    }

    private static Map<String, String> readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            map.put(name, properties.getProperty(name).trim());
        }
        return map;
    }

    private static void collectOptions(Class<?> holder) {
        for (Field field : holder.getFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || !ConfigOption.class.isAssignableFrom(field.getType())) {
                continue;
            }
            ConfigOption<?> option;
            try {
                option = (ConfigOption<?>) field.get(null);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            if (holder == MetricOptions.class && !option.key().startsWith("metrics.")) {
                continue; // a per-reporter suffix, valid only as metrics.reporter.NAME.SUFFIX
            }
            flinkOptions.putIfAbsent(option.key(), option);
            if (field.isAnnotationPresent(Deprecated.class)) {
                deprecatedKeys.putIfAbsent(option.key(), "(deprecated option " + holder.getSimpleName() + "." + field.getName() + ")");
            } else {
                currentKeys.add(option.key());
            }
            for (FallbackKey fallback : option.fallbackKeys()) {
                flinkOptions.putIfAbsent(fallback.getKey(), option);
                if (fallback.isDeprecated()) {
                    deprecatedKeys.putIfAbsent(fallback.getKey(), option.key());
                }
            }
        }
    }

    private static List<ConfigOption<?>> optionsOf(Class<?> holder) {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return options;
    }
}

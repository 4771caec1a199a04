package io.invoicesieve.k8s;

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
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.MetricOptions;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
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
                    "org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions");

    /** flink-kubernetes is not a dependency of this project; its options are checked if present. */
    private static final List<String> OPTIONAL_FLINK_OPTION_CLASSES =
            List.of("org.apache.flink.kubernetes.configuration.KubernetesConfigOptions");

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
    private static Set<String> reporterSuffixes;
    private static Set<String> operatorKeys;

    @BeforeAll
    static void collectKnownKeys() throws Exception {
        flinkOptions = new HashMap<>();
        reporterSuffixes = new TreeSet<>(PROMETHEUS_REPORTER_ARGS);
        for (String name : FLINK_OPTION_CLASSES) {
            collectOptions(Class.forName(name));
        }
        for (String name : OPTIONAL_FLINK_OPTION_CLASSES) {
            try {
                collectOptions(Class.forName(name));
            } catch (ClassNotFoundException absent) {
                // not on the classpath: kubernetes.* keys other than the operator's are then unknown
            }
        }
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
        assertThat(flinkOptions).containsKeys("state.backend.type", "state.savepoints.dir", "state.backend.rocksdb.localdir");
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
        assertThat(lines).contains("FROM flink:1.20.3-java17");
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
                        "    state.backend.incremental: \"true\"",
                        "    state.backend.incremental: \"true\"\n    state.backend.incremantal: \"true\"\n"
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
        for (ConfigOption<?> option : optionsOf(holder)) {
            if (holder == MetricOptions.class && !option.key().startsWith("metrics.")) {
                continue; // a per-reporter suffix, valid only as metrics.reporter.NAME.SUFFIX
            }
            flinkOptions.putIfAbsent(option.key(), option);
            for (FallbackKey fallback : option.fallbackKeys()) {
                flinkOptions.putIfAbsent(fallback.getKey(), option);
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

package io.invoicesieve.cli;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.sinks.KafkaSinks;
import io.invoicesieve.sinks.OpenSearchIndex;
import io.invoicesieve.sinks.PostgresSchema;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code init [--config f.properties] [--<setting> <value>]}: creates what the job writes to, and is
 * safe to run again (before every deploy): the Kafka topics (existing ones are left alone), the
 * PostgreSQL schema versions not applied yet, the OpenSearch index template and first index.
 */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        description = {
            "Create the Kafka topics, PostgreSQL schema and OpenSearch index template.",
            "Applies the schema versions not applied yet, puts the index template and",
            "first index; safe to run again (before every deploy)."
        },
        footer = {Cli.SETTINGS, Cli.EXIT_CODES})
public final class InitCommand extends SettingsCommand implements Callable<Integer> {

    public InitCommand() {}

    @Override
    public Integer call() throws Exception {
        SieveConfig config = settings();
        Preflight.check(config); // each service reachable, or one line naming it and its setting
        for (String line : init(config)) {
            out().println(line);
        }
        out().flush();
        return Cli.OK;
    }

    /** Does the work; returns one line per step. */
    public static List<String> init(SieveConfig config) throws Exception {
        List<String> report = new ArrayList<>();
        report.addAll(createTopics(config));
        report.add(migrate(config));
        report.add("opensearch: " + OpenSearchIndex.apply(config));
        return report;
    }

    static List<String> createTopics(SieveConfig config) throws Exception {
        Properties properties = KafkaSinks.producerProperties(config);
        properties.remove("transaction.timeout.ms");
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.required(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS));
        int partitions = config.get(ConnectorOptions.KAFKA_TOPIC_PARTITIONS);
        short replication = config.get(ConnectorOptions.KAFKA_TOPIC_REPLICATION).shortValue();
        List<String> report = new ArrayList<>();
        try (Admin admin = Admin.create(properties)) {
            for (String topic : List.of(
                    config.get(ConnectorOptions.KAFKA_INPUT_TOPIC),
                    config.get(ConnectorOptions.KAFKA_DECISIONS_TOPIC),
                    config.get(ConnectorOptions.KAFKA_DEAD_LETTER_TOPIC),
                    config.get(io.invoicesieve.config.ControlOptions.KAFKA_DISPOSITIONS_TOPIC),
                    config.get(io.invoicesieve.config.ControlOptions.KAFKA_CONTROLS_TOPIC))) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, replication))).all().get(60, TimeUnit.SECONDS);
                    report.add("kafka: topic " + topic + " created (" + partitions + " partitions, replication " + replication + ")");
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    report.add("kafka: topic " + topic + " exists");
                }
            }
        }
        return report;
    }

    /**
     * Applies the schema versions not applied yet, connected as the owner role
     * ({@code sieve.jdbc.owner-user}, else {@code sieve.jdbc.user}); V2 grants the runtime role
     * {@code sieve.jdbc.user} the DML the job needs.
     */
    public static String migrate(SieveConfig config) throws Exception {
        Properties properties = new Properties();
        properties.putAll(config.prefixed(ConnectorOptions.JDBC_PROPERTIES_PREFIX));
        String runtime = config.get(ConnectorOptions.JDBC_USER);
        String owner = config.get(ConnectorOptions.JDBC_OWNER_USER);
        String password;
        if (owner == null || owner.isBlank()) {
            owner = runtime;
            password = config.secret(ConnectorOptions.JDBC_PASSWORD, ConnectorOptions.JDBC_PASSWORD_ENV);
        } else {
            password = config.secret(ConnectorOptions.JDBC_OWNER_PASSWORD, ConnectorOptions.JDBC_OWNER_PASSWORD_ENV);
        }
        properties.setProperty("user", owner);
        if (password != null) {
            properties.setProperty("password", password);
        }
        PostgresSchema.Result result = PostgresSchema.migrate(config.required(ConnectorOptions.JDBC_URL), properties, runtime);
        return result.applied().isEmpty()
                ? "postgres: schema up to date (version " + result.version()
                        + (result.baseline() ? ", baselined from the pre-Flyway schema_version" : "") + ")"
                : "postgres: applied schema versions " + result.applied();
    }
}

package io.invoicesieve.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/**
 * Settings of the production connectors: Kafka (source, decisions and dead-letter topics),
 * PostgreSQL (system of record) and OpenSearch (analysts' index). Registered in
 * {@link SieveOptions#holders()}, so they are validated and listed in the options table like the rest.
 *
 * <p>Secrets ({@code sieve.jdbc.password}, {@code sieve.opensearch.password}, SASL/SSL passwords in
 * {@code sieve.kafka.properties.*}) are references, {@code ${env:NAME}} or {@code ${file:/path}}
 * ({@link Secrets}), resolved by each writer when it connects, never carried by the job; the passwords
 * also fall back to {@code SIEVE_JDBC_PASSWORD}, {@code SIEVE_JDBC_OWNER_PASSWORD} and
 * {@code SIEVE_OPENSEARCH_PASSWORD}. Keys containing "password", "secret" or "jaas.config" are hidden by
 * Flink whenever a configuration is printed, and may not hold literals in what the job builds.
 */
public final class ConnectorOptions {

    /** Free-form keys below these prefixes are passed through to the client unchanged. */
    public static final String KAFKA_PROPERTIES_PREFIX = "sieve.kafka.properties.";
    public static final String JDBC_PROPERTIES_PREFIX = "sieve.jdbc.properties.";

    public static final List<String> PREFIX_MAPS = List.of(KAFKA_PROPERTIES_PREFIX, JDBC_PROPERTIES_PREFIX);

    public static final String JDBC_PASSWORD_ENV = "SIEVE_JDBC_PASSWORD";
    public static final String OPENSEARCH_PASSWORD_ENV = "SIEVE_OPENSEARCH_PASSWORD";
    public static final String JDBC_OWNER_PASSWORD_ENV = "SIEVE_JDBC_OWNER_PASSWORD";

    // ---------------------------------------------------------------- Kafka

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            ConfigOptions.key("sieve.kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers (host:port,...). Required by run and init.");

    public static final ConfigOption<String> KAFKA_INPUT_TOPIC =
            ConfigOptions.key("sieve.kafka.input-topic")
                    .stringType()
                    .defaultValue("invoices")
                    .withDescription("Topic of inbound invoice events (JSON, invoice.schema.json).");

    public static final ConfigOption<String> KAFKA_DECISIONS_TOPIC =
            ConfigOptions.key("sieve.kafka.decisions-topic")
                    .stringType()
                    .defaultValue("invoice-decisions")
                    .withDescription("Topic of decisions (JSON, decision.schema.json), keyed tenant_id:invoice_id.");

    public static final ConfigOption<String> KAFKA_DEAD_LETTER_TOPIC =
            ConfigOptions.key("sieve.kafka.dead-letter-topic")
                    .stringType()
                    .defaultValue("invoice-dead-letters")
                    .withDescription("Topic of records that are not valid invoices (raw payload, reason, origin).");

    public static final ConfigOption<String> KAFKA_GROUP_ID =
            ConfigOptions.key("sieve.kafka.group-id")
                    .stringType()
                    .defaultValue("invoice-sieve")
                    .withDescription(
                            "Consumer group id. Offsets are committed on checkpoints for monitoring only; "
                                    + "on restore the job resumes from its checkpointed offsets.");

    public static final ConfigOption<String> KAFKA_STARTING_OFFSETS =
            ConfigOptions.key("sieve.kafka.starting-offsets")
                    .stringType()
                    .defaultValue("committed")
                    .withDescription(
                            "Where a job without checkpoint or savepoint starts reading: 'earliest', 'latest', "
                                    + "'committed' (the group's offsets, earliest where none) or 'timestamp:<epoch ms>'.");

    public static final ConfigOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("sieve.kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("invoice-sieve")
                    .withDescription(
                            "Prefix of the Kafka transactional ids of the exactly-once sinks ('-decisions' and "
                                    + "'-dlq' are appended). Unique per job on a cluster; keep it across upgrades.");

    public static final ConfigOption<Duration> KAFKA_TRANSACTION_TIMEOUT =
            ConfigOptions.key("sieve.kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "transaction.timeout.ms of the exactly-once producers: at most the broker's "
                                    + "transaction.max.timeout.ms (15 min by default), and well above the checkpoint "
                                    + "interval plus the longest expected restart.");

    public static final ConfigOption<Duration> KAFKA_PARTITION_DISCOVERY =
            ConfigOptions.key("sieve.kafka.partition-discovery-interval")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("How often the source looks for new partitions of the input topic; 0 disables.");

    public static final ConfigOption<Integer> KAFKA_TOPIC_PARTITIONS =
            ConfigOptions.key("sieve.kafka.topic-partitions")
                    .intType()
                    .defaultValue(6)
                    .withDescription("Partitions of the topics the init command creates.");

    public static final ConfigOption<Integer> KAFKA_TOPIC_REPLICATION =
            ConfigOptions.key("sieve.kafka.topic-replication")
                    .intType()
                    .defaultValue(3)
                    .withDescription("Replication factor of the topics the init command creates.");

    // ---------------------------------------------------------------- PostgreSQL

    public static final ConfigOption<String> JDBC_URL =
            ConfigOptions.key("sieve.jdbc.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PostgreSQL JDBC url, e.g. jdbc:postgresql://db:5432/invoices. Required by run and init. "
                                    + "Driver settings (sslmode, ...) go in sieve.jdbc.properties.*.");

    public static final ConfigOption<String> JDBC_USER =
            ConfigOptions.key("sieve.jdbc.user")
                    .stringType()
                    .defaultValue("invoice_sieve")
                    .withDescription(
                            "PostgreSQL role the job (run) connects as: from schema version 2 it may only read, "
                                    + "insert and update invoices and decisions (no DELETE, TRUNCATE or ALTER, nothing "
                                    + "on decision_audit, which its writes fill through a SECURITY DEFINER trigger). "
                                    + "Created by the DBA; init grants it (placeholder runtime_user of db/V2__roles.sql).");

    public static final ConfigOption<String> JDBC_PASSWORD =
            ConfigOptions.key("sieve.jdbc.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password of sieve.jdbc.user: ${env:NAME} or ${file:/path} (a literal is refused: it would "
                                    + "travel in the JobGraph); when unset, the environment variable "
                                    + JDBC_PASSWORD_ENV + ". Resolved by each writer when it connects. Never logged.");

    public static final ConfigOption<String> JDBC_OWNER_USER =
            ConfigOptions.key("sieve.jdbc.owner-user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PostgreSQL role init connects as to migrate the schema: it owns the tables and the "
                                    + "audit functions. Never used by run. When unset, init uses sieve.jdbc.user (one "
                                    + "role for both, as before: that role can then still bypass the audit protections).");

    public static final ConfigOption<String> JDBC_OWNER_PASSWORD =
            ConfigOptions.key("sieve.jdbc.owner-password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password of sieve.jdbc.owner-user (init only): a literal, ${env:NAME} or ${file:/path}; "
                                    + "when unset, the environment variable " + JDBC_OWNER_PASSWORD_ENV
                                    + ". Without sieve.jdbc.owner-user, init uses sieve.jdbc.password. Never logged.");

    public static final ConfigOption<Integer> JDBC_BATCH_SIZE =
            ConfigOptions.key("sieve.jdbc.batch-size")
                    .intType()
                    .defaultValue(500)
                    .withDescription("Upserts per JDBC batch; a batch is also flushed on every checkpoint.");

    public static final ConfigOption<Duration> JDBC_BATCH_INTERVAL =
            ConfigOptions.key("sieve.jdbc.batch-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription("Longest time a decision waits in the JDBC batch.");

    public static final ConfigOption<Integer> JDBC_MAX_RETRIES =
            ConfigOptions.key("sieve.jdbc.max-retries")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "Retries of a failed batch before the job fails and restarts (safe: every write is an upsert).");

    // ---------------------------------------------------------------- OpenSearch

    public static final ConfigOption<String> OPENSEARCH_HOSTS =
            ConfigOptions.key("sieve.opensearch.hosts")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("OpenSearch urls, comma separated (https://os-0:9200,...). Required by run and init.");

    public static final ConfigOption<String> OPENSEARCH_INDEX =
            ConfigOptions.key("sieve.opensearch.index")
                    .stringType()
                    .defaultValue("invoice-sieve-flagged")
                    .withDescription(
                            "Alias the sink writes to and analysts search. init creates the index template "
                                    + "'<alias>-template' for '<alias>-*' and the first index '<alias>-000001' behind the alias.");

    public static final ConfigOption<String> OPENSEARCH_USERNAME =
            ConfigOptions.key("sieve.opensearch.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("OpenSearch user (basic authentication); none when unset.");

    public static final ConfigOption<String> OPENSEARCH_PASSWORD =
            ConfigOptions.key("sieve.opensearch.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "OpenSearch password: ${env:NAME} or ${file:/path} (a literal is refused: it would travel "
                                    + "in the JobGraph); when unset, the environment variable " + OPENSEARCH_PASSWORD_ENV
                                    + ". Resolved by each writer when it connects. Never logged.");

    public static final ConfigOption<String> OPENSEARCH_CA_FILE =
            ConfigOptions.key("sieve.opensearch.ca-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PEM file of the CA certificate(s) to trust for https hosts (a private CA), instead of "
                                    + "the JVM's trust store; host names are still verified. Read by each writer when "
                                    + "it opens, and by init.");

    public static final ConfigOption<Boolean> OPENSEARCH_ALLOW_INSECURE =
            ConfigOptions.key("sieve.opensearch.allow-insecure")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Trust any TLS certificate and host name (test clusters only; for a private CA use "
                                    + "sieve.opensearch.ca-file).");

    public static final ConfigOption<Boolean> OPENSEARCH_DELETE_ON_PASS =
            ConfigOptions.key("sieve.opensearch.delete-on-pass")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Send PASS decisions to the OpenSearch sink as deletes of their document id. A decision "
                                    + "can change when a restart or replay scores an invoice again in a different "
                                    + "arrival order; without the delete, an invoice flagged first and passed later "
                                    + "would stay in the analysts' index. Costs one bulk delete per PASS decision. "
                                    + "false: only REVIEW and HOLD reach the sink (the index may keep stale flags).");

    public static final ConfigOption<Integer> OPENSEARCH_BULK_MAX_ACTIONS =
            ConfigOptions.key("sieve.opensearch.bulk.max-actions")
                    .intType()
                    .defaultValue(1000)
                    .withDescription("Documents per bulk request; a bulk is also flushed on every checkpoint.");

    public static final ConfigOption<Integer> OPENSEARCH_BULK_MAX_SIZE_MB =
            ConfigOptions.key("sieve.opensearch.bulk.max-size-mb")
                    .intType()
                    .defaultValue(5)
                    .withDescription("Largest bulk request in MB.");

    public static final ConfigOption<Duration> OPENSEARCH_BULK_INTERVAL =
            ConfigOptions.key("sieve.opensearch.bulk.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription("Longest time a document waits in the bulk buffer.");

    public static final ConfigOption<String> OPENSEARCH_BACKOFF_TYPE =
            ConfigOptions.key("sieve.opensearch.backoff.type")
                    .stringType()
                    .defaultValue("EXPONENTIAL")
                    .withDescription(
                            "Retry of rejected bulk items (HTTP 429): EXPONENTIAL, CONSTANT or NONE. Other failures, "
                                    + "an unreachable node included, fail the job, which restarts from its last checkpoint.");

    public static final ConfigOption<Integer> OPENSEARCH_BACKOFF_RETRIES =
            ConfigOptions.key("sieve.opensearch.backoff.max-retries")
                    .intType()
                    .defaultValue(5)
                    .withDescription("Retries of a rejected bulk before the job fails.");

    public static final ConfigOption<Duration> OPENSEARCH_BACKOFF_DELAY =
            ConfigOptions.key("sieve.opensearch.backoff.delay")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription("First (or every, CONSTANT) delay between bulk retries.");

    public static final ConfigOption<Integer> OPENSEARCH_SHARDS =
            ConfigOptions.key("sieve.opensearch.shards")
                    .intType()
                    .defaultValue(1)
                    .withDescription("number_of_shards in the index template (init).");

    public static final ConfigOption<Integer> OPENSEARCH_REPLICAS =
            ConfigOptions.key("sieve.opensearch.replicas")
                    .intType()
                    .defaultValue(1)
                    .withDescription("number_of_replicas in the index template (init); 0 on a single node.");

    private ConnectorOptions() {}

    /** Checks that need more than a type: called from {@link SieveConfig}'s validation. */
    static void validate(SieveConfig config) {
        String offsets = config.get(KAFKA_STARTING_OFFSETS);
        if (!(offsets.equals("earliest") || offsets.equals("latest") || offsets.equals("committed")
                || offsets.matches("timestamp:\\d+"))) {
            throw new IllegalArgumentException(
                    "Setting '" + KAFKA_STARTING_OFFSETS.key()
                            + "' must be earliest, latest, committed or timestamp:<epoch ms>, was '" + offsets + "'");
        }
        String backoff = config.get(OPENSEARCH_BACKOFF_TYPE);
        if (!List.of("EXPONENTIAL", "CONSTANT", "NONE").contains(backoff)) {
            throw new IllegalArgumentException(
                    "Setting '" + OPENSEARCH_BACKOFF_TYPE.key() + "' must be EXPONENTIAL, CONSTANT or NONE, was '"
                            + backoff + "'");
        }
        for (ConfigOption<Integer> option :
                List.of(KAFKA_TOPIC_PARTITIONS, KAFKA_TOPIC_REPLICATION, JDBC_BATCH_SIZE,
                        OPENSEARCH_BULK_MAX_ACTIONS, OPENSEARCH_BULK_MAX_SIZE_MB, OPENSEARCH_SHARDS)) {
            if (config.get(option) < 1) {
                throw new IllegalArgumentException(
                        "Setting '" + option.key() + "' must be at least 1, was " + config.get(option));
            }
        }
        for (ConfigOption<String> role : List.of(JDBC_USER, JDBC_OWNER_USER)) {
            String name = config.get(role);
            if (name != null && !name.matches("[A-Za-z_][A-Za-z0-9_$.@-]{0,62}")) {
                throw new IllegalArgumentException(
                        "Setting '" + role.key() + "' must be a PostgreSQL role name (letters, digits, _ $ . @ -, "
                                + "at most 63), was '" + name + "'");
            }
        }
        if (config.get(OPENSEARCH_CA_FILE) != null && config.get(OPENSEARCH_ALLOW_INSECURE)) {
            throw new IllegalArgumentException(
                    "Settings '" + OPENSEARCH_CA_FILE.key() + "' and '" + OPENSEARCH_ALLOW_INSECURE.key()
                            + "' exclude each other: with a CA file, certificates are verified");
        }
        for (ConfigOption<Integer> option : List.of(JDBC_MAX_RETRIES, OPENSEARCH_BACKOFF_RETRIES, OPENSEARCH_REPLICAS)) {
            if (config.get(option) < 0) {
                throw new IllegalArgumentException(
                        "Setting '" + option.key() + "' must be at least 0, was " + config.get(option));
            }
        }
    }
}

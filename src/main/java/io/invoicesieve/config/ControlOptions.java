package io.invoicesieve.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Settings of the analysts' loop: the Kafka topics of dispositions and runtime controls (read by
 * {@code run} into the broadcast control stream, written by the {@code disposition} and {@code control}
 * commands, created by {@code init}). Registered in {@link SieveOptions#holders()}.
 */
public final class ControlOptions {

    public static final ConfigOption<Boolean> CONTROLS_ENABLED =
            ConfigOptions.key("sieve.controls.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "run reads the dispositions and controls topics into the control stream (thresholds, "
                                    + "reason switches, allow-lists, pair model), audits every change in PostgreSQL "
                                    + "(control_changes, dispositions) and writes dispositions onto the analysts' "
                                    + "documents. false: an empty control stream (rules and settings only).");

    public static final ConfigOption<String> KAFKA_DISPOSITIONS_TOPIC =
            ConfigOptions.key("sieve.kafka.dispositions-topic")
                    .stringType()
                    .defaultValue("invoice-dispositions")
                    .withDescription("Topic of analysts' verdicts (JSON, disposition.schema.json). Keep forever: "
                            + "a job started without a savepoint replays it from the beginning.");

    public static final ConfigOption<String> KAFKA_CONTROLS_TOPIC =
            ConfigOptions.key("sieve.kafka.controls-topic")
                    .stringType()
                    .defaultValue("invoice-sieve-controls")
                    .withDescription("Topic of runtime control changes (JSON, control.schema.json). Keep forever, "
                            + "like the dispositions topic.");

    private ControlOptions() {}
}

package io.invoicesieve.job;

import io.invoicesieve.cli.InitCommand;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.PostgresService;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.invoicesieve.job.ConnectorsTestKit.decisionRows;
import static io.invoicesieve.job.ConnectorsTestKit.documentIds;
import static io.invoicesieve.job.ConnectorsTestKit.readCommitted;
import static io.invoicesieve.job.ConnectorsTestKit.sqlLong;
import static io.invoicesieve.job.ConnectorsTestKit.sqlStrings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job fails twice mid-stream, each time after a checkpoint has completed, and restarts from it
 * (fixed-delay): PostgreSQL, the exactly-once Kafka topics and OpenSearch still hold every decision
 * exactly once. What was written before a failure and replayed after it is rewritten in place
 * (write_count > 1 shows it happened), never added.
 */
@ExtendWith({KafkaService.Extension.class, PostgresService.Extension.class, OpenSearchService.Extension.class})
class ConnectorsFailureITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void nothingLostNothingDoubledAcrossRestarts(KafkaService kafka, PostgresService postgres, OpenSearchService opensearch)
            throws Exception {
        SieveConfig config = ConnectorsTestKit.config("restarts", kafka, postgres, opensearch);
        InitCommand.init(config);
        ConnectorsTestKit.Input input = ConnectorsTestKit.input(800, 80, 40, 7);
        ConnectorsTestKit.produce(config, input);

        ConnectorsTestKit.FailAfterCheckpoint.reset(2, 3);
        StreamExecutionEnvironment env = ConnectorsTestKit.env(200, 5);
        ConnectorsTestKit.build(config, env, new ConnectorsTestKit.FailAfterCheckpoint());
        env.execute("connectors with failures");

        assertThat(ConnectorsTestKit.FailAfterCheckpoint.FAILURES.get()).isEqualTo(2);

        assertThat(sqlLong(config, "SELECT count(*) FROM decisions")).isEqualTo(input.distinctValid.size());
        // every row, read back as the decision it stands for, is valid against the contract
        assertThat(decisionRows(config)).hasSize(input.distinctValid.size());
        assertThat(new HashSet<>(sqlStrings(config, "SELECT tenant_id || ':' || invoice_id FROM decisions")))
                .isEqualTo(input.distinctValid);
        // every write audited: at least one row per decision, more where a restart replayed it
        assertThat(sqlLong(config, "SELECT count(*) FROM decision_audit"))
                .isEqualTo(sqlLong(config, "SELECT sum(write_count) FROM decisions"));

        List<ConsumerRecord<byte[], byte[]>> decisions = readCommitted(config, "restarts-decisions");
        Set<String> keys = decisions.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
        assertThat(decisions).hasSize(input.distinctValid.size());
        assertThat(keys).isEqualTo(input.distinctValid);
        assertThat(readCommitted(config, "restarts-dlq")).hasSize(input.malformed);

        Set<String> flagged = new HashSet<>(sqlStrings(config,
                "SELECT tenant_id || ':' || invoice_id FROM decisions WHERE decision IN ('REVIEW', 'HOLD')"));
        assertThat(flagged).hasSizeGreaterThan(20);
        assertThat(documentIds(config)).isEqualTo(flagged);
        assertThat(ConnectorsTestKit.documentCount(config)).isEqualTo(flagged.size());
    }
}

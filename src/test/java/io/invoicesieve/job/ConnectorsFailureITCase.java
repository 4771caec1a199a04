package io.invoicesieve.job;

import io.invoicesieve.cli.InitCommand;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.PostgresService;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import io.invoicesieve.testing.FlinkRest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static io.invoicesieve.job.ConnectorsTestKit.decisionRows;
import static io.invoicesieve.job.ConnectorsTestKit.sqlLong;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job fails twice mid-stream, each time after a checkpoint has completed, and restarts from it
 * (fixed-delay): PostgreSQL, the exactly-once Kafka topics and OpenSearch still hold every decision
 * exactly once. What was written before a failure and replayed after it is rewritten in place
 * (write_count > 1 shows it happened), never added. The two restarts are read from Flink's REST API.
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
    void nothingLostNothingDoubledAcrossRestarts(
            KafkaService kafka, PostgresService postgres, OpenSearchService opensearch, @InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        SieveConfig config = ConnectorsTestKit.config("restarts", kafka, postgres, opensearch);
        InitCommand.init(config);
        ConnectorsTestKit.Input input = ConnectorsTestKit.input(800, 80, 40, 7);
        ConnectorsTestKit.produce(config, input);

        // 10 ms a record (about 4.6 s of input per subtask), a checkpoint a second, and the failure 40
        // records (400 ms) after a completed checkpoint: the JDBC sink (flushing every 200 ms) has by then
        // written rows that the restart from that checkpoint replays, and no other checkpoint came between
        ConnectorsTestKit.FailAfterCheckpoint.reset(2, 10, 40);
        StreamExecutionEnvironment env = ConnectorsTestKit.env(1000, 5);
        ConnectorsTestKit.build(config, env, new ConnectorsTestKit.FailAfterCheckpoint());
        JobExecutionResult result = env.execute("connectors with failures");

        assertThat(ConnectorsTestKit.FailAfterCheckpoint.FAILURES.get()).isEqualTo(2);
        // the job restarted twice, each time from an injected failure (the Flink REST API's exception history)
        List<JsonNode> failures = new FlinkRest(cluster).exceptionHistory(result.getJobID());
        assertThat(failures).as("exception history").hasSize(2)
                .allSatisfy(f -> assertThat(f.path("stacktrace").asText()).contains("injected failure"));

        // exact contents of every sink: the same decision per distinct valid invoice in PostgreSQL and
        // Kafka, the OpenSearch documents exactly the flagged ones, the DLQ exactly the malformed payloads
        Map<String, String> decisions = SinkContents.assertExact(config, input, "restarts");
        assertThat(SinkContents.flagged(decisions)).hasSizeGreaterThan(20);
        // every row, read back as the decision it stands for, is valid against the contract
        assertThat(decisionRows(config)).hasSize(input.distinctValid.size());
        // what was written before a failure and replayed after it was rewritten in place, not added
        assertThat(sqlLong(config, "SELECT count(*) FROM decisions WHERE write_count > 1"))
                .as("rows rewritten by a replay").isPositive();
        assertThat(sqlLong(config, "SELECT count(*) FROM decisions")).isEqualTo(input.distinctValid.size());
        // every write audited: one audit row per write
        assertThat(sqlLong(config, "SELECT count(*) FROM decision_audit"))
                .isEqualTo(sqlLong(config, "SELECT sum(write_count) FROM decisions"));
    }
}

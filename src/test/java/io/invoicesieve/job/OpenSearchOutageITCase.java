package io.invoicesieve.job;

import io.invoicesieve.cli.InitCommand;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.testing.FlinkRest;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.PostgresService;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.invoicesieve.job.ConnectorsTestKit.decisionRows;
import static io.invoicesieve.job.ConnectorsTestKit.documentCount;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenSearch goes down while the job is writing to it and comes back (same port and data): the sink
 * fails the job (seen in Flink's exception history, through the REST API), the restart strategy
 * restarts it from the last checkpoint until the node answers again, and when the job has caught up
 * every REVIEW/HOLD decision is indexed exactly once, and PostgreSQL and the exactly-once Kafka topics
 * are complete and undoubled: the exact sets of documents, rows and records are compared.
 */
@ExtendWith({KafkaService.Extension.class, PostgresService.Extension.class, OpenSearchService.Extension.class})
class OpenSearchOutageITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void catchesUpAfterOutage(KafkaService kafka, PostgresService postgres, OpenSearchService opensearch,
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        SieveConfig config = ConnectorsTestKit.config("outage", kafka, postgres, opensearch);
        InitCommand.init(config);
        ConnectorsTestKit.Input input = ConnectorsTestKit.input(800, 40, 20, 11);
        ConnectorsTestKit.produce(config, input);
        FlinkRest rest = new FlinkRest(cluster);

        // slow enough (about 8 s of input per subtask) to take the node down mid-stream
        ConnectorsTestKit.FailAfterCheckpoint.reset(0, 20);
        StreamExecutionEnvironment env = ConnectorsTestKit.env(300, 200);
        ConnectorsTestKit.build(config, env, new ConnectorsTestKit.FailAfterCheckpoint());
        JobClient job = env.executeAsync("connectors with an OpenSearch outage");

        long indexedBefore;
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (documentCount(config) == 0) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                ConnectorsTestKit.sleep(100);
            }
            indexedBefore = documentCount(config);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertThat(rest.exceptionHistory(job.getJobID())).as("no failure before the outage").isEmpty();
            opensearch.stop();
            // the sink fails the job (no sleep and hope): wait until Flink records the failure
            deadline = System.currentTimeMillis() + 60_000;
            while (sinkFailures(rest, job.getJobID()).isEmpty()) {
                assertThat(System.currentTimeMillis()).as("the OpenSearch sink failed the job").isLessThan(deadline);
                assertThat(job.getJobStatus().get()).isNotEqualTo(JobStatus.FINISHED);
                ConnectorsTestKit.sleep(100);
            }
        } finally {
            opensearch.start();
        }
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

        // every failure the job restarted from was the OpenSearch sink's
        List<JsonNode> failures = rest.exceptionHistory(job.getJobID());
        assertThat(failures).isNotEmpty();
        assertThat(sinkFailures(rest, job.getJobID())).hasSameSizeAs(failures);

        // nothing lost, nothing doubled: the exact contents of every sink, sink against sink and input
        Map<String, String> decisions = SinkContents.assertExact(config, input, "outage");
        assertThat(indexedBefore).as("documents indexed before the outage").isLessThan(SinkContents.flagged(decisions).size());
        // every row, read back as the decision it stands for, is valid against the contract
        assertThat(decisionRows(config)).hasSize(input.distinctValid.size());
    }

    /** The failures of the job's exception history that came from the OpenSearch sink. */
    private static List<JsonNode> sinkFailures(FlinkRest rest, JobID job) throws Exception {
        return rest.exceptionHistory(job).stream()
                .filter(f -> f.path("stacktrace").asText().contains("org.apache.flink.connector.opensearch.sink"))
                .toList();
    }
}

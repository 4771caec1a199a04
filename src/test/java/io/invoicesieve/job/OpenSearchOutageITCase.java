package io.invoicesieve.job;

import io.invoicesieve.cli.InitCommand;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.PostgresService;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.invoicesieve.job.ConnectorsTestKit.decisionRows;
import static io.invoicesieve.job.ConnectorsTestKit.documentCount;
import static io.invoicesieve.job.ConnectorsTestKit.documentIds;
import static io.invoicesieve.job.ConnectorsTestKit.readCommitted;
import static io.invoicesieve.job.ConnectorsTestKit.sqlLong;
import static io.invoicesieve.job.ConnectorsTestKit.sqlStrings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenSearch goes down while the job is writing to it and comes back (same port and data): the sink
 * fails the job, the restart strategy restarts it from the last checkpoint until the node answers
 * again, and when the job has caught up every REVIEW/HOLD decision is indexed exactly once, and
 * PostgreSQL and the exactly-once Kafka topics are complete and undoubled.
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
    void catchesUpAfterOutage(KafkaService kafka, PostgresService postgres, OpenSearchService opensearch) throws Exception {
        SieveConfig config = ConnectorsTestKit.config("outage", kafka, postgres, opensearch);
        InitCommand.init(config);
        ConnectorsTestKit.Input input = ConnectorsTestKit.input(800, 40, 20, 11);
        ConnectorsTestKit.produce(config, input);

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
            opensearch.stop();
            ConnectorsTestKit.sleep(5_000);
            assertThat(job.getJobStatus().get()).isNotEqualTo(JobStatus.FINISHED);
        } finally {
            opensearch.start();
        }
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

        Set<String> flagged = new HashSet<>(sqlStrings(config,
                "SELECT tenant_id || ':' || invoice_id FROM decisions WHERE decision IN ('REVIEW', 'HOLD')"));
        assertThat(indexedBefore).isLessThan(flagged.size());
        assertThat(documentIds(config)).isEqualTo(flagged);
        assertThat(documentCount(config)).isEqualTo(flagged.size());
        assertThat(sqlLong(config, "SELECT count(*) FROM decisions")).isEqualTo(input.distinctValid.size());
        // every row, read back as the decision it stands for, is valid against the contract
        assertThat(decisionRows(config)).hasSize(input.distinctValid.size());
        List<ConsumerRecord<byte[], byte[]>> decisions = readCommitted(config, "outage-decisions");
        Set<String> keys = decisions.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
        assertThat(decisions).hasSize(input.distinctValid.size());
        assertThat(keys).isEqualTo(input.distinctValid);
        assertThat(readCommitted(config, "outage-dlq")).hasSize(input.malformed);
    }
}

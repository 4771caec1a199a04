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
import static io.invoicesieve.job.ConnectorsTestKit.documentCount;
import static io.invoicesieve.job.ConnectorsTestKit.documentIds;
import static io.invoicesieve.job.ConnectorsTestKit.readCommitted;
import static io.invoicesieve.job.ConnectorsTestKit.sqlLong;
import static io.invoicesieve.job.ConnectorsTestKit.sqlStrings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production wiring against real Kafka, PostgreSQL and OpenSearch: valid, malformed and replayed
 * invoices in; one decision row per distinct valid invoice, every malformed record in the DLQ, one
 * document per REVIEW/HOLD invoice out. Also: init is idempotent.
 */
@ExtendWith({KafkaService.Extension.class, PostgresService.Extension.class, OpenSearchService.Extension.class})
class ConnectorsEndToEndITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void everyInvoiceDecidedOnceInEverySink(KafkaService kafka, PostgresService postgres, OpenSearchService opensearch)
            throws Exception {
        SieveConfig config = ConnectorsTestKit.config("e2e", kafka, postgres, opensearch);
        List<String> first = InitCommand.init(config);
        List<String> second = InitCommand.init(config);
        assertThat(first).anyMatch(l -> l.contains("applied schema versions [1, 2, 3, 4]"));
        assertThat(second).anyMatch(l -> l.contains("schema up to date"))
                .anyMatch(l -> l.contains("topic e2e-invoices exists"))
                .anyMatch(l -> l.contains("alias e2e-flagged exists"));

        ConnectorsTestKit.Input input = ConnectorsTestKit.input(800, 80, 40, 42);
        ConnectorsTestKit.produce(config, input);

        long started = System.currentTimeMillis();
        StreamExecutionEnvironment env = ConnectorsTestKit.env(300, 0);
        ConnectorsTestKit.build(config, env, null);
        env.execute("connectors e2e");

        // PostgreSQL: exactly one decision (and invoice) per distinct valid invoice, each written once.
        assertThat(sqlLong(config, "SELECT count(*) FROM decisions")).isEqualTo(input.distinctValid.size());
        // every row, read back as the decision it stands for, is valid against the contract
        assertThat(decisionRows(config)).hasSize(input.distinctValid.size());
        assertThat(sqlLong(config, "SELECT count(*) FROM invoices")).isEqualTo(input.distinctValid.size());
        assertThat(new HashSet<>(sqlStrings(config, "SELECT tenant_id || ':' || invoice_id FROM decisions")))
                .isEqualTo(input.distinctValid);
        assertThat(sqlLong(config, "SELECT max(write_count) FROM decisions")).isEqualTo(1);
        assertThat(sqlLong(config, "SELECT count(*) FROM decision_audit")).isEqualTo(input.distinctValid.size());
        // the runbook query
        assertThat(sqlStrings(config, "SELECT decision || ' ' || risk_score FROM decisions WHERE invoice_id = 'acme-000024'"))
                .singleElement().asString().startsWith("HOLD");
        assertThat(sqlLong(config, "SELECT count(*) FROM decisions WHERE 'DUPLICATE_EXACT' = ANY (reason_codes)"
                + " AND reasons @> '[{\"code\":\"DUPLICATE_EXACT\"}]' AND evidence ? 'DUPLICATE_EXACT'")).isGreaterThan(20);

        // Kafka: exactly-once decisions topic and a DLQ with every malformed record.
        List<ConsumerRecord<byte[], byte[]>> decisions = readCommitted(config, "e2e-decisions");
        Set<String> keys = decisions.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
        assertThat(decisions).hasSize(input.distinctValid.size());
        assertThat(keys).isEqualTo(input.distinctValid);
        // record time = decided_at, not the (months old) event time, which retention would delete
        assertThat(decisions).allSatisfy(r -> assertThat(r.timestamp()).isGreaterThanOrEqualTo(started));
        List<ConsumerRecord<byte[], byte[]>> dlq = readCommitted(config, "e2e-dlq");
        assertThat(dlq).hasSize(input.malformed);
        assertThat(dlq).allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains("\"origin\":\"kafka:e2e-invoices/"));

        // OpenSearch: one document per REVIEW/HOLD decision, id tenant:invoice_id.
        Set<String> flagged = new HashSet<>(sqlStrings(config,
                "SELECT tenant_id || ':' || invoice_id FROM decisions WHERE decision IN ('REVIEW', 'HOLD')"));
        assertThat(flagged).hasSizeGreaterThan(20);
        assertThat(documentCount(config)).isEqualTo(flagged.size());
        assertThat(documentIds(config)).isEqualTo(flagged);
    }
}

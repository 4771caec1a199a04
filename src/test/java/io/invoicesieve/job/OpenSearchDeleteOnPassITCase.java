package io.invoicesieve.job;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.sinks.OpenSearchDecisionSink;
import io.invoicesieve.sinks.OpenSearchIndex;
import io.invoicesieve.testing.OpenSearchService;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.invoicesieve.job.ConnectorsTestKit.documentIds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * sieve.opensearch.delete-on-pass against a real node: an invoice flagged by one scoring and passed by
 * a later one (a re-scoring with other thresholds, a fixed detector) leaves the analysts' index; a
 * PASS of an invoice that was never indexed is a no-op, not a failure.
 */
@ExtendWith(OpenSearchService.Extension.class)
class OpenSearchDeleteOnPassITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void aPassRemovesTheDocumentOfAnInvoiceFlaggedBefore(OpenSearchService opensearch) throws Exception {
        SieveConfig config = SieveConfig.of(Map.of(
                ConnectorOptions.OPENSEARCH_HOSTS.key(), opensearch.httpUrl(),
                ConnectorOptions.OPENSEARCH_INDEX.key(), "pass-deletes-flagged",
                ConnectorOptions.OPENSEARCH_REPLICAS.key(), "0"));
        OpenSearchIndex.apply(config);

        write(config, List.of(
                decision("a-1", DecisionType.REVIEW), decision("a-2", DecisionType.HOLD), decision("a-3", DecisionType.REVIEW)));
        assertThat(documentIds(config)).containsExactlyInAnyOrder("acme:a-1", "acme:a-2", "acme:a-3");

        write(config, List.of(
                decision("a-1", DecisionType.PASS), decision("a-3", DecisionType.PASS), decision("never-flagged", DecisionType.PASS)));
        assertThat(documentIds(config)).as("the passed invoices left the index").containsExactly("acme:a-2");
    }

    private static void write(SieveConfig config, List<Decision> decisions) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromData(decisions, TypeInformation.of(Decision.class))
                .sinkTo(OpenSearchDecisionSink.create(config))
                .name("OpenSearch");
        env.execute("delete on pass");
    }

    private static Decision decision(String id, DecisionType type) {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = id;
        d.vendorId = "V-1001";
        d.invoiceNumber = "INV-" + id;
        d.invoiceDate = LocalDate.of(2026, 3, 2);
        d.amount = "1250.00";
        d.currency = "EUR";
        d.eventTime = Instant.parse("2026-03-02T10:00:00Z");
        d.decision = type;
        d.riskScore = type == DecisionType.PASS ? 0.0 : 0.6;
        d.reasons = type == DecisionType.PASS ? new Reason[0]
                : new Reason[] {new Reason(ReasonCode.BANK_CHANGE, 0.6, "Remit account never seen", new Evidence())};
        d.matchedInvoiceIds = new String[0];
        d.traceId = InvoiceParser.traceId("acme", id);
        d.decidedAt = Instant.parse("2026-03-02T10:00:05Z");
        d.modelVersion = "rules-1";
        d.jobVersion = "test";
        d.remitAccount = "****3000";
        d.source = "edi";
        return d;
    }
}

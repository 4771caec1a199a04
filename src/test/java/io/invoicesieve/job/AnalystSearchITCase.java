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
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.invoicesieve.job.ConnectorsTestKit.documentCount;
import static io.invoicesieve.job.ConnectorsTestKit.opensearch;
import static io.invoicesieve.job.ConnectorsTestKit.search;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The analysts' searches against a real node, on documents written by the OpenSearch sink into the
 * index that init's template lays out: by vendor, by reason code, by amount range, by date range,
 * free text in the description, HOLD only. Written twice: ids are deterministic, so still 5 documents.
 */
@ExtendWith(OpenSearchService.Extension.class)
class AnalystSearchITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    static SieveConfig config;

    @BeforeAll
    static void indexDecisions(OpenSearchService opensearch) throws Exception {
        config = SieveConfig.of(Map.of(
                ConnectorOptions.OPENSEARCH_HOSTS.key(), opensearch.httpUrl(),
                ConnectorOptions.OPENSEARCH_INDEX.key(), "search-flagged",
                ConnectorOptions.OPENSEARCH_REPLICAS.key(), "0"));
        OpenSearchIndex.apply(config);
        OpenSearchIndex.apply(config); // idempotent

        List<Decision> decisions = new ArrayList<>();
        decisions.add(decision("acme", "a-1", "V-1001", DecisionType.HOLD, "1250.00", "2026-03-02",
                "Consulting services October", ReasonCode.DUPLICATE_EXACT, "Same number and amount as a-0"));
        decisions.add(decision("acme", "a-2", "V-1002", DecisionType.REVIEW, "98000.00", "2026-03-15",
                "Freight charges pallet transport", ReasonCode.AMOUNT_ANOMALY, "Amount 40x the vendor median"));
        decisions.add(decision("globex", "g-1", "V-1001", DecisionType.REVIEW, "420.50", "2026-04-01",
                "Office supplies and toner", ReasonCode.BANK_CHANGE, "Remit account never seen for this vendor"));
        decisions.add(decision("globex", "g-2", "V-2000", DecisionType.HOLD, "15000.00", "2026-04-20",
                "Consulting retainer April", ReasonCode.BANK_SHARED, "Account used by vendor V-2001"));
        decisions.get(3).reasons = new Reason[] {decisions.get(3).reasons[0],
                new Reason(ReasonCode.AMOUNT_ANOMALY, 0.5, "Amount 12x the vendor median", new Evidence())};
        decisions.add(decision("acme", "a-3", "V-1001", DecisionType.REVIEW, "300.00", "2026-05-05",
                "Catering for quarterly meeting", ReasonCode.LOW_CONFIDENCE, "Extraction confidence 0.41"));
        List<Decision> twice = new ArrayList<>(decisions);
        twice.addAll(decisions);

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.fromData(twice, TypeInformation.of(Decision.class))
                .sinkTo(OpenSearchDecisionSink.create(config))
                .name("OpenSearch");
        env.execute("analyst search fixtures");
        assertThat(documentCount(config)).isEqualTo(5);
    }

    @Test
    void byVendor() throws Exception {
        assertThat(search(config, "{\"query\":{\"term\":{\"vendor_id\":\"V-1001\"}}}"))
                .containsExactlyInAnyOrder("acme:a-1", "globex:g-1", "acme:a-3");
    }

    @Test
    void byReasonCode() throws Exception {
        assertThat(search(config,
                        "{\"query\":{\"nested\":{\"path\":\"reasons\",\"query\":{\"term\":{\"reasons.code\":\"AMOUNT_ANOMALY\"}}}}}"))
                .containsExactlyInAnyOrder("acme:a-2", "globex:g-2");
        // the flat copy the dashboards aggregate on finds the same
        assertThat(search(config, "{\"query\":{\"term\":{\"reason_codes\":\"AMOUNT_ANOMALY\"}}}"))
                .containsExactlyInAnyOrder("acme:a-2", "globex:g-2");
        // nested: code and detail of the same reason
        assertThat(search(config, "{\"query\":{\"nested\":{\"path\":\"reasons\",\"query\":{\"bool\":{\"must\":["
                        + "{\"term\":{\"reasons.code\":\"BANK_SHARED\"}},{\"match\":{\"reasons.detail\":\"median\"}}]}}}}}"))
                .isEmpty();
    }

    @Test
    void byAmountRange() throws Exception {
        assertThat(search(config, "{\"query\":{\"range\":{\"amount\":{\"gte\":1000,\"lte\":20000}}}}"))
                .containsExactlyInAnyOrder("acme:a-1", "globex:g-2");
    }

    @Test
    void byDateRange() throws Exception {
        assertThat(search(config, "{\"query\":{\"range\":{\"invoice_date\":{\"gte\":\"2026-03-10\",\"lte\":\"2026-04-10\"}}}}"))
                .containsExactlyInAnyOrder("acme:a-2", "globex:g-1");
    }

    @Test
    void freeTextInDescription() throws Exception {
        assertThat(search(config, "{\"query\":{\"match\":{\"description\":\"CONSULTING\"}}}"))
                .containsExactlyInAnyOrder("acme:a-1", "globex:g-2");
        assertThat(search(config, "{\"query\":{\"match\":{\"description\":{\"query\":\"pallet freight\",\"operator\":\"and\"}}}}"))
                .containsExactly("acme:a-2");
    }

    @Test
    void holdOnly() throws Exception {
        assertThat(search(config, "{\"query\":{\"term\":{\"decision\":\"HOLD\"}}}"))
                .containsExactlyInAnyOrder("acme:a-1", "globex:g-2");
    }

    @Test
    void mappingComesFromTheTemplate() throws Exception {
        String mapping = opensearch(config, "GET", "/search-flagged/_mapping", null);
        assertThat(mapping).contains("\"reasons\":{\"type\":\"nested\"")
                // ignore_above: a keyword over 32,766 bytes would fail the bulk (and the job on every restart)
                .contains("\"vendor_id\":{\"type\":\"keyword\",\"ignore_above\":8191}")
                .contains("\"invoice_date\":{\"type\":\"date\"");
    }

    private static Decision decision(String tenant, String id, String vendor, DecisionType type, String amount,
            String date, String description, ReasonCode code, String detail) {
        Decision d = new Decision();
        d.tenantId = tenant;
        d.invoiceId = id;
        d.vendorId = vendor;
        d.invoiceNumber = "INV-" + id;
        d.invoiceDate = LocalDate.parse(date);
        d.amount = amount;
        d.currency = "EUR";
        d.eventTime = Instant.parse(date + "T10:00:00Z");
        d.decision = type;
        d.riskScore = type == DecisionType.HOLD ? 0.9 : 0.6;
        d.reasons = new Reason[] {new Reason(code, d.riskScore, detail, new Evidence())};
        d.matchedInvoiceIds = new String[0];
        d.traceId = InvoiceParser.traceId(tenant, id);
        d.decidedAt = Instant.parse(date + "T10:00:05Z");
        d.modelVersion = "rules-1";
        d.jobVersion = "test";
        d.description = description;
        d.remitAccount = "****3000"; // masked, as InvoiceScorer hands it to the sinks
        d.source = "edi";
        return d;
    }
}

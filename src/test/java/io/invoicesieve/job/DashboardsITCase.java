package io.invoicesieve.job;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.serde.DecisionJson;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.sinks.OpenSearchIndex;
import io.invoicesieve.testing.ContractSchemas;
import io.invoicesieve.testing.OpenSearchService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.invoicesieve.job.ConnectorsTestKit.opensearch;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The saved objects of jobs/invoice-sieve/dashboards/invoice-sieve.ndjson against a real OpenSearch
 * node (no Dashboards server here): every index pattern's fields exist in the index the template lays
 * out, with the same type; the saved search's columns too; and each visualization's aggregation (its
 * aggs as OpenSearch Dashboards would send them, its query, the index pattern's time field) runs on
 * documents written by the job's document writer, with the expected buckets: vendors per currency,
 * HOLD totals, the risk histogram, and event-time views that put a backfill in its own month.
 */
@ExtendWith(OpenSearchService.Extension.class)
class DashboardsITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAVED_OBJECTS =
            ContractSchemas.repositoryRoot().resolve("jobs/invoice-sieve/dashboards/invoice-sieve.ndjson");
    private static final Instant NOW = Instant.now();
    private static final LocalDate BACKFILL = LocalDate.parse("2025-06-10");

    static SieveConfig config;
    static String index;
    static Map<String, JsonNode> objects = new HashMap<>();

    @BeforeAll
    static void indexDocuments(OpenSearchService node) throws Exception {
        config = SieveConfig.of(Map.of(
                ConnectorOptions.OPENSEARCH_HOSTS.key(), node.httpUrl(),
                ConnectorOptions.OPENSEARCH_INDEX.key(), "dash-flagged",
                ConnectorOptions.OPENSEARCH_REPLICAS.key(), "0"));
        index = config.get(ConnectorOptions.OPENSEARCH_INDEX);
        OpenSearchIndex.apply(config);
        List<Decision> docs = List.of(
                decision("d-1", "V-1", DecisionType.HOLD, "1000.00", "EUR", 0.97, BACKFILL),
                decision("d-2", "V-1", DecisionType.REVIEW, "500.00", "EUR", 0.65, BACKFILL),
                decision("d-3", "V-2", DecisionType.HOLD, "3000.00", "EUR", 0.9, LocalDate.now(ZoneOffset.UTC)),
                decision("d-4", "V-3", DecisionType.HOLD, "700.00", "USD", 0.85, LocalDate.now(ZoneOffset.UTC)),
                decision("d-5", "V-1", DecisionType.REVIEW, "90.00", "USD", 0.55, LocalDate.now(ZoneOffset.UTC)));
        StringBuilder bulk = new StringBuilder();
        for (Decision d : docs) {
            String doc = new String(DecisionJson.toDocumentBytes(d), StandardCharsets.UTF_8);
            ContractSchemas.assertValidOpenSearchDocument(doc);
            bulk.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"acme:").append(d.invoiceId)
                    .append("\"}}\n").append(doc).append('\n');
        }
        opensearch(config, "POST", "/_bulk?refresh=true", bulk.toString());
        // a disposition, as the disposition sink writes it
        opensearch(config, "POST", "/" + index + "/_update/acme:d-2?refresh=true",
                "{\"doc\":{\"disposition\":\"NOT_DUPLICATE\",\"disposition_by\":\"ana\",\"disposition_at\":\"" + NOW + "\"}}");
        for (String line : Files.readAllLines(SAVED_OBJECTS)) {
            JsonNode o = JSON.readTree(line);
            objects.put(o.path("id").asText(), o);
        }
    }

    private static Decision decision(String id, String vendor, DecisionType type, String amount, String currency,
            double risk, LocalDate day) {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = id;
        d.vendorId = vendor;
        d.invoiceNumber = "INV-" + id;
        d.invoiceDate = day;
        d.amount = amount;
        d.currency = currency;
        d.eventTime = day.atTime(10, 0).toInstant(ZoneOffset.UTC);
        d.decision = type;
        d.riskScore = risk;
        Evidence e = new Evidence();
        e.matchedInvoiceIds = new String[] {"o-" + id};
        e.matchedInvoiceNumbers = new String[] {"INV-o-" + id};
        e.matchedInvoiceDates = new String[] {day.minusDays(3).toString()};
        d.reasons = new Reason[] {new Reason(ReasonCode.DUPLICATE_SUSPECT, risk, "Invoice number INV-" + id + " matches", e)};
        d.matchedInvoiceIds = e.matchedInvoiceIds;
        d.traceId = InvoiceParser.traceId("acme", id);
        d.decidedAt = NOW;
        d.modelVersion = "rules-1";
        d.jobVersion = "test";
        d.remitAccount = "****3000";
        d.source = "edi";
        return d;
    }

    private static JsonNode mapping() throws Exception {
        JsonNode m = JSON.readTree(opensearch(config, "GET", "/" + index + "/_mapping", null));
        return m.elements().next().path("mappings").path("properties");
    }

    @Test
    void indexPatternFieldsAndSearchColumnsExistInTheIndex() throws Exception {
        JsonNode properties = mapping();
        int patterns = 0;
        for (JsonNode o : objects.values()) {
            if (o.path("type").asText().equals("index-pattern")) {
                patterns++;
                JsonNode a = o.path("attributes");
                assertThat(properties.path(a.path("timeFieldName").asText()).path("type").asText())
                        .as("time field of " + o.path("id").asText()).isEqualTo("date");
                for (JsonNode f : JSON.readTree(a.path("fields").asText())) {
                    String name = f.path("name").asText();
                    assertThat(properties.has(name)).as("index pattern field " + name).isTrue();
                    assertThat(f.path("esTypes").get(0).asText()).as(name).isEqualTo(properties.path(name).path("type").asText());
                }
            }
        }
        assertThat(patterns).isEqualTo(2);
        JsonNode search = objects.get("invoice-sieve-hold-review");
        for (JsonNode c : search.path("attributes").path("columns")) {
            assertThat(properties.has(c.asText())).as("saved search column " + c.asText()).isTrue();
        }
        assertThat(search.path("attributes").path("columns").toString())
                .contains("reason_details", "matched_invoice_numbers", "matched_invoice_dates", "remit_account", "disposition");
    }

    @Test
    void everyVisualizationRunsOnTheNode() throws Exception {
        int n = 0;
        for (JsonNode o : objects.values()) {
            if (o.path("type").asText().equals("visualization")) {
                JsonNode result = run(o);
                assertThat(result.path("hits").path("total").path("value").asLong())
                        .as(o.path("id").asText()).isPositive();
                assertThat(result.path("aggregations").path("2").isMissingNode()
                        && result.path("aggregations").path("3").isMissingNode()
                        && result.path("aggregations").path("4").isMissingNode())
                        .as("buckets of " + o.path("id").asText()).isFalse();
                n++;
            }
        }
        assertThat(n).isEqualTo(7);
    }

    @Test
    void theFiguresAreTheOnesAnAnalystExpects() throws Exception {
        // HOLD totals per currency
        JsonNode hold = run(objects.get("invoice-sieve-hold-totals")).path("aggregations").path("3").path("buckets");
        Map<String, Double> totals = new HashMap<>();
        hold.forEach(b -> totals.put(b.path("key").asText(), b.path("1").path("value").asDouble()));
        assertThat(totals).containsEntry("EUR", 4000.0).containsEntry("USD", 700.0).hasSize(2);

        // vendors ranked by flagged amount within each currency: never EUR + USD
        JsonNode perCurrency = run(objects.get("invoice-sieve-top-vendors-amount")).path("aggregations").path("4").path("buckets");
        Map<String, String> topVendor = new HashMap<>();
        perCurrency.forEach(b -> topVendor.put(b.path("key").asText(), b.path("2").path("buckets").get(0).path("key").asText()
                + "=" + b.path("2").path("buckets").get(0).path("1").path("value").asDouble()));
        assertThat(topVendor).containsEntry("EUR", "V-2=3000.0").containsEntry("USD", "V-3=700.0");

        // the event-time view puts the backfill in June 2025; the decided_at view puts everything now
        List<String> eventMonths = months(run(objects.get("invoice-sieve-flagged-by-event-time")));
        assertThat(eventMonths).contains("2025-06", YearMonth.now(ZoneOffset.UTC).toString());
        assertThat(months(run(objects.get("invoice-sieve-decisions-over-time"))))
                .containsOnly(YearMonth.now(ZoneOffset.UTC).toString());

        // risk histogram: 5 documents in 0.05 bins from 0 to 1
        JsonNode bins = run(objects.get("invoice-sieve-risk-histogram")).path("aggregations").path("2").path("buckets");
        assertThat(bins.size()).isEqualTo(21);
        long total = 0;
        for (JsonNode b : bins) {
            total += b.path("doc_count").asLong();
        }
        assertThat(total).isEqualTo(5);

        // dispositions
        JsonNode disp = run(objects.get("invoice-sieve-dispositions")).path("aggregations").path("2").path("buckets");
        assertThat(disp.get(0).path("key").asText()).isEqualTo("NOT_DUPLICATE");
    }

    private static List<String> months(JsonNode result) {
        List<String> months = new ArrayList<>();
        for (JsonNode b : result.path("aggregations").path("2").path("buckets")) {
            if (b.path("doc_count").asLong() > 0) {
                months.add(b.path("key_as_string").asText().substring(0, 7));
            }
        }
        return months;
    }

    /**
     * The visualization's request: its query (kuery of field:value terms, as query_string), a time
     * range on its index pattern's time field (the last two years), bucket aggs nested in their order
     * (split rows, buckets, segment, group), the metric aggs under each bucket level, terms ordered by
     * metric "1" (or the count).
     */
    private static JsonNode run(JsonNode vis) throws Exception {
        JsonNode attributes = vis.path("attributes");
        JsonNode state = JSON.readTree(attributes.path("visState").asText());
        JsonNode source = JSON.readTree(attributes.path("kibanaSavedObjectMeta").path("searchSourceJSON").asText());
        String patternId = vis.path("references").get(0).path("id").asText();
        String timeField = objects.get(patternId).path("attributes").path("timeFieldName").asText();

        ObjectNode body = JSON.createObjectNode();
        body.put("size", 0);
        ArrayNode must = body.putObject("query").putObject("bool").putArray("must");
        must.addObject().putObject("range").putObject(timeField).put("gte", "now-2y").put("lte", "now+1d");
        String kuery = source.path("query").path("query").asText("");
        if (!kuery.isBlank()) {
            must.addObject().putObject("query_string").put("query", kuery.replace(" or ", " OR ").replace(" and ", " AND "));
        }
        List<JsonNode> buckets = new ArrayList<>();
        List<JsonNode> metrics = new ArrayList<>();
        for (String schema : List.of("split", "bucket", "segment", "group")) {
            for (JsonNode agg : state.path("aggs")) {
                if (agg.path("schema").asText().equals(schema)) {
                    buckets.add(agg);
                }
            }
        }
        for (JsonNode agg : state.path("aggs")) {
            if (agg.path("schema").asText().equals("metric")) {
                metrics.add(agg);
            }
        }
        boolean firstMetricIsCount = metrics.get(0).path("type").asText().equals("count");
        ObjectNode level = body.putObject("aggs");
        for (JsonNode agg : buckets) {
            ObjectNode a = level.putObject(agg.path("id").asText());
            JsonNode p = agg.path("params");
            switch (agg.path("type").asText()) {
                case "terms": {
                    ObjectNode t = a.putObject("terms");
                    t.put("field", p.path("field").asText());
                    t.put("size", p.path("size").asInt(10));
                    t.putObject("order").put(p.path("orderBy").asText().equals("1") && !firstMetricIsCount ? "1" : "_count",
                            p.path("order").asText("desc"));
                    break;
                }
                case "date_histogram": {
                    ObjectNode h = a.putObject("date_histogram");
                    h.put("field", p.path("field").asText());
                    h.put("calendar_interval", p.path("interval").asText().equals("auto") ? "month" : p.path("interval").asText());
                    h.put("min_doc_count", p.path("min_doc_count").asInt(0));
                    break;
                }
                case "histogram": {
                    ObjectNode h = a.putObject("histogram");
                    h.put("field", p.path("field").asText());
                    h.put("interval", p.path("interval").asDouble());
                    h.put("min_doc_count", 0);
                    if (p.has("extended_bounds") && p.path("extended_bounds").has("min")) {
                        h.putObject("extended_bounds").put("min", p.path("extended_bounds").path("min").asDouble())
                                .put("max", p.path("extended_bounds").path("max").asDouble());
                    }
                    break;
                }
                default:
                    throw new AssertionError("aggregation type the test does not translate: " + agg);
            }
            level = a.putObject("aggs");
            // as Dashboards sends them: the metrics under every bucket level (terms are ordered by them)
            for (JsonNode m : metrics) {
                String type = m.path("type").asText();
                if (!type.equals("count")) {
                    level.putObject(m.path("id").asText()).putObject(type).put("field", m.path("params").path("field").asText());
                }
            }
        }
        return JSON.readTree(opensearch(config, "POST", "/" + index + "/_search", body.toString()));
    }
}

package io.invoicesieve.sinks;

import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Reason;

import org.apache.flink.connector.opensearch.sink.RequestIndexer;
import org.junit.jupiter.api.Test;
import org.opensearch.action.DocWriteRequest;
import org.opensearch.action.delete.DeleteRequest;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.update.UpdateRequest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenSearch emitter: REVIEW and HOLD replace the document {@code tenant_id:invoice_id}, PASS
 * (fed with sieve.opensearch.delete-on-pass) deletes it, so that an invoice flagged by an earlier
 * scoring and passed by a later one leaves the analysts' index. OpenSearchDeleteOnPassITCase shows
 * the same against a real node.
 */
class OpenSearchEmitterTest {

    private static Decision decision(DecisionType type) {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = "a-1";
        d.vendorId = "V-1";
        d.invoiceNumber = "INV-1";
        d.invoiceDate = LocalDate.of(2026, 3, 2);
        d.amount = "1250.00";
        d.currency = "EUR";
        d.eventTime = Instant.parse("2026-03-02T09:00:00Z");
        d.decision = type;
        d.riskScore = type == DecisionType.PASS ? 0.0 : 0.6;
        d.reasons = new Reason[0];
        d.matchedInvoiceIds = new String[0];
        d.traceId = "t";
        d.decidedAt = Instant.parse("2026-03-02T09:00:01Z");
        d.modelVersion = "rules-1";
        d.jobVersion = "test";
        return d;
    }

    private static List<DocWriteRequest<?>> emit(Decision d) {
        List<DocWriteRequest<?>> requests = new ArrayList<>();
        RequestIndexer indexer = new RequestIndexer() {
            @Override
            public void add(DeleteRequest... r) {
                requests.addAll(List.of(r));
            }

            @Override
            public void add(IndexRequest... r) {
                requests.addAll(List.of(r));
            }

            @Override
            public void add(UpdateRequest... r) {
                requests.addAll(List.of(r));
            }
        };
        new OpenSearchDecisionSink.Emitter("flagged").emit(d, null, indexer);
        return requests;
    }

    @Test
    void flaggedDecisionsReplaceTheirDocument() {
        for (DecisionType type : List.of(DecisionType.REVIEW, DecisionType.HOLD)) {
            List<DocWriteRequest<?>> requests = emit(decision(type));
            assertThat(requests).singleElement().isInstanceOf(IndexRequest.class);
            IndexRequest index = (IndexRequest) requests.get(0);
            assertThat(index.index()).isEqualTo("flagged");
            assertThat(index.id()).isEqualTo("acme:a-1");
            assertThat(index.source().utf8ToString()).contains("\"decision\":\"" + type + "\"");
        }
    }

    @Test
    void aPassDeletesTheDocumentOfTheInvoice() {
        List<DocWriteRequest<?>> requests = emit(decision(DecisionType.PASS));
        assertThat(requests).singleElement().isInstanceOf(DeleteRequest.class);
        assertThat(requests.get(0).index()).isEqualTo("flagged");
        assertThat(requests.get(0).id()).isEqualTo("acme:a-1");
    }

    @Test
    void theDocumentIsTheDecisionJson() {
        assertThat(new String(OpenSearchDecisionSink.document(decision(DecisionType.HOLD)), StandardCharsets.UTF_8))
                .contains("\"tenant_id\":\"acme\"", "\"invoice_id\":\"a-1\"");
    }
}

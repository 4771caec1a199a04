package io.invoicesieve.sinks;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;
import io.invoicesieve.serde.DecisionJson;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.opensearch.sink.FlushBackoffType;
import org.apache.flink.connector.opensearch.sink.Opensearch2Sink;
import org.apache.flink.connector.opensearch.sink.Opensearch2SinkBuilder;
import org.apache.flink.connector.opensearch.sink.OpensearchEmitter;
import org.apache.flink.connector.opensearch.sink.RequestIndexer;
import org.apache.http.HttpHost;
import org.opensearch.action.delete.DeleteRequest;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.common.xcontent.XContentType;

import java.util.Arrays;

/**
 * REVIEW and HOLD decisions into the analysts' OpenSearch index (PASS decisions, when the pipeline
 * feeds them, delete their id: see {@link ConnectorOptions#OPENSEARCH_DELETE_ON_PASS}). Each decision is an index request with the deterministic id
 * {@code tenant_id:invoice_id}, so writing it again (restart, replay, catching up after an outage)
 * replaces the same document. Bulks are flushed by count, size, interval and on every checkpoint
 * (at-least-once); rejected bulks are retried with backoff; any other failure, an unreachable node
 * included, fails the job, whose restart strategy and checkpoint replay re-send what was not
 * acknowledged.
 */
public final class OpenSearchDecisionSink {

    private OpenSearchDecisionSink() {}

    public static Opensearch2Sink<Decision> create(SieveConfig config) {
        Opensearch2SinkBuilder<Decision> builder =
                new Opensearch2SinkBuilder<Decision>()
                        .setHosts(hosts(config))
                        .setEmitter(new Emitter(config.get(ConnectorOptions.OPENSEARCH_INDEX)))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .setBulkFlushMaxActions(config.get(ConnectorOptions.OPENSEARCH_BULK_MAX_ACTIONS))
                        .setBulkFlushMaxSizeMb(config.get(ConnectorOptions.OPENSEARCH_BULK_MAX_SIZE_MB))
                        .setBulkFlushInterval(config.millis(ConnectorOptions.OPENSEARCH_BULK_INTERVAL))
                        // credentials (the password resolved when the writer opens) and TLS trust
                        .setRestClientFactory(OpenSearchClients.of(config));
        FlushBackoffType backoff = FlushBackoffType.valueOf(config.get(ConnectorOptions.OPENSEARCH_BACKOFF_TYPE));
        if (backoff != FlushBackoffType.NONE) {
            builder.setBulkFlushBackoffStrategy(
                    backoff,
                    config.get(ConnectorOptions.OPENSEARCH_BACKOFF_RETRIES),
                    config.millis(ConnectorOptions.OPENSEARCH_BACKOFF_DELAY));
        }
        return builder.build();
    }

    public static HttpHost[] hosts(SieveConfig config) {
        return Arrays.stream(config.required(ConnectorOptions.OPENSEARCH_HOSTS).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(HttpHost::create)
                .toArray(HttpHost[]::new);
    }

    /**
     * The document id: the same invoice always maps to the same document, and two invoices never to
     * one: a tenant id cannot contain ':' ({@code [A-Za-z0-9._-]}), so the first ':' ends it. At most
     * 512 bytes (OpenSearch's limit): tenant_id has at most 64 ASCII characters, invoice_id at most
     * 447 bytes (the parser's limits).
     */
    public static String documentId(Decision d) {
        return d.tenantId + ":" + d.invoiceId;
    }

    /**
     * REVIEW and HOLD: an index request (create or replace) with the deterministic id. PASS (which
     * reaches the sink only with sieve.opensearch.delete-on-pass): a delete of that id, so that an
     * invoice flagged by an earlier scoring and passed by a later one leaves the index; deleting a
     * document that does not exist is a no-op (result not_found, not a failure).
     */
    static final class Emitter implements OpensearchEmitter<Decision> {
        private static final long serialVersionUID = 1L;
        private final String index;

        Emitter(String index) {
            this.index = index;
        }

        @Override
        public void emit(Decision d, SinkWriter.Context context, RequestIndexer indexer) {
            if (d.flagged()) {
                indexer.add(new IndexRequest(index).id(documentId(d)).source(document(d), XContentType.JSON));
            } else {
                indexer.add(new DeleteRequest(index, documentId(d)));
            }
        }
    }

    /** The document: {@link DecisionJson#toDocumentBytes}, the one writer of decisions. */
    public static byte[] document(Decision d) {
        return DecisionJson.toDocumentBytes(d);
    }
}

package io.invoicesieve.sinks;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.control.ControlUpdate;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.opensearch.sink.FailureHandler;
import org.apache.flink.connector.opensearch.sink.Opensearch2Sink;
import org.apache.flink.connector.opensearch.sink.Opensearch2SinkBuilder;
import org.apache.flink.connector.opensearch.sink.OpensearchEmitter;
import org.apache.flink.connector.opensearch.sink.RequestIndexer;
import org.opensearch.action.update.UpdateRequest;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes each disposition onto the analysts' document of its decision (id {@code tenant_id:invoice_id}):
 * {@code disposition}, {@code disposition_by}, {@code disposition_at}, {@code disposition_note}, as a
 * partial update (no script: the cluster may not have painless). A document that does not exist (a PASS
 * decision, or one not indexed yet) is not created: its 404 is ignored; any other failure fails the job.
 * Controls (not dispositions) are not sent. Re-indexing the decision later (a replay) replaces the
 * document without them; the PostgreSQL dispositions table is the record.
 */
public final class OpenSearchDispositionSink {

    private OpenSearchDispositionSink() {}

    public static Opensearch2Sink<ControlUpdate> create(SieveConfig config) {
        Opensearch2SinkBuilder<ControlUpdate> builder =
                new Opensearch2SinkBuilder<ControlUpdate>()
                        .setHosts(OpenSearchDecisionSink.hosts(config))
                        .setEmitter(new Emitter(config.get(ConnectorOptions.OPENSEARCH_INDEX)))
                        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .setBulkFlushMaxActions(config.get(ConnectorOptions.OPENSEARCH_BULK_MAX_ACTIONS))
                        .setBulkFlushInterval(config.millis(ConnectorOptions.OPENSEARCH_BULK_INTERVAL))
                        .setFailureHandler(new IgnoreMissingDocuments())
                        // credentials (resolved when the writer opens) and TLS trust, as the decision sink
                        .setRestClientFactory(OpenSearchClients.of(config));
        return builder.build();
    }

    /** A bulk whose only failures are missing documents (404) is fine; anything else fails the job. */
    static final class IgnoreMissingDocuments implements FailureHandler {
        private static final long serialVersionUID = 1L;

        @Override
        public void onFailure(Throwable failure) {
            String message = String.valueOf(failure.getMessage()) + " " + failure.getCause();
            if (!(message.contains("document_missing_exception") || message.contains("status 404"))) {
                throw new IllegalStateException("Dispositions onto the analysts' documents failed", failure);
            }
        }
    }

    static final class Emitter implements OpensearchEmitter<ControlUpdate> {
        private static final long serialVersionUID = 1L;
        private final String index;

        Emitter(String index) {
            this.index = index;
        }

        @Override
        public void emit(ControlUpdate u, SinkWriter.Context context, RequestIndexer indexer) {
            if (!"disposition".equals(u.origin)) {
                return;
            }
            Map<String, Object> doc = new HashMap<>();
            doc.put("disposition", u.verdict);
            doc.put("disposition_by", u.actor);
            doc.put("disposition_at", Instant.ofEpochMilli(u.at).toString());
            if (u.note != null) {
                doc.put("disposition_note", u.note);
            }
            indexer.add(new UpdateRequest(index, u.tenantId + ":" + u.invoiceId)
                    .doc(doc)
                    .retryOnConflict(3));
        }
    }
}

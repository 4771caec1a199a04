package io.invoicesieve.detect.duplicates;

import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * State {@code invoice-ids}: invoice_id -> event time of its first delivery, for
 * {@code sieve.replay.retention}. A re-delivery of a remembered id yields no second decision: it is
 * the trivial duplicate, suppressed rather than flagged. Kept per (tenant, vendor) so that a
 * vendor's invoices reach the scorer in the order of their source partition: a separate stage keyed
 * by invoice_id would reshuffle them, and "which of two is the resubmission" would depend on network
 * buffers.
 */
public final class ReplayFilter {

    private final MapState<String, Long> invoiceIds;
    private final long retentionMillis;

    public ReplayFilter(RuntimeContext ctx, long retentionMillis) {
        this.invoiceIds = ctx.getMapState(Descriptors.invoiceIds());
        this.retentionMillis = retentionMillis;
    }

    /** Records the delivery; false when the id was delivered before (a replay) and is still remembered. */
    public boolean firstDelivery(String invoiceId, long time) throws Exception {
        if (invoiceIds.contains(invoiceId)) {
            return false;
        }
        invoiceIds.put(invoiceId, time);
        return true;
    }

    /** Forgets ids delivered more than the retention before {@code timestamp}; returns the next expiry. */
    public long purge(long timestamp) throws Exception {
        long next = Long.MAX_VALUE;
        long minDelivered = timestamp - retentionMillis;
        List<String> forgotten = new ArrayList<>();
        for (Map.Entry<String, Long> id : invoiceIds.entries()) {
            if (id.getValue() < minDelivered) {
                forgotten.add(id.getKey());
            } else {
                next = Math.min(next, id.getValue() + retentionMillis);
            }
        }
        for (String id : forgotten) {
            invoiceIds.remove(id);
        }
        return next;
    }
}

package io.invoicesieve.detect.duplicates;

import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;

import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * State {@code invoice-ids}: invoice_id -> event time of its first delivery, for
 * {@code sieve.replay.retention}, and {@code invoice-digests}: invoice_id -> the
 * {@link ContentDigest} of the content its last decision was made on, purged with it.
 *
 * <p>A re-delivery of a remembered id with the same digest yields no second decision: it is the
 * trivial duplicate of at-least-once producers, suppressed rather than flagged. A re-delivery whose
 * digest differs (another amount, remit account, number, ...) is CHANGED_REDELIVERY: it gets a
 * decision of its own, always HOLD, which replaces the earlier one downstream (the sinks write
 * under (tenant_id, invoice_id)), and its digest becomes the remembered one. An id without a digest
 * (remembered by a release before the digests, restored from its savepoint) is a replay, as before:
 * which content it had is unknown.
 *
 * <p>Kept per (tenant, vendor) so that a vendor's invoices reach the scorer in the order of their
 * source partition: a separate stage keyed by invoice_id would reshuffle them, and "which of two is
 * the resubmission" would depend on network buffers. So the same invoice_id under another vendor_id
 * is not a re-delivery here: it is scored as a new invoice of that vendor.
 *
 * <p>State access: a first delivery reads {@code invoice-ids} once and writes both states; a
 * re-delivery reads both, and writes the digest when it changed. Ids are forgotten through the
 * vendor's {@link ExpiryIndex}: a purge removes the ids of the weeks that expired, without a scan.
 */
public final class ReplayFilter {

    /** What a delivery of an invoice_id is. */
    public enum Kind {
        /** Not remembered: scored, and now remembered. */
        FIRST,
        /** Remembered with the same content, or with unknown content: no decision. */
        REPLAY,
        /** Remembered with other content: CHANGED_REDELIVERY. */
        CHANGED
    }

    /** The outcome of {@link #deliver}: for a changed re-delivery, what it is compared with. */
    public static final class Delivery {
        static final Delivery FIRST = new Delivery(Kind.FIRST, 0, 0);
        static final Delivery REPLAY = new Delivery(Kind.REPLAY, 0, 0);

        public final Kind kind;
        /** Event time of the first delivery (CHANGED only). */
        public final long firstDeliveredAt;
        /** The digest the previous decision was made on (CHANGED only). */
        public final long previousDigest;

        Delivery(Kind kind, long firstDeliveredAt, long previousDigest) {
            this.kind = kind;
            this.firstDeliveredAt = firstDeliveredAt;
            this.previousDigest = previousDigest;
        }
    }

    private final MapState<String, Long> invoiceIds;
    private final MapState<String, Long> digests;
    private final long retentionMillis;

    public ReplayFilter(RuntimeContext ctx, long retentionMillis) {
        this.invoiceIds = ctx.getMapState(Descriptors.invoiceIds());
        this.digests = ctx.getMapState(Descriptors.invoiceDigests());
        this.retentionMillis = retentionMillis;
    }

    /** Records the delivery of {@code invoiceId} with content {@code digest}; says what it is. */
    public Delivery deliver(String invoiceId, long digest, long time) throws Exception {
        Long first = invoiceIds.get(invoiceId);
        if (first == null) {
            invoiceIds.put(invoiceId, time);
            digests.put(invoiceId, digest);
            return Delivery.FIRST;
        }
        Long known = digests.get(invoiceId);
        if (known == null || known == digest) {
            // no digest: remembered before digests existed (restored savepoint); drop as before
            return Delivery.REPLAY;
        }
        digests.put(invoiceId, digest);
        return new Delivery(Kind.CHANGED, first, known);
    }

    /** Forgets {@code ids} and their digests (the ones {@link ExpiryIndex} found expired). */
    public void forget(Collection<String> ids) throws Exception {
        for (String id : ids) {
            invoiceIds.remove(id);
            digests.remove(id);
        }
    }

    /** Every remembered id with the event time of its first delivery: a scan, for {@link ExpiryIndex#build}. */
    public Iterable<Map.Entry<String, Long>> firstDeliveries() throws Exception {
        return invoiceIds.entries();
    }

    /** True when an id other than {@code id} (null: any) is remembered. Reads at most two entries. */
    public boolean remembersOtherThan(String id) throws Exception {
        for (String remembered : invoiceIds.keys()) {
            if (!remembered.equals(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * CHANGED_REDELIVERY (0.9; decide/Decider makes it HOLD whatever the thresholds): the invoice_id
     * was decided on other payment content. Which field changed is not known from a digest: the
     * analyst compares this delivery with the earlier one (PostgreSQL {@code decision_audit} keeps
     * the earlier decision, the producer the earlier payload).
     */
    public static Reason changedReason(String invoiceId, long digest, Delivery delivery) {
        Evidence e = new Evidence();
        e.firstDeliveredAt = Instant.ofEpochMilli(delivery.firstDeliveredAt).toString();
        e.contentDigest = ContentDigest.hex(digest);
        e.previousContentDigest = ContentDigest.hex(delivery.previousDigest);
        String detail = String.format(Locale.ROOT,
                "Invoice %s was delivered before (first at %s) with other payment content (amount, currency,"
                        + " remit account or bank code, number, date or vendor): this delivery replaces the"
                        + " earlier decision and waits until someone compares the two",
                invoiceId, e.firstDeliveredAt);
        return new Reason(ReasonCode.CHANGED_REDELIVERY, 0.9, detail, e);
    }
}

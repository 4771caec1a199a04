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
 * State {@code invoice-deliveries} (since 0.2.0): invoice_id -> the event time of its first delivery
 * and the {@link ContentDigest} of the content its last decision was made on, for
 * {@code sieve.replay.retention}: the two are read and written together, so they are one value.
 *
 * <p>A re-delivery of a remembered id with the same digest yields no second decision: it is the
 * trivial duplicate of at-least-once producers, suppressed rather than flagged. A re-delivery whose
 * digest differs (another amount, remit account, number, ...) is CHANGED_REDELIVERY: it gets a
 * decision of its own, always HOLD, which replaces the earlier one downstream (the sinks write
 * under (tenant_id, invoice_id)), and its digest becomes the remembered one. An id without a digest
 * (remembered by 0.1.0, whose {@code invoice-ids} held only the time) is a replay, as before: which
 * content it had is unknown.
 *
 * <p>Kept per (tenant, vendor) so that a vendor's invoices reach the scorer in the order of their
 * source partition: a separate stage keyed by invoice_id would reshuffle them, and "which of two is
 * the resubmission" would depend on network buffers. So the same invoice_id under another vendor_id
 * is not a re-delivery here: it is scored as a new invoice of that vendor.
 *
 * <p>State access: every delivery reads the id once ({@link #deliver}); a first delivery writes it
 * once ({@link #first}), a changed re-delivery rewrites it. Ids are forgotten through the vendor's
 * {@link ExpiryIndex}: a purge removes the ids of the weeks that expired, without a scan.
 *
 * <p>A key restored from 0.1.0 has its ids in {@code invoice-ids} (id -> time). The first time the
 * key is met, {@code VendorHistory} moves them here without a digest ({@link #moveLegacy}): read old,
 * write new, once per key. Until then a key has no entry here, so a first delivery is only
 * remembered ({@link #first}) after that move, which may show it to be a replay.
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

    /** Index of the first delivery's event time in a value of {@code invoice-deliveries}. */
    public static final int FIRST_AT = 0;
    /** Index of the content digest; a value of 0.1.0 (moved from {@code invoice-ids}) has none. */
    private static final int DIGEST = 1;

    private final MapState<String, long[]> deliveries;
    private final MapState<String, Long> legacyIds;
    /** Set by {@link #moveLegacy}: the id being delivered was among the moved ones. */
    private boolean deliveredWasMoved;

    public ReplayFilter(RuntimeContext ctx) {
        this.deliveries = ctx.getMapState(Descriptors.invoiceDeliveries());
        this.legacyIds = ctx.getMapState(Descriptors.invoiceIds());
    }

    /**
     * What a delivery of {@code invoiceId} with content {@code digest} is: one read. A changed
     * re-delivery's digest becomes the remembered one; a FIRST is not remembered yet ({@link #first}).
     */
    public Delivery deliver(String invoiceId, long digest) throws Exception {
        deliveredWasMoved = false;
        long[] known = deliveries.get(invoiceId);
        if (known == null) {
            return Delivery.FIRST;
        }
        if (known.length <= DIGEST || known[DIGEST] == digest) {
            // no digest: remembered by 0.1.0; dropped as it was then
            return Delivery.REPLAY;
        }
        deliveries.put(invoiceId, new long[] {known[FIRST_AT], digest});
        return new Delivery(Kind.CHANGED, known[FIRST_AT], known[DIGEST]);
    }

    /**
     * Remembers a first delivery ({@link #deliver} said FIRST, and the key's 0.1.0 ids have been
     * moved): one write. False, writing nothing, when the move brought the id: a replay of an
     * invoice 0.1.0 remembered.
     */
    public boolean first(String invoiceId, long digest, long time) throws Exception {
        if (deliveredWasMoved) {
            deliveredWasMoved = false;
            return false;
        }
        deliveries.put(invoiceId, new long[] {time, digest});
        return true;
    }

    /**
     * Moves the key's 0.1.0 ids ({@code invoice-ids}) here without a digest, and clears them: once
     * per key, when {@code VendorHistory} meets a key without a profile. A new key pays one empty
     * read. {@code delivered}: the id being delivered, or null.
     *
     * @return how many ids moved
     */
    public int moveLegacy(String delivered) throws Exception {
        int moved = 0;
        for (Map.Entry<String, Long> id : legacyIds.entries()) {
            deliveries.put(id.getKey(), new long[] {id.getValue()});
            deliveredWasMoved |= id.getKey().equals(delivered);
            moved++;
        }
        if (moved > 0) {
            legacyIds.clear();
        }
        return moved;
    }

    /** Forgets {@code ids} (the ones {@link ExpiryIndex} found expired). */
    public void forget(Collection<String> ids) throws Exception {
        for (String id : ids) {
            deliveries.remove(id);
        }
    }

    /**
     * Every remembered id with its value (the first delivery's time at {@link #FIRST_AT}): a scan,
     * for {@link ExpiryIndex#build}.
     */
    public Iterable<Map.Entry<String, long[]>> firstDeliveries() throws Exception {
        return deliveries.entries();
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

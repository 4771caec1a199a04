package io.invoicesieve.state;

import io.invoicesieve.model.Decision;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;

/**
 * Every keyed state of the job, with explicit TypeInformation so that nothing falls back to Kryo.
 * State names are part of the savepoint format: never rename them once released.
 */
public final class Descriptors {

    /** The values' serializers: hand-written, restoring 0.1.0's POJO format by migration (StateSerializers). */
    public static final TypeSerializer<SeenInvoice[]> SEEN_INVOICES = StateSerializers.SeenInvoices.INSTANCE;
    public static final TypeSerializer<AccountHistory[]> ACCOUNTS = StateSerializers.AccountHistories.INSTANCE;
    public static final TypeSerializer<AccountHistory> ACCOUNT = StateSerializers.AccountHistories.Single.INSTANCE;
    public static final TypeSerializer<AccountInvoice[]> ACCOUNT_INVOICES = StateSerializers.AccountInvoices.INSTANCE;
    public static final TypeSerializer<AmountHistory> AMOUNTS = StateSerializers.AmountHistories.INSTANCE;
    public static final TypeSerializer<VendorProfile> PROFILE = StateSerializers.VendorProfiles.INSTANCE;
    public static final TypeSerializer<ExpiryBucket> EXPIRY_BUCKETS = StateSerializers.ExpiryBuckets.INSTANCE;
    public static final TypeSerializer<AccountProfile> ACCOUNT_PROFILE = StateSerializers.AccountProfiles.INSTANCE;

    public static final TypeInformation<Decision[]> HELD_DECISIONS =
            Types.OBJECT_ARRAY(TypeInformation.of(Decision.class));

    private Descriptors() {}

    /**
     * invoice-scorer (since 0.2.0): invoice_id -> {event time of its first delivery, 64-bit digest of
     * the payment content its last decision was made on (detect/duplicates/ContentDigest)}, to
     * suppress replays and flag changed re-deliveries; {event time} alone for an id moved from
     * {@code invoice-ids}, whose content is unknown. One read per delivery, one write per first or
     * changed delivery (detect/duplicates/ReplayFilter).
     */
    public static MapStateDescriptor<String, long[]> invoiceDeliveries() {
        return new MapStateDescriptor<>(
                "invoice-deliveries", StringSerializer.INSTANCE, LongPrimitiveArraySerializer.INSTANCE);
    }

    /**
     * invoice-scorer until 0.1.0 (read to migrate, see invoiceDeliveries): invoice_id -> event time of
     * its first delivery. A restored key's ids move into {@code invoice-deliveries} the first time the
     * key is met (functions/VendorHistory).
     */
    public static MapStateDescriptor<String, Long> invoiceIds() {
        return new MapStateDescriptor<>("invoice-ids", Types.STRING, Types.LONG);
    }

    /** invoice-scorer: duplicate index, blocking key -> earlier invoices under that key. */
    public static MapStateDescriptor<String, SeenInvoice[]> duplicateIndex() {
        return new MapStateDescriptor<>("duplicate-index", StringSerializer.INSTANCE, SEEN_INVOICES);
    }

    /**
     * invoice-scorer (since 0.2.0): week (event time / 7 d since the epoch) -> the ids first delivered
     * in it and the duplicate-index keys they went under, so that a purge reads only what expired
     * (detect/duplicates/ExpiryIndex). The latest week lives in {@code vendor-profile}.
     */
    public static MapStateDescriptor<Integer, ExpiryBucket> expiryIndex() {
        return new MapStateDescriptor<>("expiry-index", IntSerializer.INSTANCE, EXPIRY_BUCKETS);
    }

    /**
     * invoice-scorer (since 0.2.0): amount histories, accounts and cleanup timer of the vendor as one
     * value (state/VendorProfile), replacing {@code amount-history}, {@code vendor-accounts} and the
     * scorer's {@code cleanup-timer}, which a key restored from 0.1.0 moves into it on first touch.
     */
    public static ValueStateDescriptor<VendorProfile> vendorProfile() {
        return new ValueStateDescriptor<>("vendor-profile", PROFILE);
    }

    /** invoice-scorer until 0.1.0 (read to migrate, see vendorProfile): amount history per currency. */
    public static MapStateDescriptor<String, AmountHistory> amountHistory() {
        return new MapStateDescriptor<>("amount-history", StringSerializer.INSTANCE, AMOUNTS);
    }

    /** invoice-scorer until 0.1.0 (read to migrate, see vendorProfile): the vendor's remit accounts. */
    public static ValueStateDescriptor<AccountHistory[]> vendorAccounts() {
        return new ValueStateDescriptor<>("vendor-accounts", ACCOUNTS);
    }

    /**
     * account-sharing and invoice-scorer until 0.1.0 (read to migrate, see accountProfile and
     * vendorProfile): the pending cleanup timer of the key.
     */
    public static ValueStateDescriptor<Long> cleanupTimer() {
        return new ValueStateDescriptor<>("cleanup-timer", Types.LONG);
    }

    /**
     * account-sharing (since 0.2.0): the vendors that used this (tenant, account) and the key's pending
     * cleanup timer as one value (state/AccountProfile), replacing {@code account-vendors} and the
     * stage's {@code cleanup-timer}, which a key restored from 0.1.0 moves into it on first touch.
     */
    public static ValueStateDescriptor<AccountProfile> accountProfile() {
        return new ValueStateDescriptor<>("account-profile", ACCOUNT_PROFILE);
    }

    /**
     * account-sharing until 0.1.0 (read to migrate, see accountProfile): the vendors that used this
     * (tenant, account), with first and last use.
     */
    public static ValueStateDescriptor<AccountHistory[]> accountVendors() {
        return new ValueStateDescriptor<>("account-vendors", ACCOUNTS);
    }

    /**
     * account-sharing (since 0.2.0): the vendors {@code account-vendors} no longer lists, as one
     * aggregate (id null, count of vendors, earliest first use, latest last use), so that BANK_SHARED
     * can say how many vendors the account has while the list stays bounded. Written only when an
     * account has more vendors than the list holds.
     */
    public static ValueStateDescriptor<AccountHistory> accountVendorsEvicted() {
        return new ValueStateDescriptor<>("account-vendors-evicted", ACCOUNT);
    }

    /**
     * account-sharing (since 0.2.0): normalized invoice number -> the invoices of every vendor of this
     * (tenant, account) under it, for the cross-vendor duplicate match. Empty after a restore from 0.1.0.
     */
    public static MapStateDescriptor<String, AccountInvoice[]> accountInvoices() {
        return new MapStateDescriptor<>("account-invoices", StringSerializer.INSTANCE, ACCOUNT_INVOICES);
    }

    /**
     * account-sharing (since 0.2.0): event time (epoch ms) -> the decisions of this shared account
     * held until the watermark passes that time ({@code sieve.duplicates.cross-vendor.order-hold}),
     * each under the event-time timer of its time. Empty unless a replay or catch-up is in flight.
     * Holds whole decisions: {@code serde/DecisionSerializer}'s format is part of savepoints from here on.
     */
    public static MapStateDescriptor<Long, Decision[]> heldDecisions() {
        return new MapStateDescriptor<>("held-decisions", Types.LONG, HELD_DECISIONS);
    }
}

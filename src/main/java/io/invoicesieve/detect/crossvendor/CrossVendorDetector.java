package io.invoicesieve.detect.crossvendor;

import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.detect.duplicates.InvoiceNumbers;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountInvoice;
import io.invoicesieve.state.Descriptors;

import org.apache.commons.text.similarity.JaroWinklerSimilarity;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Duplicates across vendor ids, keyed by (tenant_id, remit account): the same supplier created twice
 * in the vendor master, usually with the same bank account, and one invoice entered under both ids.
 * The vendor-keyed scorer never sees the second entry meet the first; the account-keyed stage does,
 * and it already exists, so this costs no third keyed exchange. The match: another vendor id of
 * the tenant, the same or an equivalent number (folded as in the duplicate index, or the same digit
 * groups under another format, or a short prefix or suffix added), the same amount
 * and currency, invoice dates within {@code sieve.duplicates.date-tolerance-days}, within
 * {@code sieve.duplicates.lookback}. Same number and date: DUPLICATE_EXACT; otherwise
 * DUPLICATE_SUSPECT; evidence {@code match_kind} CROSS_VENDOR, {@code other_vendor_ids} the
 * original's vendor. Never across tenants: the tenant is part of the key.
 *
 * <p>State {@code account-invoices}: the number folded as in the duplicate index, with leading zeros
 * dropped per typed digit group ({@link InvoiceNumbers#grouped}: "20264264" for "2026-04-0264" and
 * "2026-04-264") -> the account's invoices under it (all vendors), so one lookup reads a
 * bucket of one or two entries, also for a high-volume supplier. A
 * bucket keeps at most {@code sieve.duplicates.cross-vendor.max-bucket} invoices; entries leave after
 * the lookback, purged by the stage's cleanup timer. Not caught here: twins with different
 * accounts or without one, and a number re-keyed with a prefix or suffix added ("No. ", "-COPY",
 * "-1") or its separators dropped between zero-padded groups: those land under another key.
 */
public final class CrossVendorDetector {

    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();

    private final MapState<String, AccountInvoice[]> index;
    private final long lookbackMillis;
    private final int dateToleranceDays;
    private final int maxBucket;

    public CrossVendorDetector(RuntimeContext ctx, long lookbackMillis, int dateToleranceDays, int maxBucket) {
        this.index = ctx.getMapState(Descriptors.accountInvoices());
        this.lookbackMillis = lookbackMillis;
        this.dateToleranceDays = dateToleranceDays;
        this.maxBucket = Math.max(1, maxBucket);
    }

    public static AccountInvoice probe(String vendorId, String invoiceId, String number, long amountMilli,
            String currency, int invoiceDay, long eventTime) {
        return new AccountInvoice(vendorId, invoiceId, number, InvoiceNumbers.normalize(number), amountMilli,
                currency, invoiceDay, eventTime);
    }

    /**
     * The cross-vendor duplicate reason when another vendor id of the account has this invoice
     * (null otherwise, or when {@code search} is false: the scorer already found a duplicate);
     * then remembers the invoice. One read and one write per invoice with an account.
     */
    public Reason check(AccountInvoice probe, boolean search, long watermark) throws Exception {
        if (probe.amountMilli == 0) {
            return null;
        }
        String key = key(probe.invoiceNumber, probe.normalizedNumber);
        AccountInvoice[] bucket = index.get(key);
        Reason found = search ? reason(probe, find(probe, bucket, lookbackMillis, dateToleranceDays)) : null;
        index.put(key, append(bucket, probe, watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - lookbackMillis));
        return found;
    }

    /** The blocking key: {@link InvoiceNumbers#grouped}. */
    static String key(String number, String normalizedNumber) {
        return InvoiceNumbers.grouped(number);
    }

    /** Remembers the invoice without checking it (warm start). */
    public void remember(AccountInvoice probe, long watermark) throws Exception {
        check(probe, false, watermark);
    }

    /** The earlier invoices of other vendor ids that {@code probe} enters again, strongest first. */
    public static List<AccountInvoice> find(AccountInvoice probe, AccountInvoice[] bucket, long lookbackMillis,
            int dateToleranceDays) {
        List<AccountInvoice> matches = new ArrayList<>(1);
        if (bucket == null) {
            return matches;
        }
        for (AccountInvoice c : bucket) {
            if (c.vendorId.equals(probe.vendorId) || c.invoiceId.equals(probe.invoiceId)
                    || c.amountMilli != probe.amountMilli || !c.currency.equals(probe.currency)
                    || !sameInvoiceNumber(probe, c)
                    || Math.abs(c.invoiceDay - probe.invoiceDay) > dateToleranceDays
                    || Math.abs(c.eventTime - probe.eventTime) > lookbackMillis) {
                continue;
            }
            if (exact(probe, c) && !matches.isEmpty() && !exact(probe, matches.get(0))) {
                matches.add(0, c);
            } else {
                matches.add(c);
            }
        }
        return matches;
    }

    private static boolean sameInvoiceNumber(AccountInvoice probe, AccountInvoice c) {
        if (c.normalizedNumber.equals(probe.normalizedNumber)) {
            return true;
        }
        return InvoiceNumbers.sameDigitSkeleton(probe.invoiceNumber, c.invoiceNumber)
                || InvoiceNumbers.affixVariant(probe.normalizedNumber, c.normalizedNumber, 4);
    }

    private static boolean exact(AccountInvoice probe, AccountInvoice c) {
        return c.invoiceNumber.equals(probe.invoiceNumber) && c.invoiceDay == probe.invoiceDay;
    }

    static Reason reason(AccountInvoice probe, List<AccountInvoice> matches) {
        if (matches.isEmpty()) {
            return null;
        }
        AccountInvoice original = matches.get(0);
        boolean exact = exact(probe, original);
        Evidence e = new Evidence();
        e.matchedInvoiceIds = new String[matches.size()];
        e.matchedInvoiceNumbers = new String[matches.size()];
        List<String> vendors = new ArrayList<>(1);
        for (int i = 0; i < matches.size(); i++) {
            e.matchedInvoiceIds[i] = matches.get(i).invoiceId;
            e.matchedInvoiceNumbers[i] = matches.get(i).invoiceNumber;
            if (!vendors.contains(matches.get(i).vendorId)) {
                vendors.add(matches.get(i).vendorId);
            }
        }
        e.otherVendorIds = vendors.toArray(new String[0]);
        e.matchKind = "CROSS_VENDOR";
        e.matchedEventTime = Instant.ofEpochMilli(original.eventTime).toString();
        e.matchedInvoiceDate = LocalDate.ofEpochDay(original.invoiceDay).toString();
        e.matchedAmount = Money.fromMilli(original.amountMilli).toPlainString();
        e.similarity = Reasons.round(JARO_WINKLER.apply(probe.invoiceNumber, original.invoiceNumber), 3);
        e.candidatesCompared = matches.size();
        String detail = String.format(Locale.ROOT,
                "Invoice number %s, %s, was already entered under vendor %s as invoice %s (number %s, dated %s): "
                        + "vendors %s and %s share this remit account",
                probe.invoiceNumber, Money.display(probe.amountMilli, probe.currency), original.vendorId,
                original.invoiceId, original.invoiceNumber, e.matchedInvoiceDate, original.vendorId, probe.vendorId);
        return exact
                ? new Reason(ReasonCode.DUPLICATE_EXACT, 0.97, detail, e)
                : new Reason(ReasonCode.DUPLICATE_SUSPECT, 0.9, detail, e);
    }

    /** Drops invoices older than the lookback before {@code timestamp}; returns the next expiry. */
    public long purge(long timestamp) throws Exception {
        long next = Long.MAX_VALUE;
        long minTime = timestamp - lookbackMillis;
        List<String> emptied = new ArrayList<>();
        List<Map.Entry<String, AccountInvoice[]>> shrunk = new ArrayList<>();
        Iterator<Map.Entry<String, AccountInvoice[]>> entries = index.iterator();
        while (entries.hasNext()) {
            Map.Entry<String, AccountInvoice[]> entry = entries.next();
            AccountInvoice[] kept = retain(entry.getValue(), minTime);
            if (kept.length == 0) {
                emptied.add(entry.getKey());
                continue;
            }
            if (kept.length < entry.getValue().length) {
                shrunk.add(Map.entry(entry.getKey(), kept));
            }
            for (AccountInvoice s : kept) {
                next = Math.min(next, s.eventTime + lookbackMillis);
            }
        }
        for (String key : emptied) {
            index.remove(key);
        }
        for (Map.Entry<String, AccountInvoice[]> e : shrunk) {
            index.put(e.getKey(), e.getValue());
        }
        return next;
    }

    private static AccountInvoice[] retain(AccountInvoice[] bucket, long minTime) {
        int kept = 0;
        for (AccountInvoice s : bucket) {
            if (s.eventTime >= minTime) {
                kept++;
            }
        }
        if (kept == bucket.length) {
            return bucket;
        }
        AccountInvoice[] out = new AccountInvoice[kept];
        int j = 0;
        for (AccountInvoice s : bucket) {
            if (s.eventTime >= minTime) {
                out[j++] = s;
            }
        }
        return out;
    }

    private AccountInvoice[] append(AccountInvoice[] bucket, AccountInvoice probe, long minTime) {
        AccountInvoice[] kept = bucket == null ? new AccountInvoice[0] : retain(bucket, minTime);
        int skip = Math.max(0, kept.length + 1 - maxBucket);
        AccountInvoice[] out = new AccountInvoice[kept.length - skip + 1];
        System.arraycopy(kept, skip, out, 0, kept.length - skip);
        out[out.length - 1] = probe;
        return out;
    }
}

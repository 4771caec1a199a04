package io.invoicesieve.detect.duplicates;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.SeenInvoice;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;

import java.util.Collection;
import java.util.Map;

/**
 * State {@code duplicate-index}: blocking key -> the vendor's earlier invoices under it, for
 * {@code sieve.duplicates.lookback}. Two blocking keys per invoice (normalized number, exact
 * amount), so a lookup reads two small values, not the vendor's whole history: a MapState suits
 * RocksDB, where each entry is its own key. Entries expire through the vendor's {@link ExpiryIndex},
 * which knows the keys of each week: a purge reads only the buckets that hold expired invoices.
 */
public final class DuplicateIndex {

    private final MapState<String, SeenInvoice[]> index;
    private final long lookbackMillis;
    private final int maxBucket;

    public DuplicateIndex(RuntimeContext ctx, DetectorSettings settings) {
        this.index = ctx.getMapState(Descriptors.duplicateIndex());
        this.lookbackMillis = settings.lookbackMillis;
        // bound a bucket at a few caps' worth: a vendor billing one amount daily fills it slowly
        this.maxBucket = 4 * settings.maxComparisons;
    }

    /** The probe whose blocking keys {@link #numberKey} and {@link #amountKey} built last. */
    private SeenInvoice keyed;
    private String keyedNumber;
    private String keyedAmount;

    /** Candidate buckets of the probe's blocking keys: by normalized number, by amount. */
    public SeenInvoice[][] candidates(SeenInvoice probe) throws Exception {
        return new SeenInvoice[][] {index.get(numberKey(probe)), index.get(amountKey(probe))};
    }

    /**
     * The probe's number key ({@link DuplicateDetector#numberKey}). A first delivery needs its keys
     * three times (lookup, insert, expiry index): they are built once per probe.
     */
    public String numberKey(SeenInvoice probe) {
        key(probe);
        return keyedNumber;
    }

    /** The probe's amount key ({@link DuplicateDetector#amountKey}), built once per probe. */
    public String amountKey(SeenInvoice probe) {
        key(probe);
        return keyedAmount;
    }

    private void key(SeenInvoice probe) {
        if (probe != keyed) {
            keyedNumber = DuplicateDetector.numberKey(probe.normalizedNumber);
            keyedAmount = DuplicateDetector.amountKey(probe.currency, probe.amountMilli);
            keyed = probe;
        }
    }

    /**
     * Indexes the probe under its blocking keys: invoices and credit notes (a credit note's amount key
     * is negative, so it only meets credit notes), not zero amounts.
     *
     * @return how many entries the bucket bound evicted (see {@link #append})
     */
    public int add(SeenInvoice probe, SeenInvoice[][] buckets, long watermark) throws Exception {
        if (probe.amountMilli == 0) {
            return 0;
        }
        long minTime = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - lookbackMillis;
        SeenInvoice[] byNumber = append(buckets[0], probe, minTime, maxBucket, false);
        SeenInvoice[] byAmount = append(buckets[1], probe, minTime, maxBucket, true);
        index.put(numberKey(probe), byNumber);
        index.put(amountKey(probe), byAmount);
        return evicted(buckets[0], byNumber, minTime) + evicted(buckets[1], byAmount, minTime);
    }

    private static int evicted(SeenInvoice[] before, SeenInvoice[] after, long minTime) {
        int live = before == null ? 0 : retain(before, minTime).length;
        return Math.max(0, live + 1 - after.length);
    }

    /**
     * A credit note of the full amount reverses the invoice it credits ({@link DuplicateDetector#reversedBy}):
     * that invoice leaves the index, so that its re-entry is the correction it is, not a duplicate
     * (SAP's duplicate check skips reversed documents too). A partial credit note cancels nothing:
     * no invoice has its amount. An invoice entered a third time meets the re-entry. Reads the
     * bucket of the credited amount, and the reversed invoice's number bucket: on credit notes only.
     *
     * @return the reversed invoice, or null
     */
    public SeenInvoice reverse(SeenInvoice creditNote, String description) throws Exception {
        if (creditNote.amountMilli >= 0) {
            return null;
        }
        String amountKey = DuplicateDetector.amountKey(creditNote.currency, -creditNote.amountMilli);
        SeenInvoice[] bucket = index.get(amountKey);
        SeenInvoice reversed = DuplicateDetector.reversedBy(creditNote, description, bucket, lookbackMillis);
        if (reversed == null) {
            return null;
        }
        putOrRemove(amountKey, without(bucket, reversed.invoiceId));
        String numberKey = DuplicateDetector.numberKey(reversed.normalizedNumber);
        putOrRemove(numberKey, without(index.get(numberKey), reversed.invoiceId));
        return reversed;
    }

    private void putOrRemove(String key, SeenInvoice[] bucket) throws Exception {
        if (bucket == null || bucket.length == 0) {
            index.remove(key);
        } else {
            index.put(key, bucket);
        }
    }

    static SeenInvoice[] without(SeenInvoice[] bucket, String invoiceId) {
        if (bucket == null) {
            return null;
        }
        int kept = 0;
        for (SeenInvoice s : bucket) {
            if (!s.invoiceId.equals(invoiceId)) {
                kept++;
            }
        }
        SeenInvoice[] out = new SeenInvoice[kept];
        int j = 0;
        for (SeenInvoice s : bucket) {
            if (!s.invoiceId.equals(invoiceId)) {
                out[j++] = s;
            }
        }
        return out;
    }

    /**
     * Drops the invoices older than the lookback before {@code timestamp} from the buckets of
     * {@code keys} (the keys of the weeks {@link ExpiryIndex} found expired): one read per key, and a
     * write or a removal where something went.
     */
    public void expire(Collection<String> keys, long timestamp) throws Exception {
        long minIndexed = timestamp - lookbackMillis;
        for (String key : keys) {
            SeenInvoice[] bucket = index.get(key);
            if (bucket == null) {
                continue;
            }
            SeenInvoice[] kept = retain(bucket, minIndexed);
            if (kept.length == 0) {
                index.remove(key);
            } else if (kept.length < bucket.length) {
                index.put(key, kept);
            }
        }
    }

    /** Every bucket of the vendor: a scan, for {@link ExpiryIndex#build}. */
    public Iterable<Map.Entry<String, SeenInvoice[]>> entries() throws Exception {
        return index.entries();
    }

    /** True when the vendor has no bucket. */
    public boolean isEmpty() throws Exception {
        return index.isEmpty();
    }

    private static SeenInvoice[] retain(SeenInvoice[] bucket, long minTime) {
        int kept = 0;
        for (SeenInvoice s : bucket) {
            if (s.eventTime >= minTime) {
                kept++;
            }
        }
        if (kept == bucket.length) {
            return bucket;
        }
        SeenInvoice[] out = new SeenInvoice[kept];
        int j = 0;
        for (SeenInvoice s : bucket) {
            if (s.eventTime >= minTime) {
                out[j++] = s;
            }
        }
        return out;
    }

    /**
     * The bucket without entries older than {@code minTime}, with {@code probe} appended, bounded at
     * {@code maxSize} entries.
     *
     * <p>What the bound evicts decides what a flood can hide. Evicting the oldest entry, as until
     * 0.1.0, let anyone who can submit invoices for a vendor push an early original out of its amount
     * bucket with a few hundred same-amount invoices, so that its re-keyed resubmission found nothing.
     * Now entries are grouped by what makes them matter to a later lookup: in an amount bucket by
     * invoice date (only invoices dated within the tolerance of the probe can match there), in a
     * number bucket by amount (same-number-same-amount clones add nothing to matching but keep the
     * first one). The entry evicted is the most recently arrived one of a largest group. So every
     * group keeps its earliest arrivals, the originals a later resubmission should be matched with
     * and named; a flood on one date only thins that date, from its own newest entries (and its
     * lookups hit the comparison cap, which is a CANDIDATE_CAP); and a flood spread over many dates
     * evicts its own entries, the newest, not the earlier invoices. The price: at a vendor billing
     * one amount more often than the bound holds over the lookback, the invoices beyond about
     * {@code maxSize} / (days in the lookback) per date are not indexed by amount (they still are by
     * number, so exact, equivalent and amount-typo resubmissions of them are caught).
     *
     * @param byDate true for an amount bucket (group by invoice date), false for a number bucket (by amount)
     */
    static SeenInvoice[] append(SeenInvoice[] bucket, SeenInvoice probe, long minTime, int maxSize, boolean byDate) {
        SeenInvoice[] kept = bucket == null ? new SeenInvoice[0] : retain(bucket, minTime);
        SeenInvoice[] out = java.util.Arrays.copyOf(kept, kept.length + 1);
        out[kept.length] = probe;
        while (out.length > maxSize && out.length > 1) {
            out = without(out, evictionIndex(out, byDate));
        }
        return out;
    }

    /** The most recently arrived entry (highest index) of a largest group. */
    static int evictionIndex(SeenInvoice[] bucket, boolean byDate) {
        int n = bucket.length;
        long[] groups = new long[n];
        for (int i = 0; i < n; i++) {
            groups[i] = group(bucket[i], byDate);
        }
        long[] sorted = groups.clone();
        java.util.Arrays.sort(sorted);
        int largest = 0;
        for (int i = 0, j; i < n; i = j) {
            for (j = i + 1; j < n && sorted[j] == sorted[i]; j++) { }
            largest = Math.max(largest, j - i);
        }
        for (int i = n - 1; i >= 0; i--) {
            if (count(sorted, groups[i]) == largest) {
                return i;
            }
        }
        return n - 1;
    }

    /** How often {@code key} occurs in the sorted array. */
    private static int count(long[] sorted, long key) {
        int from = java.util.Arrays.binarySearch(sorted, key);
        int to = from;
        while (from > 0 && sorted[from - 1] == key) {
            from--;
        }
        while (to + 1 < sorted.length && sorted[to + 1] == key) {
            to++;
        }
        return to - from + 1;
    }

    private static long group(SeenInvoice s, boolean byDate) {
        return byDate ? s.invoiceDay : s.amountMilli * 31 + s.currency.hashCode();
    }

    private static SeenInvoice[] without(SeenInvoice[] bucket, int at) {
        SeenInvoice[] out = new SeenInvoice[bucket.length - 1];
        System.arraycopy(bucket, 0, out, 0, at);
        System.arraycopy(bucket, at + 1, out, at, bucket.length - at - 1);
        return out;
    }
}

package io.invoicesieve.detect.duplicates;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.SeenInvoice;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * State {@code duplicate-index}: blocking key -> the vendor's earlier invoices under it, for
 * {@code sieve.duplicates.lookback}. Two blocking keys per invoice (normalized number, exact
 * amount), so a lookup reads two small values, not the vendor's whole history: a MapState suits
 * RocksDB, where each entry is its own key.
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

    /** Candidate buckets of the probe's blocking keys: by normalized number, by amount. */
    public SeenInvoice[][] candidates(SeenInvoice probe) throws Exception {
        return new SeenInvoice[][] {
            index.get(DuplicateDetector.numberKey(probe.normalizedNumber)),
            index.get(DuplicateDetector.amountKey(probe.currency, probe.amountMilli))
        };
    }

    /**
     * Indexes the probe under its blocking keys: invoices and credit notes (a credit note's amount key
     * is negative, so it only meets credit notes), not zero amounts.
     */
    public void add(SeenInvoice probe, SeenInvoice[][] buckets, long watermark) throws Exception {
        if (probe.amountMilli == 0) {
            return;
        }
        long minTime = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - lookbackMillis;
        index.put(DuplicateDetector.numberKey(probe.normalizedNumber), append(buckets[0], probe, minTime, maxBucket));
        index.put(DuplicateDetector.amountKey(probe.currency, probe.amountMilli), append(buckets[1], probe, minTime, maxBucket));
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

    /** Drops invoices older than the lookback before {@code timestamp}; returns the next expiry. */
    public long purge(long timestamp) throws Exception {
        long next = Long.MAX_VALUE;
        long minIndexed = timestamp - lookbackMillis;
        List<String> emptied = new ArrayList<>();
        List<Map.Entry<String, SeenInvoice[]>> shrunk = new ArrayList<>();
        Iterator<Map.Entry<String, SeenInvoice[]>> entries = index.iterator();
        while (entries.hasNext()) {
            Map.Entry<String, SeenInvoice[]> entry = entries.next();
            SeenInvoice[] bucket = entry.getValue();
            SeenInvoice[] kept = retain(bucket, minIndexed);
            if (kept.length == 0) {
                emptied.add(entry.getKey());
                continue;
            }
            if (kept.length < bucket.length) {
                shrunk.add(Map.entry(entry.getKey(), kept));
            }
            for (SeenInvoice s : kept) {
                next = Math.min(next, s.eventTime + lookbackMillis);
            }
        }
        for (String key : emptied) {
            index.remove(key);
        }
        for (Map.Entry<String, SeenInvoice[]> e : shrunk) {
            index.put(e.getKey(), e.getValue());
        }
        return next;
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

    static SeenInvoice[] append(SeenInvoice[] bucket, SeenInvoice probe, long minTime, int maxSize) {
        SeenInvoice[] kept = bucket == null ? new SeenInvoice[0] : retain(bucket, minTime);
        int skip = Math.max(0, kept.length + 1 - maxSize);
        SeenInvoice[] out = new SeenInvoice[kept.length - skip + 1];
        System.arraycopy(kept, skip, out, 0, kept.length - skip);
        out[out.length - 1] = probe;
        return out;
    }
}

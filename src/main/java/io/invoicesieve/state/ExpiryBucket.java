package io.invoicesieve.state;

import java.util.Arrays;

/**
 * One week of a vendor's first deliveries, as {@code detect/duplicates/ExpiryIndex} needs them to
 * purge without scanning: the invoice ids (forgotten from {@code invoice-deliveries} after
 * {@code sieve.replay.retention}) and the {@code duplicate-index}
 * blocking keys they were indexed under (expired after {@code sieve.duplicates.lookback}). A value of
 * {@code expiry-index} (since 0.2.0), and the open week inside {@link VendorProfile}. Serialized by
 * {@link StateSerializers.ExpiryBuckets}.
 */
public class ExpiryBucket {

    private static final String[] NONE = new String[0];

    /** Invoice ids first delivered in the week. */
    public String[] ids = NONE;
    /** Distinct {@code duplicate-index} keys the week's invoices were indexed under. */
    public String[] keys = NONE;

    public ExpiryBucket() {}

    public ExpiryBucket(String[] ids, String[] keys) {
        this.ids = ids;
        this.keys = keys;
    }

    public void addId(String id) {
        ids = append(ids, id);
    }

    /** Adds {@code key} unless the week has it already (a vendor billing one amount twice a week). */
    public void addKey(String key) {
        for (String k : keys) {
            if (k.equals(key)) {
                return;
            }
        }
        keys = append(keys, key);
    }

    /** The ids' stage is done: they are forgotten. */
    public void clearIds() {
        ids = NONE;
    }

    /** The keys' stage is done: they are expired. */
    public void clearKeys() {
        keys = NONE;
    }

    public boolean isEmpty() {
        return ids.length == 0 && keys.length == 0;
    }

    private static String[] append(String[] a, String s) {
        String[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = s;
        return out;
    }
}

package io.invoicesieve.state;

import java.util.Arrays;

/**
 * The small per-vendor values the scorer reads and writes on every first delivery, stored together
 * as one value (state {@code vendor-profile}, since 0.2.0): the amount history per currency, the
 * remit accounts, the pending cleanup timer and the directory of the vendor's expiry index (the open
 * week, the weeks stored in {@code expiry-index}, how far each purge stage got; see
 * {@code detect/duplicates/ExpiryIndex}). Until 0.1.0 the first three were three states
 * ({@code amount-history}, {@code vendor-accounts}, {@code cleanup-timer}): five RocksDB accesses per
 * invoice, now two. {@code functions/VendorHistory} moves a key's 0.1.0 states into it the first
 * time it meets the key. Serialized by {@link StateSerializers.VendorProfiles}.
 */
public class VendorProfile {

    /** No cleanup timer pending. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    private static final String[] NO_CURRENCIES = new String[0];
    private static final AmountHistory[] NO_AMOUNTS = new AmountHistory[0];

    /** Currencies with an amount history, parallel to {@link #amounts}; one for most vendors. */
    public String[] currencies = NO_CURRENCIES;
    public AmountHistory[] amounts = NO_AMOUNTS;
    /** The vendor's remit accounts, or null when it used none within the retention. */
    public AccountHistory[] accounts;
    /** Event time of the pending cleanup timer, or {@link #NO_TIMER}. */
    public long cleanupTimer = NO_TIMER;

    /** No week (the vendor's index has never had one, or no purge stage has run). */
    public static final int NO_WEEK = Integer.MIN_VALUE;
    private static final int[] NO_WEEKS = new int[0];

    /** The week the latest first deliveries were in, kept here until a later week starts, or {@link #NO_WEEK}. */
    public int openWeek = NO_WEEK;
    /** The open week's ids and keys (written to {@code expiry-index} when a later week starts). */
    public ExpiryBucket open = new ExpiryBucket();
    /** The weeks in {@code expiry-index}, ascending, all before {@link #openWeek}. */
    public int[] weeks = NO_WEEKS;
    /** Every stored week up to this one has had its duplicate-index keys expired, or {@link #NO_WEEK}. */
    public int keysPurgedThrough = NO_WEEK;
    /** Every stored week up to this one has had its ids forgotten, or {@link #NO_WEEK}. */
    public int idsPurgedThrough = NO_WEEK;
    /**
     * Not stored: true when the key's ids and duplicate-index entries may be missing from the expiry
     * index (a profile written before it, a key restored from 0.1.0), so that VendorHistory builds it.
     */
    public transient boolean unindexed;

    public VendorProfile() {}

    /** The amount history of {@code currency}, or null. */
    public AmountHistory amounts(String currency) {
        int i = indexOf(currency);
        return i < 0 ? null : amounts[i];
    }

    /** Sets (or adds) the amount history of {@code currency}. */
    public void putAmounts(String currency, AmountHistory history) {
        int i = indexOf(currency);
        if (i >= 0) {
            amounts[i] = history;
            return;
        }
        currencies = Arrays.copyOf(currencies, currencies.length + 1);
        amounts = Arrays.copyOf(amounts, amounts.length + 1);
        currencies[currencies.length - 1] = currency;
        amounts[amounts.length - 1] = history;
    }

    /** Keeps only the amount histories {@code keep} says to, in order. */
    public void retainAmounts(boolean[] keep) {
        int n = 0;
        for (boolean k : keep) {
            n += k ? 1 : 0;
        }
        String[] c = new String[n];
        AmountHistory[] a = new AmountHistory[n];
        for (int i = 0, j = 0; i < keep.length; i++) {
            if (keep[i]) {
                c[j] = currencies[i];
                a[j++] = amounts[i];
            }
        }
        currencies = c;
        amounts = a;
    }

    /** Nothing left to keep: the state can be cleared. */
    public boolean isEmpty() {
        return currencies.length == 0 && accounts == null && cleanupTimer == NO_TIMER
                && open.isEmpty() && weeks.length == 0;
    }

    private int indexOf(String currency) {
        for (int i = 0; i < currencies.length; i++) {
            if (currencies[i].equals(currency)) {
                return i;
            }
        }
        return -1;
    }
}

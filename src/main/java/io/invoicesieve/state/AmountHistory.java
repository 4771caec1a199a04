package io.invoicesieve.state;

/**
 * The most recent positive amounts of one (tenant, vendor, currency), as a ring buffer of
 * log-amounts with their event days. Bounded twice: by {@code sieve.amount.max-samples} and by the
 * event-time window. Exact median and MAD over at most a few dozen samples are cheaper and more
 * accurate for a vendor's history than a mergeable sketch, and the value stays one small
 * RocksDB entry.
 */
public class AmountHistory {

    public double[] logAmounts;
    public int[] days;
    /** Number of valid samples. */
    public int size;
    /** Next write position in the ring. */
    public int next;

    public AmountHistory() {}

    public static AmountHistory withCapacity(int capacity) {
        AmountHistory h = new AmountHistory();
        h.logAmounts = new double[capacity];
        h.days = new int[capacity];
        return h;
    }

    public void add(double logAmount, int day) {
        if (logAmounts.length == 0) {
            return;
        }
        logAmounts[next] = logAmount;
        days[next] = day;
        next = (next + 1) % logAmounts.length;
        if (size < logAmounts.length) {
            size++;
        }
    }

    /** Drops samples older than {@code minDay}; returns whether any remain. */
    public boolean evictBefore(int minDay) {
        int cap = logAmounts.length;
        int kept = 0;
        double[] a = new double[cap];
        int[] d = new int[cap];
        // oldest first
        for (int i = 0; i < size; i++) {
            int idx = Math.floorMod(next - size + i, cap);
            if (days[idx] >= minDay) {
                a[kept] = logAmounts[idx];
                d[kept] = days[idx];
                kept++;
            }
        }
        if (kept != size) {
            logAmounts = a;
            days = d;
            size = kept;
            next = kept % cap;
        }
        return size > 0;
    }

    public int oldestDay() {
        int min = Integer.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            int idx = Math.floorMod(next - size + i, logAmounts.length);
            min = Math.min(min, days[idx]);
        }
        return min;
    }
}

package io.invoicesieve.detect;

/** Event-time arithmetic for cleanup timers. */
public final class EventTimes {

    public static final long DAY = 86_400_000L;

    private EventTimes() {}

    /**
     * Rounds a cleanup time up to the next midnight (UTC), so that a key gets at most one cleanup
     * timer a day however many invoices it sees: fewer timers, at the price of keeping state up to
     * a day longer than its retention.
     */
    public static long ceilDay(long time) {
        return ceil(time, DAY);
    }

    /** Rounds up to the next multiple of {@code interval} (epoch-aligned), strictly after {@code time}. */
    public static long ceil(long time, long interval) {
        return Math.floorDiv(time, interval) * interval + interval;
    }

    public static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}

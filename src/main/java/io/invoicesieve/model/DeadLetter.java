package io.invoicesieve.model;

/** A record that is not a valid invoice: the raw payload, why, and where it came from. */
public class DeadLetter {

    /**
     * How the reason of an invoice whose event_time lies too far ahead of the clock starts
     * (sieve.input.max-future-skew): counted by the futureEventsRejected metric.
     */
    public static final String FUTURE_EVENT_TIME = "field 'event_time' is ahead of the clock";

    /** How the reason of a decision that a sink would refuse starts (sinks/SinkLimits). */
    public static final String SINK_LIMIT = "sink limit: ";

    public String raw;
    public String reason;
    /** Where the record came from: "file:line 12", "kafka:invoices/3@1042". */
    public String origin;
    /** Processing time at which the record was rejected, epoch millis. */
    public long rejectedAt;

    public DeadLetter() {}

    public DeadLetter(String raw, String reason, String origin, long rejectedAt) {
        this.raw = raw;
        this.reason = reason;
        this.origin = origin;
        this.rejectedAt = rejectedAt;
    }

    /**
     * The end of a raw payload that was cut (contract/dead-letter.schema.json): the payload's
     * length in bytes follows, e.g. {@code …[truncated: 104857600 bytes in all]}.
     */
    public static String truncationMarker(long totalBytes) {
        return "\u2026[truncated: " + totalBytes + " bytes in all]";
    }

    /** A duration as the reasons write it: "15 minutes", "90 seconds". */
    public static String describe(java.time.Duration d) {
        long seconds = d.getSeconds();
        return seconds % 60 == 0 ? seconds / 60 + " minutes" : seconds + " seconds";
    }

    @Override
    public String toString() {
        return origin + ": " + reason;
    }
}

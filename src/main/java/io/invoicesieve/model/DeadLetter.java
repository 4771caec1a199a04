package io.invoicesieve.model;

/** A record that is not a valid invoice: the raw payload, why, and where it came from. */
public class DeadLetter {

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

    @Override
    public String toString() {
        return origin + ": " + reason;
    }
}

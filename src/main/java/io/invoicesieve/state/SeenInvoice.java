package io.invoicesieve.state;

/**
 * What the duplicate index remembers of an earlier invoice: just enough to compare and to name it
 * in the evidence (about 60 bytes serialized, {@link StateSerializers.SeenInvoices}). A Flink POJO
 * still, because a 0.1.0 savepoint wrote it with the PojoSerializer and restoring it needs that.
 *
 * <p>Never change the fields of an instance read from state: build a new one. The state serializer
 * writes an entry it read back as the bytes it read ({@link #encoded}), not from the fields.
 */
public class SeenInvoice {

    public String invoiceId;
    public String invoiceNumber;
    /** {@code InvoiceNumbers.normalize(invoiceNumber)}, computed once when indexed. */
    public String normalizedNumber;
    /** Amount in thousandths of the currency unit (covers every ISO 4217 minor unit). */
    public long amountMilli;
    public String currency;
    /** Invoice date as epoch day. */
    public int invoiceDay;
    public long eventTime;

    /**
     * The entry's bytes in {@code duplicate-index}'s format, as read from state; null for an entry
     * built here. Transient: not a field of the POJO (whose 0.1.0 format a savepoint holds), not copied.
     */
    transient byte[] encoded;

    public SeenInvoice() {}

    public SeenInvoice(String invoiceId, String invoiceNumber, String normalizedNumber, long amountMilli, String currency, int invoiceDay, long eventTime) {
        this.invoiceId = invoiceId;
        this.invoiceNumber = invoiceNumber;
        this.normalizedNumber = normalizedNumber;
        this.amountMilli = amountMilli;
        this.currency = currency;
        this.invoiceDay = invoiceDay;
        this.eventTime = eventTime;
    }
}

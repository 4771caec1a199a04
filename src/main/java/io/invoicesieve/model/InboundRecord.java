package io.invoicesieve.model;

/**
 * What a source emits: a parsed invoice or a dead letter, exactly one of them set. Parsing happens
 * in the source's deserializer so that watermarks are generated per split (Kafka partition) from
 * the invoices' event times, and every payload is parsed exactly once.
 */
public class InboundRecord {

    public Invoice invoice;
    public DeadLetter deadLetter;

    public InboundRecord() {}

    public static InboundRecord of(Invoice invoice) {
        InboundRecord r = new InboundRecord();
        r.invoice = invoice;
        return r;
    }

    public static InboundRecord of(DeadLetter deadLetter) {
        InboundRecord r = new InboundRecord();
        r.deadLetter = deadLetter;
        return r;
    }
}

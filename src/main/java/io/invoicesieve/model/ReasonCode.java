package io.invoicesieve.model;

/** Reason codes of the decision contract (decision.schema.json). Never rename: they are stored. */
public enum ReasonCode {
    DUPLICATE_EXACT,
    DUPLICATE_SUSPECT,
    AMOUNT_ANOMALY,
    BANK_CHANGE,
    BANK_SHARED,
    LOW_CONFIDENCE,
    LATE_EVENT,
    /** The vendor has confirmed fraud (an analyst's FRAUD disposition or a VENDOR_RISK control). */
    VENDOR_RISK
}

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
    VENDOR_RISK,
    /**
     * An invoice_id delivered again with other payment content (amount, currency, remit account or
     * bank code, number, date) than its last decision: always HOLD (decide/Decider).
     */
    CHANGED_REDELIVERY,
    /**
     * The duplicate lookup had more candidates than {@code sieve.duplicates.max-comparisons}: the check
     * is incomplete, so the invoice is at least REVIEW (decide/Decider).
     */
    CANDIDATE_CAP
}

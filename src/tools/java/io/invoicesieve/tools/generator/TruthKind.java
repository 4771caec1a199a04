package io.invoicesieve.tools.generator;

/**
 * Ground-truth label of one line of a generated invoices.jsonl.
 *
 * <p>Low extraction confidence, late delivery and replay are orthogonal flags (own truth columns), not
 * kinds.
 */
public enum TruthKind {
    /** Ordinary invoice. */
    CLEAN(false),
    /** Subscription invoice: same amount every month, sequential numbers. Must not be flagged. */
    RECURRING(false),
    /** Negative amount referring to an earlier invoice of the same vendor. Not a duplicate. */
    CREDIT_NOTE(false),
    /** A legitimate month at 1.5x-2.2x the vendor's usual amount. Must not be flagged. */
    MILD_VARIATION(false),
    /**
     * Legitimate invoice of a high-volume supplier (carrier, utility, telecom): many a day, most at a
     * few fixed price points, sequential numbers. Must not be flagged.
     */
    HIGH_VOLUME(false),
    /** An invoice entered again after a credit note of its full amount reversed it: a correction. */
    REENTRY(false),
    /** Resubmission: same number, amount, currency and invoice date. */
    DUP_EXACT(true),
    /** Resubmission with the number re-keyed or misread (OCR confusions, separators, prefixes...). */
    DUP_REKEYED(true),
    /** Resubmission with the same number and a mistyped amount (transposed digits, cents to ~1% off). */
    DUP_AMOUNT_TYPO(true),
    /** Resubmission with the same amount and invoice date under a completely new number. */
    DUP_NEW_NUMBER(true),
    /**
     * The same invoice entered under the other vendor id of a supplier created twice in the vendor
     * master (both ids share the remit account): same or re-keyed number, same amount, date close.
     */
    DUP_CROSS_VENDOR(true),
    /** A credit note entered twice. */
    DUP_CREDIT_NOTE(true),
    /** Reversed by a full credit note, entered again (REENTRY), and then entered a third time. */
    DUP_AFTER_REVERSAL(true),
    /** Entered again after a partial credit note, which cancels nothing. */
    DUP_AFTER_PARTIAL_CREDIT(true),
    /** Amount far outside the vendor's own history (vendor has at least 12 prior invoices). */
    AMOUNT_ANOMALY(true),
    /** First invoice asking payment to an account the vendor never used before. */
    BANK_CHANGE(true),
    /** A bank change whose first invoice also carries an amount well above the vendor's usual. */
    BANK_CHANGE_HIGH_AMOUNT(true),
    /** First invoice asking payment to an account another vendor of the same tenant already used. */
    BANK_SHARED(true),
    /** Line that violates the contract; must go to the dead-letter output. */
    MALFORMED(true);

    private final boolean signal;

    TruthKind(boolean signal) {
        this.signal = signal;
    }

    /** True when a detector is expected to flag (or reject) the line; false for the clean kinds. */
    public boolean isSignal() {
        return signal;
    }

    public boolean isDuplicate() {
        return name().startsWith("DUP_");
    }
}

package io.invoicesieve.detect.duplicates;

import io.invoicesieve.model.ReasonCode;

/** How a resubmission matches its original, strongest first. */
public enum MatchKind {
    /** Same number, amount, currency and invoice date: SAP's six-field check. */
    EXACT(ReasonCode.DUPLICATE_EXACT, 0.97),
    /** Same number once OCR confusions, separators, case and leading zeros are folded; same amount. */
    NUMBER_EQUIVALENT(ReasonCode.DUPLICATE_SUSPECT, 0.9),
    /**
     * The number with a short prefix or suffix added or dropped ("AR-AMC1234", "89091-COPY"), or
     * the same digit groups under another format ("No. SI 4614" for "SI 004614"); same amount,
     * dates close.
     */
    NUMBER_AFFIX(ReasonCode.DUPLICATE_SUSPECT, 0.85),
    /** Same number, amount off by a typing slip (transposed digits, up to 1%), dates close. */
    AMOUNT_TYPO(ReasonCode.DUPLICATE_SUSPECT, 0.75),
    /** Same amount and invoice date under a different number. */
    SAME_AMOUNT_AND_DATE(ReasonCode.DUPLICATE_SUSPECT, 0.65);

    public final ReasonCode code;
    public final double score;

    MatchKind(ReasonCode code, double score) {
        this.code = code;
        this.score = score;
    }
}

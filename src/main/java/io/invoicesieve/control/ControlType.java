package io.invoicesieve.control;

/** What a control change does (control.schema.json {@code type}; dispositions map onto these). */
public enum ControlType {
    /** Per-tenant REVIEW/HOLD thresholds. */
    TENANT_THRESHOLDS,
    /** A reason code switched off (or on again) for a tenant or every tenant ('*'). */
    REASON_SWITCH,
    /** A remit account verified for a vendor: no BANK_CHANGE for it. */
    VERIFIED_ACCOUNT,
    /** Two vendor ids of one supplier: no BANK_SHARED between them. */
    SAME_SUPPLIER,
    /** Two vendor ids known to be different suppliers (for cross-vendor detectors). */
    DIFFERENT_SUPPLIERS,
    /** Two invoices adjudicated "not a duplicate": never matched again, nor copies of them with each other. */
    NOT_DUPLICATE_PAIR,
    /** Extra risk of a vendor (confirmed fraud): a VENDOR_RISK reason on its invoices. */
    VENDOR_RISK,
    /** A pair-model artifact, kept in state under its version. */
    MODEL_PUBLISH,
    /** The model version the job scores with ('rules-only': none). */
    MODEL_ACTIVATE,
    /** A verdict without a runtime effect (CONFIRMED_DUPLICATE, FALSE_POSITIVE): audited, a training label. */
    LABEL
}

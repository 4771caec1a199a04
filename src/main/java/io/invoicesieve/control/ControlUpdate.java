package io.invoicesieve.control;

/**
 * One change of the analysts' controls, as it travels from the control source to the operators
 * (broadcast) and sits in their broadcast state {@code analyst-controls} under {@link #stateKey()}.
 * A POJO (Flink's PojoSerializer, no Kryo); fields that do not apply stay null. Parsed from a
 * disposition (disposition.schema.json) or a control (control.schema.json) by {@link ControlCodec}.
 */
public class ControlUpdate {

    /** disposition_id or control_id. */
    public String id;
    /** "disposition" or "control". */
    public String origin;
    public ControlType type;
    /** Dispositions: the analyst's verdict (CONFIRMED_DUPLICATE, NOT_DUPLICATE, ...). */
    public String verdict;
    public String tenantId;
    public String vendorId;
    public String otherVendorId;
    /** The decision's invoice (dispositions) or the pair's first invoice. */
    public String invoiceId;
    public String matchedInvoiceId;
    /** Document fingerprints of the pair ({@link PairKeys#fingerprint}). */
    public String fingerprint;
    public String matchedFingerprint;
    public String accountSha256;
    public String accountMasked;
    public Double reviewThreshold;
    public Double holdThreshold;
    public String reasonCode;
    public Boolean enabled;
    public Double risk;
    public String modelVersion;
    /** MODEL_PUBLISH: the artifact JSON. */
    public String model;
    public boolean revoke;
    public String actor;
    /** When the analyst or operator made the change, epoch ms. */
    public long at;
    public String note;
    /** The record as received, for the audit table. */
    public String json;

    public ControlUpdate() {}

    /**
     * The broadcast-state key of the entry this change sets (or, revoked, removes); null for changes
     * without a runtime effect (labels).
     */
    public String stateKey() {
        switch (type) {
            case TENANT_THRESHOLDS:
                return "T\u001f" + tenantId;
            case REASON_SWITCH:
                return "S\u001f" + tenantId + '\u001f' + reasonCode;
            case VERIFIED_ACCOUNT:
                return "A\u001f" + tenantId + '\u001f' + vendorId + '\u001f' + accountSha256;
            case SAME_SUPPLIER:
                return "V\u001f" + PairKeys.vendorPair(tenantId, vendorId, otherVendorId);
            case DIFFERENT_SUPPLIERS:
                return "D\u001f" + PairKeys.vendorPair(tenantId, vendorId, otherVendorId);
            case NOT_DUPLICATE_PAIR:
                return "P\u001f" + PairKeys.invoicePair(tenantId, vendorId, fingerprint, matchedFingerprint);
            case VENDOR_RISK:
                return "R\u001f" + tenantId + '\u001f' + vendorId;
            case MODEL_PUBLISH:
                return "M\u001f" + modelVersion;
            case MODEL_ACTIVATE:
                return "ACTIVE-MODEL";
            default:
                return null;
        }
    }

    @Override
    public String toString() {
        return type + " " + id + (verdict == null ? "" : " " + verdict) + " by " + actor;
    }
}

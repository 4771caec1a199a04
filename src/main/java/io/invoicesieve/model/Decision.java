package io.invoicesieve.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.time.Instant;
import java.time.LocalDate;

/** The one decision per distinct (tenant_id, invoice_id) (decision.schema.json). */
@TypeInfo(io.invoicesieve.serde.DecisionSerializer.Factory.class)
public class Decision {

    public String tenantId;
    public String invoiceId;
    public String vendorId;
    public String invoiceNumber;
    @TypeInfo(LocalDateTypeInfo.class)
    public LocalDate invoiceDate;
    /** Plain decimal string, as in the contract. */
    public String amount;
    public String currency;
    public Instant eventTime;
    public DecisionType decision;
    public double riskScore;
    public Reason[] reasons;
    public String[] matchedInvoiceIds;
    public String traceId;
    public Instant decidedAt;
    public String modelVersion;
    public String jobVersion;
    // carried for the analysts' index
    public String description;
    /** Masked remit account (last four characters), for the analyst. */
    public String remitAccount;
    /**
     * The normalized remit account, keying the account-sharing stage; never written to an output.
     */
    public String remitAccountKey;
    public String source;
    public boolean late;

    public Decision() {}

    public boolean flagged() {
        return decision != DecisionType.PASS;
    }

    @Override
    public String toString() {
        return tenantId + "/" + invoiceId + " " + decision + " " + riskScore + " " + java.util.Arrays.toString(reasons);
    }
}

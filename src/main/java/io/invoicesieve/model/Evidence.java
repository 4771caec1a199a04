package io.invoicesieve.model;

/**
 * Machine-readable facts behind a reason. Typed (not a map) so that Flink serializes it without
 * Kryo; fields that do not apply to a reason stay null and are left out of the JSON.
 */
public class Evidence {

    // duplicates
    public String[] matchedInvoiceIds;
    public String[] matchedInvoiceNumbers;
    public String matchedEventTime;
    public String matchedInvoiceDate;
    /** The invoice date of each matched invoice, in the order of matchedInvoiceIds (analysts' queue). */
    public String[] matchedInvoiceDates;
    public String matchedAmount;
    /** How the match was found: EXACT, NUMBER_REKEYED, AMOUNT_TYPO, SAME_AMOUNT_AND_DATE. */
    public String matchKind;
    public Double similarity;
    public Integer candidatesCompared;

    // amounts
    public Double zScore;
    public String vendorMedian;
    public Double vendorSpread;
    public Double ratioToMedian;
    public Integer historySize;

    // bank accounts
    public String account;
    public String firstSeen;
    public String lastSeen;
    public Integer knownAccounts;
    public Integer vendorInvoicesWithAccount;
    public String[] otherVendorIds;

    // other
    public Double extractionConfidence;
    public Long lateByMillis;

    // analysts' controls (VENDOR_RISK)
    public Double vendorRisk;

    public Evidence() {}
}

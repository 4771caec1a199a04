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
    /** CANDIDATE_CAP: the candidates the lookup found (more than it compared). */
    public Integer candidatesTotal;
    /** CANDIDATE_CAP: sieve.duplicates.max-comparisons when the lookup ran. */
    public Integer comparisonCap;

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
    /**
     * BANK_SHARED: how many other vendors the account has (at least otherVendorIds.length; the state
     * lists a bounded number of them, detect/shared/SharedAccountDetector).
     */
    public Integer otherVendorCount;

    // re-deliveries (CHANGED_REDELIVERY)
    /** Event time of the first delivery of this invoice_id. */
    public String firstDeliveredAt;
    /** The content digest of this delivery, 16 hex digits (detect/duplicates/ContentDigest). */
    public String contentDigest;
    /** The content digest the previous decision of this invoice_id was made on. */
    public String previousContentDigest;

    // other
    public Double extractionConfidence;
    public Long lateByMillis;

    // analysts' controls (VENDOR_RISK)
    public Double vendorRisk;

    public Evidence() {}
}

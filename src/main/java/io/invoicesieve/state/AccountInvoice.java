package io.invoicesieve.state;

/**
 * What the account-sharing stage remembers of an invoice paid to the account, for the cross-vendor
 * duplicate match: the duplicate index's fields plus the vendor id, since the account is shared by
 * several vendor ids of the tenant. A POJO of its own (not a new field of {@link SeenInvoice}), so
 * that the vendor-keyed {@code duplicate-index} keeps its 0.1.0 layout. About 90 bytes serialized.
 */
public class AccountInvoice extends SeenInvoice {

    public String vendorId;

    public AccountInvoice() {}

    public AccountInvoice(String vendorId, String invoiceId, String invoiceNumber, String normalizedNumber,
            long amountMilli, String currency, int invoiceDay, long eventTime) {
        super(invoiceId, invoiceNumber, normalizedNumber, amountMilli, currency, invoiceDay, eventTime);
        this.vendorId = vendorId;
    }
}

package io.invoicesieve.control;

import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.bank.Accounts;
import io.invoicesieve.detect.duplicates.InvoiceNumbers;
import io.invoicesieve.state.SeenInvoice;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;

/** The keys of the allow-lists: document fingerprints, ordered pairs, account hashes. */
public final class PairKeys {

    private PairKeys() {}

    /**
     * What identifies an invoice document independent of its invoice_id: normalized number, amount,
     * currency, invoice date. A later copy of a document has the same fingerprint, so a pair
     * adjudicated "not a duplicate" stays so for copies of either side.
     */
    public static String fingerprint(String normalizedNumber, long amountMilli, String currency, int invoiceDay) {
        return normalizedNumber + '|' + amountMilli + '|' + currency + '|' + invoiceDay;
    }

    public static String fingerprint(SeenInvoice s) {
        return fingerprint(s.normalizedNumber, s.amountMilli, s.currency, s.invoiceDay);
    }

    public static String fingerprint(String invoiceNumber, String amount, String currency, String invoiceDate) {
        return fingerprint(InvoiceNumbers.normalize(invoiceNumber), Money.toMilli(new BigDecimal(amount.trim())),
                currency, (int) LocalDate.parse(invoiceDate).toEpochDay());
    }

    /** (tenant, vendor, the two fingerprints in order). */
    public static String invoicePair(String tenantId, String vendorId, String a, String b) {
        return a.compareTo(b) <= 0
                ? tenantId + '\u001f' + vendorId + '\u001f' + a + '\u001f' + b
                : tenantId + '\u001f' + vendorId + '\u001f' + b + '\u001f' + a;
    }

    /** (tenant, the two vendor ids in order). */
    public static String vendorPair(String tenantId, String a, String b) {
        return a.compareTo(b) <= 0 ? tenantId + '\u001f' + a + '\u001f' + b : tenantId + '\u001f' + b + '\u001f' + a;
    }

    /** SHA-256 (hex) of the normalized account: how accounts travel in dispositions and controls. */
    public static String accountSha256(String account) {
        String normalized = Accounts.normalize(account);
        if (normalized == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

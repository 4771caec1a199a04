package io.invoicesieve.testing;

import io.invoicesieve.model.Invoice;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.invoicesieve.testing.Fixtures.BASE;
import static io.invoicesieve.testing.Fixtures.invoice;

/**
 * The deterministic traffic a release savepoint is taken after ({@link #beforeSavepoint}) and the
 * traffic the restore test sends after restoring it ({@link #afterRestore}). The facts the restore
 * test checks rest on the first list: only add to it, never change what is there, or the
 * savepoints of earlier releases no longer match (savepoints/README.md).
 */
public final class ReleaseTraffic {

    /** Sent before the savepoint; re-sent under a new id after the restore: DUPLICATE_EXACT of this. */
    public static final String ORIGINAL_ID = "sp-dup-1";
    public static final String RESUBMISSION_ID = "sp-dup-1-resubmitted";
    /** Vendor with {@link #AMOUNT_HISTORY} amounts before the savepoint; the outlier comes after. */
    public static final String OUTLIER_ID = "sp-amt-outlier";
    public static final int AMOUNT_HISTORY = 10;
    /** Vendor with 4 invoices on {@link #KNOWN_ACCOUNT} before; after: one on it, one on a new account. */
    public static final String KNOWN_ACCOUNT_ID = "sp-bank-known";
    public static final String NEW_ACCOUNT_ID = "sp-bank-new";
    public static final String KNOWN_ACCOUNT = "GB29NWBK60161331926819";
    /** Account of vendor V-3004 (globex) before; used by V-3006 after: BANK_SHARED naming V-3004. */
    public static final String SHARED_ACCOUNT_ID = "sp-share-other";
    public static final String SHARED_ACCOUNT = "FR7630006000011234567890189";

    private static final LocalDate ORIGINAL_DATE = LocalDate.ofInstant(BASE.plusMillis(10 * Fixtures.DAY), ZoneOffset.UTC);
    private static final String[] AMOUNTS = {"1000.00", "1100.00", "1050.00"};

    private ReleaseTraffic() {}

    /** About 60 invoices over 70 days, 2 tenants, 12 vendors, one replay; ends with a fresh invoice. */
    public static List<Invoice> beforeSavepoint() {
        List<Invoice> out = new ArrayList<>();
        out.add(original());
        for (int i = 0; i < AMOUNT_HISTORY; i++) {
            out.add(invoice("sp-amt-" + i).vendor("V-3002").number(String.format("AMT-%03d", 100 + 37 * i))
                    .amount(AMOUNTS[i % 3]).account("DE02120300000000202051").day(i * 6).build());
            if (i == 5) {
                // a re-delivery: suppressed by the replay filter, no decision
                out.add(invoice("sp-amt-3").vendor("V-3002").number(String.format("AMT-%03d", 100 + 37 * 3))
                        .amount(AMOUNTS[0]).account("DE02120300000000202051").day(18).build());
            }
        }
        for (int i = 0; i < 4; i++) {
            out.add(invoice("sp-bank-" + i).vendor("V-3003").number("BNK-" + (10 * i + 3))
                    .amount(String.valueOf(800 + 15 * i) + ".00").account(KNOWN_ACCOUNT).day(5 + 15 * i).build());
        }
        for (int i = 0; i < 2; i++) {
            out.add(invoice("sp-share-" + i).tenant("globex").vendor("V-3004").number("SH-" + (i + 1))
                    .amount("310.00").account(SHARED_ACCOUNT).day(20 + 20 * i).build());
        }
        for (String tenant : new String[] {"acme", "globex"}) {
            for (int v = 1; v <= 4; v++) {
                for (int i = 0; i < 5; i++) {
                    out.add(invoice("sp-f-" + tenant + "-" + v + "-" + i).tenant(tenant).vendor("F-" + v)
                            .number("F" + v + "/" + tenant + "/" + (i * 11 + 1)).amount((100 * v + 7 * i) + ".50")
                            .account("DE7550010517000000000" + v).day(i * 12 + v).build());
                }
            }
        }
        return out;
    }

    /** After the restore: a resubmission, a replay, an outlier, known/new/shared accounts; 6 decisions. */
    public static List<Invoice> afterRestore() {
        List<Invoice> out = new ArrayList<>();
        out.add(invoice(OUTLIER_ID).vendor("V-3002").number("AMT-OUT").amount("40000.00")
                .account("DE02120300000000202051").day(80).build());
        out.add(invoice(KNOWN_ACCOUNT_ID).vendor("V-3003").number("BNK-KNOWN").amount("815.00")
                .account(KNOWN_ACCOUNT).day(81).build());
        out.add(invoice(NEW_ACCOUNT_ID).vendor("V-3003").number("BNK-NEW").amount("830.00")
                .account("NL91ABNA0417164300").day(82).build());
        out.add(invoice(SHARED_ACCOUNT_ID).tenant("globex").vendor("V-3006").number("X-77").amount("120.00")
                .account(SHARED_ACCOUNT).day(83).build());
        out.add(original()); // a re-delivery of an invoice seen before the savepoint: suppressed
        out.add(invoice(RESUBMISSION_ID).vendor("V-3001").number("INV-SP-0001").amount("4200.00")
                .account("DE89370400440532013000").day(85).invoiceDate(ORIGINAL_DATE).build());
        out.add(invoice("sp-after-end").vendor("V-3099").number("END-1").amount("99.00").day(86).build());
        return out;
    }

    /** Another resubmission of the original (same number, amount and date), under {@code id}. */
    public static Invoice resubmission(String id, int day) {
        return invoice(id).vendor("V-3001").number("INV-SP-0001").amount("4200.00")
                .account("DE89370400440532013000").day(day).invoiceDate(ORIGINAL_DATE).build();
    }

    /** Another outlier at the vendor with the amount history. */
    public static Invoice outlier(String id, String amount, int day) {
        return invoice(id).vendor("V-3002").number("AMT-" + id).amount(amount)
                .account("DE02120300000000202051").day(day).build();
    }

    private static Invoice original() {
        return invoice(ORIGINAL_ID).vendor("V-3001").number("INV-SP-0001").amount("4200.00")
                .account("DE89370400440532013000").day(10).build();
    }

    /** The number of decisions the invoices yield: one per distinct (tenant, invoice_id). */
    public static int distinct(List<Invoice> invoices) {
        Set<String> ids = new LinkedHashSet<>();
        for (Invoice inv : invoices) {
            ids.add(inv.tenantId + "/" + inv.invoiceId);
        }
        return ids.size();
    }
}

package io.invoicesieve.detect;

import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.SeenInvoice;

import org.apache.commons.text.similarity.JaroWinklerSimilarity;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** Builds each reason: its score, the analyst's sentence and the evidence. Only on the flagged path. */
public final class Reasons {

    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();

    private Reasons() {}

    public static Reason duplicate(SeenInvoice probe, DuplicateDetector.Result result) {
        SeenInvoice original = result.matches.get(0);
        MatchKind kind = result.kind;
        Evidence e = new Evidence();
        List<SeenInvoice> matches = result.matches;
        e.matchedInvoiceIds = new String[matches.size()];
        e.matchedInvoiceNumbers = new String[matches.size()];
        for (int i = 0; i < matches.size(); i++) {
            e.matchedInvoiceIds[i] = matches.get(i).invoiceId;
            e.matchedInvoiceNumbers[i] = matches.get(i).invoiceNumber;
        }
        e.matchKind = kind.name();
        e.matchedEventTime = Instant.ofEpochMilli(original.eventTime).toString();
        e.matchedInvoiceDate = LocalDate.ofEpochDay(original.invoiceDay).toString();
        e.matchedAmount = Money.fromMilli(original.amountMilli).toPlainString();
        e.similarity = round(JARO_WINKLER.apply(probe.invoiceNumber, original.invoiceNumber), 3);
        e.candidatesCompared = result.compared;
        String from = LocalDate.ofEpochDay(original.invoiceDay).toString();
        String amount = Money.display(probe.amountMilli, probe.currency);
        String detail;
        switch (kind) {
            case EXACT:
                detail = String.format(Locale.ROOT,
                        "Invoice number %s was already submitted as invoice %s dated %s, same amount %s",
                        probe.invoiceNumber, original.invoiceId, from, amount);
                break;
            case NUMBER_EQUIVALENT:
            case NUMBER_AFFIX:
                detail = String.format(Locale.ROOT,
                        "Invoice number %s matches %s from %s, same amount %s",
                        probe.invoiceNumber, original.invoiceNumber, from, amount);
                break;
            case AMOUNT_TYPO:
                detail = String.format(Locale.ROOT,
                        "Invoice number %s matches %s from %s, amount %s differs from %s by a typing slip",
                        probe.invoiceNumber, original.invoiceNumber, from, amount,
                        Money.display(original.amountMilli, original.currency));
                break;
            default:
                detail = String.format(Locale.ROOT,
                        "Same amount %s and invoice date %s as invoice %s (number %s)",
                        amount, from, original.invoiceId, original.invoiceNumber);
        }
        if (matches.size() > 1) {
            detail += String.format(Locale.ROOT, " (and %d more earlier invoice%s)", matches.size() - 1,
                    matches.size() > 2 ? "s" : "");
        }
        return new Reason(kind.code, kind.score, detail, e);
    }

    /** AMOUNT_ANOMALY: score 0.55 at the threshold, growing towards 0.9 with the distance. */
    public static Reason amountAnomaly(
            double z, double ratio, RobustStats stats, double spread, long amountMilli, String currency, double zThreshold) {
        double score = 0.55 + 0.35 * (1.0 - zThreshold / Math.abs(z));
        Evidence e = new Evidence();
        e.zScore = round(z, 2);
        e.ratioToMedian = round(ratio, 3);
        long medianMilli = Math.round(Math.exp(stats.median) * 1000);
        e.vendorMedian = Money.fromMilli(medianMilli).toPlainString();
        e.vendorSpread = round(spread, 4);
        e.historySize = stats.size;
        String detail = String.format(Locale.ROOT,
                "Amount %s is %s the vendor's median %s over %d invoices (robust z %.1f)",
                Money.display(amountMilli, currency),
                ratio >= 1 ? String.format(Locale.ROOT, "%.1fx", ratio)
                        : String.format(Locale.ROOT, "1/%.0f of", 1 / ratio),
                Money.display(medianMilli, currency), stats.size, z);
        return new Reason(ReasonCode.AMOUNT_ANOMALY, round(score, 4), detail, e);
    }

    public static Reason bankChange(
            String account, AccountHistory[] known, int invoicesWithAccount, double ratioToMedian, boolean highAmount) {
        Evidence e = new Evidence();
        e.account = Accounts.mask(account);
        e.knownAccounts = known == null ? 0 : known.length;
        e.vendorInvoicesWithAccount = invoicesWithAccount;
        if (known != null && known.length > 0) {
            AccountHistory usual = known[0];
            for (AccountHistory k : known) {
                if (k.count > usual.count) {
                    usual = k;
                }
            }
            e.firstSeen = Instant.ofEpochMilli(usual.firstSeen).toString();
            e.lastSeen = Instant.ofEpochMilli(usual.lastSeen).toString();
        }
        if (!Double.isNaN(ratioToMedian)) {
            e.ratioToMedian = round(ratioToMedian, 3);
        }
        String detail = String.format(Locale.ROOT,
                "First invoice asking payment to account %s, never used by this vendor in %d earlier invoices",
                e.account, invoicesWithAccount);
        if (highAmount) {
            detail += String.format(Locale.ROOT, ", for %.1fx the vendor's median amount: the first payment to a new account waits", ratioToMedian);
        }
        return new Reason(ReasonCode.BANK_CHANGE, highAmount ? 0.9 : 0.6, detail, e);
    }

    public static Reason bankShared(String account, String[] otherVendors, long firstSeen) {
        Evidence e = new Evidence();
        e.account = Accounts.mask(account);
        e.otherVendorIds = otherVendors;
        if (firstSeen > 0) {
            e.firstSeen = Instant.ofEpochMilli(firstSeen).toString();
        }
        String detail = String.format(Locale.ROOT,
                "Remit account %s is already used by vendor%s %s in this tenant",
                e.account, otherVendors.length > 1 ? "s" : "", String.join(", ", otherVendors));
        return new Reason(ReasonCode.BANK_SHARED, 0.7, detail, e);
    }

    public static Reason lowConfidence(double confidence, double threshold) {
        Evidence e = new Evidence();
        e.extractionConfidence = confidence;
        String detail = String.format(Locale.ROOT,
                "Extracted with low confidence %.2f (below %.2f): check the fields against the document",
                confidence, threshold);
        return new Reason(ReasonCode.LOW_CONFIDENCE, 0.5, detail, e);
    }

    public static Reason late(long lateByMillis) {
        Evidence e = new Evidence();
        e.lateByMillis = lateByMillis;
        String detail = String.format(Locale.ROOT,
                "Arrived %d s behind the event-time watermark; scored against the history known then",
                lateByMillis / 1000);
        return new Reason(ReasonCode.LATE_EVENT, 0.0, detail, e);
    }

    static double round(double value, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(value * f) / f;
    }
}

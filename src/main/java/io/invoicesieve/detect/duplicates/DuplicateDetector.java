package io.invoicesieve.detect.duplicates;

import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.state.SeenInvoice;

import org.apache.commons.text.similarity.JaroWinklerSimilarity;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds earlier invoices of the same (tenant, vendor) that an invoice resubmits.
 *
 * <p>Candidates come from two blocking keys, so that the comparisons per invoice stay small: the
 * normalized number (catches exact, re-keyed and amount-typo resubmissions) and the exact amount
 * (catches a new or affixed number on the same amount). Monthly recurring invoices share the
 * amount key but have different numbers and dates a period apart, so they do not match.
 */
public final class DuplicateDetector {

    /** Longest prefix or suffix by which a re-keyed number may differ ("AR-" + "AMC1234"). */
    static final int MAX_AFFIX = 4;

    private static final JaroWinklerSimilarity JARO_WINKLER = new JaroWinklerSimilarity();

    private DuplicateDetector() {}

    public static String numberKey(String normalizedNumber) {
        return "N" + normalizedNumber;
    }

    public static String amountKey(String currency, long amountMilli) {
        return "A" + currency + amountMilli;
    }

    /** The invoice being scored, in the form of the index. */
    public static SeenInvoice probe(
            String invoiceId, String number, long amountMilli, String currency, int day, long eventTime) {
        return new SeenInvoice(
                invoiceId, number, InvoiceNumbers.normalize(number), amountMilli, currency, day, eventTime);
    }

    /** The result of one search. */
    public static final class Result {
        public MatchKind kind;
        public final List<SeenInvoice> matches = new ArrayList<>(2);
        public int compared;
        public boolean capHit;
    }

    /**
     * Compares {@code probe} with the candidates under its blocking keys.
     *
     * @param buckets candidate arrays read from the index (entries may be null)
     */
    public static Result find(
            SeenInvoice probe, SeenInvoice[][] buckets, long lookbackMillis, int dateToleranceDays, int maxComparisons) {
        Result result = new Result();
        if (probe.amountMilli <= 0) {
            // credit notes and zero amounts are never payment duplicates
            return result;
        }
        for (SeenInvoice[] bucket : buckets) {
            if (bucket == null) {
                continue;
            }
            for (SeenInvoice candidate : bucket) {
                if (candidate.invoiceId.equals(probe.invoiceId)
                        || Math.abs(candidate.eventTime - probe.eventTime) > lookbackMillis
                        || contains(result.matches, candidate.invoiceId)) {
                    continue;
                }
                if (result.compared >= maxComparisons) {
                    result.capHit = true;
                    return result;
                }
                result.compared++;
                MatchKind kind = match(probe, candidate, dateToleranceDays);
                if (kind != null) {
                    if (result.kind == null || kind.ordinal() < result.kind.ordinal()) {
                        result.kind = kind;
                        result.matches.add(0, candidate);
                    } else {
                        result.matches.add(candidate);
                    }
                }
            }
        }
        return result;
    }

    private static boolean contains(List<SeenInvoice> matches, String invoiceId) {
        for (SeenInvoice m : matches) {
            if (m.invoiceId.equals(invoiceId)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameDigits(String a, String b) {
        String skeleton = InvoiceNumbers.digitSkeleton(a);
        return skeleton != null && skeleton.equals(InvoiceNumbers.digitSkeleton(b));
    }

    /** How {@code probe} resubmits {@code original}, or null. */
    public static MatchKind match(SeenInvoice probe, SeenInvoice original, int dateToleranceDays) {
        if (!probe.currency.equals(original.currency) || original.amountMilli <= 0) {
            return null;
        }
        boolean sameAmount = probe.amountMilli == original.amountMilli;
        int dayDiff = Math.abs(probe.invoiceDay - original.invoiceDay);
        boolean datesClose = dayDiff <= dateToleranceDays;
        boolean sameNumber = probe.invoiceNumber.equals(original.invoiceNumber);
        boolean equivalentNumber = probe.normalizedNumber.equals(original.normalizedNumber);
        if (sameAmount) {
            if (sameNumber && dayDiff == 0) {
                return MatchKind.EXACT;
            }
            if (equivalentNumber) {
                return MatchKind.NUMBER_EQUIVALENT;
            }
            if (datesClose && (InvoiceNumbers.affixVariant(probe.normalizedNumber, original.normalizedNumber, MAX_AFFIX)
                    || sameDigits(probe.invoiceNumber, original.invoiceNumber))) {
                return MatchKind.NUMBER_AFFIX;
            }
            if (dayDiff == 0) {
                return MatchKind.SAME_AMOUNT_AND_DATE;
            }
            return null;
        }
        if (equivalentNumber && datesClose && InvoiceNumbers.amountTypo(probe.amountMilli, original.amountMilli)) {
            return MatchKind.AMOUNT_TYPO;
        }
        return null;
    }

    /** DUPLICATE_EXACT or DUPLICATE_SUSPECT: the analyst's sentence and the evidence naming the original. */
    public static Reason reason(SeenInvoice probe, Result result) {
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
        e.similarity = Reasons.round(JARO_WINKLER.apply(probe.invoiceNumber, original.invoiceNumber), 3);
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
}

package io.invoicesieve.detect.duplicates;

import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.SeenInvoice;

import org.apache.commons.text.similarity.JaroWinklerSimilarity;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds earlier invoices of the same (tenant, vendor) that an invoice resubmits.
 *
 * <p>Candidates come from two blocking keys, so that the comparisons per invoice stay small: the
 * normalized number (catches exact, re-keyed and amount-typo resubmissions) and the exact amount
 * (catches a new or affixed number on the same amount). Monthly recurring invoices share the
 * amount key but have different numbers and dates a period apart, so they do not match.
 *
 * <p>Credit notes are matched against credit notes only (a credit note entered twice is a
 * duplicate too): a match needs amounts of the same sign. The weakest match, the same amount and
 * invoice date under another number, is weighed by what is normal for the vendor at that amount
 * (see {@link #sameDayRepeats}): carriers, utilities and telecoms bill the same few amounts many
 * times a day under sequential numbers, and for them it means nothing.
 */
public final class DuplicateDetector {

    /** Longest prefix or suffix by which a re-keyed number may differ ("AR-" + "AMC1234"). */
    static final int MAX_AFFIX = 4;

    /** Up to this many matches, a candidate's id is looked for among them by a scan, beyond it in a set. */
    static final int SCANNED_MATCHES = 8;

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
        /** Whether more candidates were found than compared ({@link #candidates} of them). */
        public boolean capHit;
        /** The candidates found in the lookback and date tolerance, compared or not. */
        public int candidates;
        /**
         * A SAME_AMOUNT_AND_DATE match dropped because the vendor bills this amount several times
         * on one date as a habit (counted in a metric, not reported).
         */
        public boolean habitual;
    }

    /** {@link #find} without weighing the same-amount-and-date match by the vendor's habit. */
    public static Result find(
            SeenInvoice probe, SeenInvoice[][] buckets, long lookbackMillis, int dateToleranceDays, int maxComparisons) {
        return find(probe, buckets, lookbackMillis, dateToleranceDays, maxComparisons, Integer.MAX_VALUE);
    }

    /**
     * Compares {@code probe} with the candidates under its blocking keys.
     *
     * <p>The first bucket is the number bucket (every candidate compared), the second the amount
     * bucket: there a candidate whose invoice date is further than the tolerance can only match by
     * an equivalent number, which the number bucket already compared, so it is skipped without
     * counting against the cap. A high-volume vendor's amount bucket holds hundreds of invoices;
     * the cap is then spent on the ones near the probe's date.
     *
     * @param buckets candidate arrays read from the index (entries may be null)
     * @param habitRepeats a SAME_AMOUNT_AND_DATE match is dropped when the amount bucket shows at
     *     least this many earlier same-date repeats of the amount under other numbers
     */
    public static Result find(SeenInvoice probe, SeenInvoice[][] buckets, long lookbackMillis, int dateToleranceDays,
            int maxComparisons, int habitRepeats) {
        Result result = new Result();
        if (probe.amountMilli == 0) {
            // zero amounts are never payment duplicates
            return result;
        }
        MatchedIds matchedIds = new MatchedIds(result.matches);
        for (int b = 0; b < buckets.length; b++) {
            SeenInvoice[] bucket = buckets[b];
            if (bucket == null) {
                continue;
            }
            for (SeenInvoice candidate : bucket) {
                // the numbers first: an entry outside the window is skipped without touching its strings,
                // which on heap state are objects of their own, spread over the heap
                if (Math.abs(candidate.eventTime - probe.eventTime) > lookbackMillis
                        || (b > 0 && Math.abs(candidate.invoiceDay - probe.invoiceDay) > dateToleranceDays)
                        || candidate.invoiceId.equals(probe.invoiceId)
                        || matchedIds.contains(candidate.invoiceId)) {
                    continue;
                }
                result.candidates++;
                if (result.compared >= maxComparisons) {
                    // counted, not compared: the reason says how much of the check was left out
                    result.capHit = true;
                    continue;
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
                    matchedIds.added(candidate.invoiceId);
                }
            }
        }
        return weigh(result, probe, buckets, lookbackMillis, habitRepeats);
    }

    /** Drops a match that is only SAME_AMOUNT_AND_DATE when that is the vendor's habit at this amount. */
    private static Result weigh(
            Result result, SeenInvoice probe, SeenInvoice[][] buckets, long lookbackMillis, int habitRepeats) {
        if (result.kind != MatchKind.SAME_AMOUNT_AND_DATE || buckets.length < 2
                || sameDayRepeats(buckets[1], probe, lookbackMillis, habitRepeats) < habitRepeats) {
            return result;
        }
        Result dropped = new Result();
        dropped.compared = result.compared;
        dropped.capHit = result.capHit;
        dropped.candidates = result.candidates;
        dropped.habitual = true;
        return dropped;
    }

    /**
     * How often the vendor billed the probe's amount more than once on one invoice date under
     * different numbers, within the lookback: the invoices of its amount bucket (the vendor's
     * recent invoices at exactly this amount, already read for the match) sorted by date, counting
     * each one whose date it shares with an earlier one of another number. A duplicate under a new
     * number at an ordinary vendor finds 0 (only its original has that date); a carrier billing
     * 49.90 five times a day finds dozens. Stops counting at {@code enough}. Runs only when a
     * SAME_AMOUNT_AND_DATE match was found.
     */
    public static int sameDayRepeats(SeenInvoice[] amountBucket, SeenInvoice probe, long lookbackMillis, int enough) {
        if (amountBucket == null || amountBucket.length < 2) {
            return 0;
        }
        long[] byDay = new long[amountBucket.length];
        int n = 0;
        for (SeenInvoice s : amountBucket) {
            if (Math.abs(s.eventTime - probe.eventTime) <= lookbackMillis && !s.invoiceId.equals(probe.invoiceId)) {
                // day in the high bits, a hash of the number in the low ones: sorts by day
                byDay[n++] = ((long) s.invoiceDay << 32) | (s.normalizedNumber.hashCode() & 0xffffffffL);
            }
        }
        java.util.Arrays.sort(byDay, 0, n);
        int repeats = 0;
        for (int i = 1; i < n && repeats < enough; i++) {
            if ((byDay[i] >>> 32) == (byDay[i - 1] >>> 32) && byDay[i] != byDay[i - 1]) {
                repeats++;
            }
        }
        return repeats;
    }

    /**
     * Whether a candidate is one of the matches already (the same invoice under both keys). Asked of
     * every candidate in the window, and a vendor billing one amount many times a day matches
     * SAME_AMOUNT_AND_DATE with every invoice of that day (until {@link #weigh}), so beyond
     * {@link #SCANNED_MATCHES} the matches' ids are a set instead of a scan per candidate. Below it the
     * scan is cheaper than a hash: on RocksDB every candidate's id is a string just read, its hash not
     * yet computed (benchmarks/REPORT.md, round thirteen).
     */
    private static final class MatchedIds {
        private final List<SeenInvoice> matches;
        private Set<String> ids;

        MatchedIds(List<SeenInvoice> matches) {
            this.matches = matches;
        }

        boolean contains(String invoiceId) {
            if (ids != null) {
                return ids.contains(invoiceId);
            }
            for (SeenInvoice m : matches) {
                if (m.invoiceId.equals(invoiceId)) {
                    return true;
                }
            }
            return false;
        }

        /** {@code invoiceId} was just added to the matches. */
        void added(String invoiceId) {
            if (ids != null) {
                ids.add(invoiceId);
            } else if (matches.size() > SCANNED_MATCHES) {
                ids = new HashSet<>();
                for (SeenInvoice m : matches) {
                    ids.add(m.invoiceId);
                }
            }
        }
    }

    /**
     * The invoice a credit note of its full amount reverses, among the invoices of that amount
     * ({@code bucket}, the amount bucket of the credited amount): the one the credit note names
     * (its number in the credit note's description, or the same number), the latest if several;
     * without such a reference the only invoice of that amount in the lookback. Null when none or
     * when several could be meant: then nothing is cancelled.
     */
    public static SeenInvoice reversedBy(
            SeenInvoice creditNote, String description, SeenInvoice[] bucket, long lookbackMillis) {
        if (bucket == null || creditNote.amountMilli >= 0) {
            return null;
        }
        String text = description == null ? "" : InvoiceNumbers.normalize(description);
        SeenInvoice named = null;
        SeenInvoice only = null;
        int live = 0;
        for (SeenInvoice s : bucket) {
            if (s.amountMilli != -creditNote.amountMilli || !s.currency.equals(creditNote.currency)
                    || Math.abs(s.eventTime - creditNote.eventTime) > lookbackMillis) {
                continue;
            }
            live++;
            only = s;
            boolean referenced = s.normalizedNumber.equals(creditNote.normalizedNumber)
                    || (s.normalizedNumber.length() >= 4 && text.contains(s.normalizedNumber));
            if (referenced && (named == null || s.eventTime >= named.eventTime)) {
                named = s;
            }
        }
        return named != null ? named : live == 1 ? only : null;
    }

    /** How {@code probe} resubmits {@code original}, or null. */
    public static MatchKind match(SeenInvoice probe, SeenInvoice original, int dateToleranceDays) {
        if (!probe.currency.equals(original.currency) || Long.signum(probe.amountMilli) != Long.signum(original.amountMilli)
                || original.amountMilli == 0) {
            // an invoice never matches a credit note: only invoices with invoices, credit notes with credit notes
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
                    || InvoiceNumbers.sameDigitSkeleton(probe.invoiceNumber, original.invoiceNumber))) {
                return MatchKind.NUMBER_AFFIX;
            }
            if (dayDiff == 0) {
                return MatchKind.SAME_AMOUNT_AND_DATE;
            }
            return null;
        }
        if (equivalentNumber && datesClose && InvoiceNumbers.amountTypo(Math.abs(probe.amountMilli), Math.abs(original.amountMilli))) {
            return MatchKind.AMOUNT_TYPO;
        }
        return null;
    }

    /**
     * CANDIDATE_CAP (0.5; decide/Decider makes it at least REVIEW whatever the thresholds): the lookup
     * found more candidates than {@code sieve.duplicates.max-comparisons} and compared only the cap,
     * the earliest indexed first. Without it a flood of same-amount invoices could hide a duplicate
     * behind the cap and the decision would pass as if checked.
     */
    public static Reason capReason(Result result, int maxComparisons) {
        Evidence e = new Evidence();
        e.candidatesCompared = result.compared;
        e.candidatesTotal = result.candidates;
        e.comparisonCap = maxComparisons;
        String detail = String.format(Locale.ROOT,
                "Compared %d of %d earlier invoices of the vendor with this number or amount (cap %d):"
                        + " the duplicate check is incomplete, compare the vendor's recent invoices by hand",
                result.compared, result.candidates, maxComparisons);
        return new Reason(ReasonCode.CANDIDATE_CAP, 0.5, detail, e);
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

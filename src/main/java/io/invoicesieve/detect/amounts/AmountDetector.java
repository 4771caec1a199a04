package io.invoicesieve.detect.amounts;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.detect.EventTimes;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AmountHistory;
import io.invoicesieve.state.VendorProfile;


import java.util.List;
import java.util.Locale;

/**
 * AMOUNT_ANOMALY: an amount far from what the vendor usually bills in that currency. State: the
 * vendor's {@link VendorProfile} (state {@code vendor-profile}; {@code amount-history} until 0.1.0),
 * per currency the last {@code sieve.amount.max-samples} log-amounts within
 * {@code sieve.amount.window}. A flag needs both a robust z of at least {@code sieve.amount.z-threshold}
 * and a factor of at least {@code sieve.amount.min-ratio} from the median, and
 * {@code sieve.amount.min-history} invoices: a wide-spread vendor is not flagged for a month at
 * three times its usual. An amount within 25% of two of the vendor's recent samples is one of
 * its usual amounts (a price point of a high-volume supplier) and never an anomaly.
 */
public final class AmountDetector {

    private final DetectorSettings settings;

    public AmountDetector(DetectorSettings settings) {
        this.settings = settings;
    }

    /**
     * Adds AMOUNT_ANOMALY to {@code found} when the amount is unusual for the vendor, then remembers
     * it. Returns the statistics before this invoice (the bank-change check weighs a new account
     * by the amount's ratio to the median).
     */
    public RobustStats check(VendorProfile profile, String currency, long amountMilli, long time, List<Reason> found) {
        AmountHistory history = profile.amounts(currency);
        RobustStats stats = RobustStats.of(history);
        if (amountMilli > 0 && stats.size >= settings.amountMinHistory) {
            double logAmount = Math.log(amountMilli / 1000.0);
            double ratio = Math.exp(logAmount - stats.median);
            // the ratio first: the z needs the MAD, a second selection, and most amounts fail the ratio
            if (ratio >= settings.amountMinRatio || ratio <= 1.0 / settings.amountMinRatio) {
                double z = stats.robustZ(logAmount);
                if (Math.abs(z) >= settings.amountZThreshold && nearby(history, logAmount) < 2) {
                    found.add(reason(z, ratio, stats, stats.spread(), amountMilli, currency, settings.amountZThreshold));
                }
            }
        }
        remember(profile, currency, history, amountMilli, time);
        return stats;
    }

    /** Half-width of "near" an earlier amount: within 25% of it. */
    static final double NEAR = Math.log(1.25);

    /**
     * How many of the vendor's recent amounts lie within 25% of this one. A vendor with a few fixed
     * price points (a carrier, a telecom) has its median at one of them and the others far from
     * it; an amount close to two of its recent ones is one of its usual amounts, whatever the
     * median says. Runs only when an anomaly would be flagged.
     */
    static int nearby(AmountHistory history, double logAmount) {
        int n = 0;
        for (int i = 0; i < history.size; i++) {
            if (Math.abs(history.logAmounts[i] - logAmount) <= NEAR) {
                n++;
            }
        }
        return n;
    }

    /** Remembers the amount without checking it (warm start). */
    public void remember(VendorProfile profile, String currency, long amountMilli, long time) {
        remember(profile, currency, profile.amounts(currency), amountMilli, time);
    }

    private void remember(VendorProfile profile, String currency, AmountHistory history, long amountMilli, long time) {
        if (amountMilli <= 0) {
            return;
        }
        if (history == null) {
            history = AmountHistory.withCapacity(settings.amountMaxSamples);
            profile.putAmounts(currency, history);
        }
        history.add(Math.log(amountMilli / 1000.0), (int) Math.floorDiv(time, EventTimes.DAY));
    }

    /** Evicts amounts older than the window before {@code timestamp}; returns the next expiry. */
    public long purge(VendorProfile profile, long timestamp) {
        long next = Long.MAX_VALUE;
        int minDay = (int) Math.floorDiv(timestamp - settings.amountWindowMillis, EventTimes.DAY);
        boolean[] keep = new boolean[profile.amounts.length];
        for (int i = 0; i < keep.length; i++) {
            AmountHistory history = profile.amounts[i];
            keep[i] = history.evictBefore(minDay);
            if (keep[i]) {
                next = Math.min(next, history.oldestDay() * EventTimes.DAY + settings.amountWindowMillis);
            }
        }
        profile.retainAmounts(keep);
        return next;
    }

    /** AMOUNT_ANOMALY: score 0.55 at the threshold, growing towards 0.9 with the distance. */
    static Reason reason(
            double z, double ratio, RobustStats stats, double spread, long amountMilli, String currency, double zThreshold) {
        double score = 0.55 + 0.35 * (1.0 - zThreshold / Math.abs(z));
        Evidence e = new Evidence();
        e.zScore = Reasons.round(z, 2);
        e.ratioToMedian = Reasons.round(ratio, 3);
        long medianMilli = Math.round(Math.exp(stats.median) * 1000);
        e.vendorMedian = Money.fromMilli(medianMilli).toPlainString();
        e.vendorSpread = Reasons.round(spread, 4);
        e.historySize = stats.size;
        String detail = String.format(Locale.ROOT,
                "Amount %s is %s the vendor's median %s over %d invoices (robust z %.1f)",
                Money.display(amountMilli, currency),
                ratio >= 1 ? String.format(Locale.ROOT, "%.1fx", ratio)
                        : String.format(Locale.ROOT, "1/%.0f of", 1 / ratio),
                Money.display(medianMilli, currency), stats.size, z);
        return new Reason(ReasonCode.AMOUNT_ANOMALY, Reasons.round(score, 4), detail, e);
    }
}

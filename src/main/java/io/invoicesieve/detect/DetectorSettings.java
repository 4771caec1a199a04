package io.invoicesieve.detect;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.config.Thresholds;

import java.io.Serializable;

/** The detectors' settings, read once from the validated configuration. */
public final class DetectorSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    public final long replayRetentionMillis;
    public final long cleanupIntervalMillis;
    public final long lookbackMillis;
    public final int maxComparisons;
    public final int dateToleranceDays;
    public final int sameDateHabit;
    public final boolean crossVendor;
    public final int crossVendorMaxBucket;
    /** {@code sieve.duplicates.cross-vendor.order-hold}; 0: no decision is held. */
    public final long crossVendorOrderHoldMillis;
    public final long amountWindowMillis;
    public final int amountMinHistory;
    public final int amountMaxSamples;
    public final double amountZThreshold;
    public final double amountMinRatio;
    public final int bankMinHistory;
    public final long bankRetentionMillis;
    public final double lowConfidenceThreshold;
    public final Thresholds thresholds;
    public final String modelVersion;
    public final String jobVersion;

    public DetectorSettings(SieveConfig config, String jobVersion) {
        this.replayRetentionMillis = config.millis(SieveOptions.REPLAY_RETENTION);
        this.cleanupIntervalMillis = config.millis(SieveOptions.CLEANUP_INTERVAL);
        this.lookbackMillis = config.millis(SieveOptions.DUPLICATE_LOOKBACK);
        this.maxComparisons = config.get(SieveOptions.DUPLICATE_MAX_COMPARISONS);
        this.dateToleranceDays = config.get(SieveOptions.DUPLICATE_DATE_TOLERANCE_DAYS);
        // 0: the weak match is never reported (any count of repeats is enough to drop it)
        this.sameDateHabit = config.get(SieveOptions.DUPLICATE_SAME_DATE_HABIT);
        this.crossVendor = config.get(SieveOptions.DUPLICATE_CROSS_VENDOR);
        this.crossVendorMaxBucket = config.get(SieveOptions.DUPLICATE_CROSS_VENDOR_MAX_BUCKET);
        this.crossVendorOrderHoldMillis = config.millis(SieveOptions.DUPLICATE_CROSS_VENDOR_ORDER_HOLD);
        this.amountWindowMillis = config.millis(SieveOptions.AMOUNT_WINDOW);
        this.amountMinHistory = config.get(SieveOptions.AMOUNT_MIN_HISTORY);
        this.amountMaxSamples = config.get(SieveOptions.AMOUNT_MAX_SAMPLES);
        this.amountZThreshold = config.get(SieveOptions.AMOUNT_Z_THRESHOLD);
        this.amountMinRatio = config.get(SieveOptions.AMOUNT_MIN_RATIO);
        this.bankMinHistory = config.get(SieveOptions.BANK_MIN_HISTORY);
        this.bankRetentionMillis = config.millis(SieveOptions.BANK_RETENTION);
        this.lowConfidenceThreshold = config.get(SieveOptions.LOW_CONFIDENCE_THRESHOLD);
        this.thresholds = config.thresholds();
        this.modelVersion = config.get(SieveOptions.MODEL_VERSION);
        this.jobVersion = jobVersion;
    }
}

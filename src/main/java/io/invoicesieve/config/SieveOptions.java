package io.invoicesieve.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every setting of invoice-sieve, in one place. The README's configuration table is checked against
 * this class by {@code SieveOptionsDocTest}; {@code java -jar invoice-sieve.jar options} prints it.
 */
public final class SieveOptions {

    // ---------------------------------------------------------------- event time

    public static final ConfigOption<Duration> WATERMARK_OUT_OF_ORDERNESS =
            ConfigOptions.key("sieve.watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(2))
                    .withDescription(
                            "Bounded out-of-orderness of invoice event times. Invoices further behind "
                                    + "the watermark are still scored and carry a LATE_EVENT reason.");

    public static final ConfigOption<Duration> WATERMARK_IDLENESS =
            ConfigOptions.key("sieve.watermark.idleness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "A source split (Kafka partition, file) that sends nothing for this long "
                                    + "stops holding back the watermark.");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
            ConfigOptions.key("sieve.input.max-future-skew")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "An invoice whose event_time lies more than this ahead of the wall clock "
                                    + "is a dead letter (counted in futureEventsRejected), and the "
                                    + "watermark never runs more than this ahead of processing time: "
                                    + "one invoice dated 9999 cannot mark every later invoice late.");

    // ---------------------------------------------------------------- replays

    public static final ConfigOption<Duration> REPLAY_RETENTION =
            ConfigOptions.key("sieve.replay.retention")
                    .durationType()
                    .defaultValue(Duration.ofDays(180))
                    .withDescription(
                            "How long (event time) an invoice_id and the digest of its payment content are "
                                    + "remembered: a re-delivery with the same content yields no second decision, one "
                                    + "with other content a HOLD (CHANGED_REDELIVERY). Must be at least the duplicate "
                                    + "lookback.");

    // ---------------------------------------------------------------- duplicates

    public static final ConfigOption<Duration> DUPLICATE_LOOKBACK =
            ConfigOptions.key("sieve.duplicates.lookback")
                    .durationType()
                    .defaultValue(Duration.ofDays(120))
                    .withDescription(
                            "Event-time lookback in which a resubmitted invoice is matched against "
                                    + "earlier invoices of the same tenant and vendor.");

    public static final ConfigOption<Integer> DUPLICATE_MAX_COMPARISONS =
            ConfigOptions.key("sieve.duplicates.max-comparisons")
                    .intType()
                    .defaultValue(200)
                    .withDescription(
                            "Cap on candidate comparisons per invoice. A lookup with more candidates compares "
                                    + "the earliest indexed ones and adds CANDIDATE_CAP (at least REVIEW); counted in the "
                                    + "duplicateComparisonCapHits metric. Each blocking-key bucket keeps at most 4 times "
                                    + "this many invoices (duplicateIndexEvictions).");

    public static final ConfigOption<Integer> DUPLICATE_DATE_TOLERANCE_DAYS =
            ConfigOptions.key("sieve.duplicates.date-tolerance-days")
                    .intType()
                    .defaultValue(7)
                    .withDescription(
                            "Invoice dates at most this many days apart can belong to a re-keyed "
                                    + "resubmission (DUPLICATE_SUSPECT).");

    public static final ConfigOption<Integer> DUPLICATE_SAME_DATE_HABIT =
            ConfigOptions.key("sieve.duplicates.same-date-habit")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "The same amount and invoice date under another number (the weakest "
                                    + "DUPLICATE_SUSPECT) is not reported when the vendor billed that amount "
                                    + "this many times before more than once on one date under different "
                                    + "numbers within the lookback: high-volume suppliers do so every day. "
                                    + "0 disables the weak match.");

    public static final ConfigOption<Boolean> DUPLICATE_CROSS_VENDOR =
            ConfigOptions.key("sieve.duplicates.cross-vendor")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Match invoices across the vendor ids of one tenant that share a remit "
                                    + "account (a supplier created twice in the vendor master): same or "
                                    + "equivalent number, same amount, invoice dates within the tolerance, "
                                    + "within the lookback.");

    public static final ConfigOption<Integer> DUPLICATE_CROSS_VENDOR_MAX_BUCKET =
            ConfigOptions.key("sieve.duplicates.cross-vendor.max-bucket")
                    .intType()
                    .defaultValue(16)
                    .withDescription(
                            "Most recent invoices kept per (tenant, remit account, normalized number) "
                                    + "for the cross-vendor match.");

    public static final ConfigOption<Duration> DUPLICATE_CROSS_VENDOR_ORDER_HOLD =
            ConfigOptions.key("sieve.duplicates.cross-vendor.order-hold")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "At a remit account several vendor ids use, a decision whose event time "
                                    + "is more than this behind the wall clock (a replay, backfill or "
                                    + "catch-up, when the scorer's subtasks can run days of event time "
                                    + "apart) waits until the watermark passes its event time, so the "
                                    + "vendors' entries meet in event-time order and the later entry is "
                                    + "the one flagged. Live decisions are never held. In a streaming job "
                                    + "a decision waits at most this long; a bounded input releases all at "
                                    + "its end. 0 decides every invoice on arrival.");

    // ---------------------------------------------------------------- amounts

    public static final ConfigOption<Duration> AMOUNT_WINDOW =
            ConfigOptions.key("sieve.amount.window")
                    .durationType()
                    .defaultValue(Duration.ofDays(365))
                    .withDescription(
                            "Event-time window of the per (vendor, currency) amount statistics.");

    public static final ConfigOption<Integer> AMOUNT_MIN_HISTORY =
            ConfigOptions.key("sieve.amount.min-history")
                    .intType()
                    .defaultValue(8)
                    .withDescription(
                            "No AMOUNT_ANOMALY before the vendor has this many invoices in the window.");

    public static final ConfigOption<Integer> AMOUNT_MAX_SAMPLES =
            ConfigOptions.key("sieve.amount.max-samples")
                    .intType()
                    .defaultValue(64)
                    .withDescription(
                            "Most recent amounts kept per (vendor, currency) for the median and MAD.");

    public static final ConfigOption<Double> AMOUNT_Z_THRESHOLD =
            ConfigOptions.key("sieve.amount.z-threshold")
                    .doubleType()
                    .defaultValue(4.0)
                    .withDescription(
                            "Robust z score (0.6745 * |log amount - median| / MAD) above which an "
                                    + "amount is an AMOUNT_ANOMALY.");

    public static final ConfigOption<Double> AMOUNT_MIN_RATIO =
            ConfigOptions.key("sieve.amount.min-ratio")
                    .doubleType()
                    .defaultValue(4.0)
                    .withDescription(
                            "An amount must also be at least this factor above (or below) the vendor "
                                    + "median to be flagged, so that a month at twice or three times "
                                    + "the usual is not.");

    // ---------------------------------------------------------------- bank accounts

    public static final ConfigOption<Integer> BANK_MIN_HISTORY =
            ConfigOptions.key("sieve.bank.min-history")
                    .intType()
                    .defaultValue(3)
                    .withDescription(
                            "A remit account never seen for the vendor is a BANK_CHANGE once the vendor "
                                    + "has this many invoices with a remit account.");

    public static final ConfigOption<Duration> BANK_RETENTION =
            ConfigOptions.key("sieve.bank.retention")
                    .durationType()
                    .defaultValue(Duration.ofDays(730))
                    .withDescription(
                            "How long (event time) after its last use a vendor's bank account is remembered.");

    // ---------------------------------------------------------------- state

    public static final ConfigOption<Duration> CLEANUP_INTERVAL =
            ConfigOptions.key("sieve.state.cleanup-interval")
                    .durationType()
                    .defaultValue(Duration.ofDays(30))
                    .withDescription(
                            "Cleanup timers of a key fire at most this often (event time), and expired "
                                    + "entries are kept up to this much longer. A vendor's purge reads only "
                                    + "the weeks that expired (expiry-index); an account's purge still visits "
                                    + "all of its invoices, so coarser is cheaper there (at 30 d an entry of "
                                    + "the 120 d lookback is visited about 5 times in its life, at 7 d 18). "
                                    + "Lookups still respect the lookback.");

    // ---------------------------------------------------------------- decisions

    public static final ConfigOption<Double> REVIEW_THRESHOLD =
            ConfigOptions.key("sieve.decision.review-threshold")
                    .doubleType()
                    .defaultValue(0.5)
                    .withDescription("Risk score from which an invoice is REVIEW.");

    public static final ConfigOption<Double> HOLD_THRESHOLD =
            ConfigOptions.key("sieve.decision.hold-threshold")
                    .doubleType()
                    .defaultValue(0.8)
                    .withDescription("Risk score from which an invoice is HOLD.");

    public static final ConfigOption<String> TENANT_THRESHOLDS =
            ConfigOptions.key("sieve.decision.tenant-thresholds")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Per-tenant REVIEW/HOLD thresholds overriding the defaults, as "
                                    + "'tenant:review:hold' entries separated by commas, "
                                    + "e.g. 'acme:0.4:0.75,globex:0.6:0.9'.");

    public static final ConfigOption<Double> LOW_CONFIDENCE_THRESHOLD =
            ConfigOptions.key("sieve.decision.low-confidence-threshold")
                    .doubleType()
                    .defaultValue(0.6)
                    .withDescription(
                            "An extraction_confidence below this adds a LOW_CONFIDENCE reason.");

    public static final ConfigOption<String> MODEL_VERSION =
            ConfigOptions.key("sieve.decision.model-version")
                    .stringType()
                    .defaultValue("rules-1")
                    .withDescription("Written into every decision's model_version.");

    private SieveOptions() {}

    /** All options declared here, in declaration order. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Class<?> holder : holders()) {
            for (Field field : holder.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && ConfigOption.class.isAssignableFrom(field.getType())) {
                    try {
                        options.add((ConfigOption<?>) field.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return Collections.unmodifiableList(options);
    }

    /** Classes that declare invoice-sieve options (connector options live beside their connectors). */
    static List<Class<?>> holders() {
        return List.of(SieveOptions.class, ConnectorOptions.class, ControlOptions.class);
    }
}

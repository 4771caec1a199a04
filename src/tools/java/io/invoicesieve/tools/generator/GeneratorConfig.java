package io.invoicesieve.tools.generator;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Every knob of the synthetic invoice generator. Immutable; build with {@link #builder()}.
 *
 * <p>Rates named {@code *Rate} for duplicates, anomalies, credit notes, malformed lines and replays are
 * shares of {@link #invoices()} (the number of distinct valid invoices written). Bank rates are shares
 * of all vendors ({@code tenants * vendorsPerTenant}); when such a rate is positive at least one vendor
 * gets the signal (if one is eligible), so small runs still contain every kind.
 */
public final class GeneratorConfig {

    private final long seed;
    private final int tenants;
    private final int vendorsPerTenant;
    private final int invoices;
    private final LocalDate start;
    private final int days;
    private final int outOfOrderSeconds;
    private final double lateRate;
    private final double malformedRate;
    private final double replayRate;
    private final double dupExactRate;
    private final double dupRekeyedRate;
    private final double dupAmountTypoRate;
    private final double dupNewNumberRate;
    private final double amountAnomalyRate;
    private final double mildVariationRate;
    private final double creditNoteRate;
    private final double bankChangeRate;
    private final double bankChangeHighAmountShare;
    private final double bankSharedRate;
    private final double lowConfidenceShare;
    private final double extraFieldRate;
    private final double amountAsNumberRate;
    private final double twinVendorRate;
    private final double dupCrossVendorRate;
    private final double highVolumeVendorRate;
    private final int highVolumePricePoints;
    private final double highVolumePerDay;
    private final double reversalRate;
    private final double thirdEntryShare;
    private final double partialCreditDupRate;
    private final double dupCreditNoteRate;

    private GeneratorConfig(Builder b) {
        this.seed = b.seed;
        this.tenants = b.tenants;
        this.vendorsPerTenant = b.vendorsPerTenant;
        this.invoices = b.invoices;
        this.start = b.start;
        this.days = b.days;
        this.outOfOrderSeconds = b.outOfOrderSeconds;
        this.lateRate = b.lateRate;
        this.malformedRate = b.malformedRate;
        this.replayRate = b.replayRate;
        this.dupExactRate = b.dupExactRate;
        this.dupRekeyedRate = b.dupRekeyedRate;
        this.dupAmountTypoRate = b.dupAmountTypoRate;
        this.dupNewNumberRate = b.dupNewNumberRate;
        this.amountAnomalyRate = b.amountAnomalyRate;
        this.mildVariationRate = b.mildVariationRate;
        this.creditNoteRate = b.creditNoteRate;
        this.bankChangeRate = b.bankChangeRate;
        this.bankChangeHighAmountShare = b.bankChangeHighAmountShare;
        this.bankSharedRate = b.bankSharedRate;
        this.lowConfidenceShare = b.lowConfidenceShare;
        this.extraFieldRate = b.extraFieldRate;
        this.amountAsNumberRate = b.amountAsNumberRate;
        this.twinVendorRate = b.twinVendorRate;
        this.dupCrossVendorRate = b.dupCrossVendorRate;
        this.highVolumeVendorRate = b.highVolumeVendorRate;
        this.highVolumePricePoints = b.highVolumePricePoints;
        this.highVolumePerDay = b.highVolumePerDay;
        this.reversalRate = b.reversalRate;
        this.thirdEntryShare = b.thirdEntryShare;
        this.partialCreditDupRate = b.partialCreditDupRate;
        this.dupCreditNoteRate = b.dupCreditNoteRate;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static GeneratorConfig defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.seed = seed;
        b.tenants = tenants;
        b.vendorsPerTenant = vendorsPerTenant;
        b.invoices = invoices;
        b.start = start;
        b.days = days;
        b.outOfOrderSeconds = outOfOrderSeconds;
        b.lateRate = lateRate;
        b.malformedRate = malformedRate;
        b.replayRate = replayRate;
        b.dupExactRate = dupExactRate;
        b.dupRekeyedRate = dupRekeyedRate;
        b.dupAmountTypoRate = dupAmountTypoRate;
        b.dupNewNumberRate = dupNewNumberRate;
        b.amountAnomalyRate = amountAnomalyRate;
        b.mildVariationRate = mildVariationRate;
        b.creditNoteRate = creditNoteRate;
        b.bankChangeRate = bankChangeRate;
        b.bankChangeHighAmountShare = bankChangeHighAmountShare;
        b.bankSharedRate = bankSharedRate;
        b.lowConfidenceShare = lowConfidenceShare;
        b.extraFieldRate = extraFieldRate;
        b.amountAsNumberRate = amountAsNumberRate;
        b.twinVendorRate = twinVendorRate;
        b.dupCrossVendorRate = dupCrossVendorRate;
        b.highVolumeVendorRate = highVolumeVendorRate;
        b.highVolumePricePoints = highVolumePricePoints;
        b.highVolumePerDay = highVolumePerDay;
        b.reversalRate = reversalRate;
        b.thirdEntryShare = thirdEntryShare;
        b.partialCreditDupRate = partialCreditDupRate;
        b.dupCreditNoteRate = dupCreditNoteRate;
        return b;
    }

    /** Seed of the single random stream; same seed and config give the same bytes. */
    public long seed() { return seed; }
    public int tenants() { return tenants; }
    public int vendorsPerTenant() { return vendorsPerTenant; }
    /**
     * Target number of distinct valid invoices of the original shapes (originals, credit notes and injected
     * resubmissions). The AP-ledger shapes (high-volume suppliers, vendor twins, reversals, credit notes
     * entered twice) add theirs on top, from their own random stream: with their rates at 0 the data is
     * the original generator's.
     */
    public int invoices() { return invoices; }
    /** First invoice date. */
    public LocalDate start() { return start; }
    /** Invoice dates fall in [start, start + days); event times may run up to ~10 days further. */
    public int days() { return days; }
    /** Maximum event-time disorder of non-late records in delivery order. */
    public int outOfOrderSeconds() { return outOfOrderSeconds; }
    /** Share of valid records delivered 1 to 10 hours behind their event time. */
    public double lateRate() { return lateRate; }
    public double malformedRate() { return malformedRate; }
    public double replayRate() { return replayRate; }
    public double dupExactRate() { return dupExactRate; }
    public double dupRekeyedRate() { return dupRekeyedRate; }
    public double dupAmountTypoRate() { return dupAmountTypoRate; }
    public double dupNewNumberRate() { return dupNewNumberRate; }
    public double amountAnomalyRate() { return amountAnomalyRate; }
    /** Legitimate 1.5x-2.2x months (clean kind MILD_VARIATION). */
    public double mildVariationRate() { return mildVariationRate; }
    public double creditNoteRate() { return creditNoteRate; }
    /** Share of vendors that switch to a new, never used account. */
    public double bankChangeRate() { return bankChangeRate; }
    /** Share of bank changes whose first invoice also carries an unusually high amount. */
    public double bankChangeHighAmountShare() { return bankChangeHighAmountShare; }
    /** Share of vendors that ask payment to an account another vendor of the tenant already used. */
    public double bankSharedRate() { return bankSharedRate; }
    /** Share of OCR-extracted invoices with extraction_confidence below 0.6. */
    public double lowConfidenceShare() { return lowConfidenceShare; }
    /** Share of lines carrying fields that are not in the contract. */
    public double extraFieldRate() { return extraFieldRate; }
    /** Share of lines with the amount as a JSON number instead of a string. */
    public double amountAsNumberRate() { return amountAsNumberRate; }

    /** Share of vendors created twice in the vendor master (a twin id sharing the remit account). */
    public double twinVendorRate() { return twinVendorRate; }
    /** DUP_CROSS_VENDOR per invoice: an invoice of a twinned supplier entered under both ids. */
    public double dupCrossVendorRate() { return dupCrossVendorRate; }
    /** Share of vendors added as high-volume suppliers (on top of --vendors). */
    public double highVolumeVendorRate() { return highVolumeVendorRate; }
    /** Fixed price points of a high-volume supplier. */
    public int highVolumePricePoints() { return highVolumePricePoints; }
    /** Mean invoices per day of a high-volume supplier. */
    public double highVolumePerDay() { return highVolumePerDay; }
    /** Invoices reversed by a full credit note and entered again (REENTRY), per invoice. */
    public double reversalRate() { return reversalRate; }
    /** Share of re-entered invoices entered a third time (DUP_AFTER_REVERSAL). */
    public double thirdEntryShare() { return thirdEntryShare; }
    /** DUP_AFTER_PARTIAL_CREDIT per invoice. */
    public double partialCreditDupRate() { return partialCreditDupRate; }
    /** DUP_CREDIT_NOTE per invoice. */
    public double dupCreditNoteRate() { return dupCreditNoteRate; }

    public double duplicateRate() {
        return dupExactRate + dupRekeyedRate + dupAmountTypoRate + dupNewNumberRate;
    }

    @Override
    public String toString() {
        return "GeneratorConfig{seed=" + seed + ", tenants=" + tenants + ", vendorsPerTenant=" + vendorsPerTenant
                + ", invoices=" + invoices + ", start=" + start + ", days=" + days
                + ", outOfOrderSeconds=" + outOfOrderSeconds + ", lateRate=" + lateRate
                + ", malformedRate=" + malformedRate + ", replayRate=" + replayRate
                + ", duplicateRate=" + duplicateRate() + ", amountAnomalyRate=" + amountAnomalyRate
                + ", bankChangeRate=" + bankChangeRate + ", bankSharedRate=" + bankSharedRate + '}';
    }

    /** Mutable builder; {@link #build()} validates and names the offending setting. */
    public static final class Builder {
        private long seed = 42L;
        private int tenants = 3;
        private int vendorsPerTenant = 150;
        private int invoices = 20_000;
        private LocalDate start = LocalDate.of(2026, 1, 1);
        private int days = 200;
        private int outOfOrderSeconds = 120;
        private double lateRate = 0.003;
        private double malformedRate = 0.004;
        private double replayRate = 0.01;
        private double dupExactRate = 0.010;
        private double dupRekeyedRate = 0.010;
        private double dupAmountTypoRate = 0.005;
        private double dupNewNumberRate = 0.005;
        private double amountAnomalyRate = 0.006;
        private double mildVariationRate = 0.01;
        private double creditNoteRate = 0.01;
        private double bankChangeRate = 0.005;
        private double bankChangeHighAmountShare = 0.3;
        private double bankSharedRate = 0.003;
        private double lowConfidenceShare = 0.04;
        private double extraFieldRate = 0.05;
        private double amountAsNumberRate = 0.1;
        private double twinVendorRate = 0.02;
        private double dupCrossVendorRate = 0.004;
        private double highVolumeVendorRate = 0.01;
        private int highVolumePricePoints = 3;
        private double highVolumePerDay = 5.0;
        private double reversalRate = 0.003;
        private double thirdEntryShare = 0.3;
        private double partialCreditDupRate = 0.001;
        private double dupCreditNoteRate = 0.001;

        private Builder() {
        }

        public Builder seed(long v) { seed = v; return this; }
        public Builder tenants(int v) { tenants = v; return this; }
        public Builder vendorsPerTenant(int v) { vendorsPerTenant = v; return this; }
        public Builder invoices(int v) { invoices = v; return this; }
        public Builder start(LocalDate v) { start = Objects.requireNonNull(v, "start"); return this; }
        public Builder days(int v) { days = v; return this; }
        public Builder outOfOrderSeconds(int v) { outOfOrderSeconds = v; return this; }
        public Builder lateRate(double v) { lateRate = v; return this; }
        public Builder malformedRate(double v) { malformedRate = v; return this; }
        public Builder replayRate(double v) { replayRate = v; return this; }
        public Builder dupExactRate(double v) { dupExactRate = v; return this; }
        public Builder dupRekeyedRate(double v) { dupRekeyedRate = v; return this; }
        public Builder dupAmountTypoRate(double v) { dupAmountTypoRate = v; return this; }
        public Builder dupNewNumberRate(double v) { dupNewNumberRate = v; return this; }
        public Builder amountAnomalyRate(double v) { amountAnomalyRate = v; return this; }
        public Builder mildVariationRate(double v) { mildVariationRate = v; return this; }
        public Builder creditNoteRate(double v) { creditNoteRate = v; return this; }
        public Builder bankChangeRate(double v) { bankChangeRate = v; return this; }
        public Builder bankChangeHighAmountShare(double v) { bankChangeHighAmountShare = v; return this; }
        public Builder bankSharedRate(double v) { bankSharedRate = v; return this; }
        public Builder lowConfidenceShare(double v) { lowConfidenceShare = v; return this; }
        public Builder extraFieldRate(double v) { extraFieldRate = v; return this; }
        public Builder amountAsNumberRate(double v) { amountAsNumberRate = v; return this; }

        public Builder twinVendorRate(double v) { twinVendorRate = v; return this; }
        public Builder dupCrossVendorRate(double v) { dupCrossVendorRate = v; return this; }
        public Builder highVolumeVendorRate(double v) { highVolumeVendorRate = v; return this; }
        public Builder highVolumePricePoints(int v) { highVolumePricePoints = v; return this; }
        public Builder highVolumePerDay(double v) { highVolumePerDay = v; return this; }
        public Builder reversalRate(double v) { reversalRate = v; return this; }
        public Builder thirdEntryShare(double v) { thirdEntryShare = v; return this; }
        public Builder partialCreditDupRate(double v) { partialCreditDupRate = v; return this; }
        public Builder dupCreditNoteRate(double v) { dupCreditNoteRate = v; return this; }

        public GeneratorConfig build() {
            requireRange("tenants", tenants, 1, 10_000);
            requireRange("vendorsPerTenant", vendorsPerTenant, 1, 100_000);
            requireRange("invoices", invoices, 1, 50_000_000);
            requireRange("days", days, 1, 3_650);
            requireRange("outOfOrderSeconds", outOfOrderSeconds, 0, 86_400);
            if (start.getYear() < 1970 || start.getYear() > 9000) {
                throw new IllegalArgumentException("start must be between 1970 and 9000, got " + start);
            }
            requireShare("lateRate", lateRate);
            requireShare("malformedRate", malformedRate);
            requireShare("replayRate", replayRate);
            requireShare("dupExactRate", dupExactRate);
            requireShare("dupRekeyedRate", dupRekeyedRate);
            requireShare("dupAmountTypoRate", dupAmountTypoRate);
            requireShare("dupNewNumberRate", dupNewNumberRate);
            requireShare("amountAnomalyRate", amountAnomalyRate);
            requireShare("mildVariationRate", mildVariationRate);
            requireShare("creditNoteRate", creditNoteRate);
            requireShare("bankChangeRate", bankChangeRate);
            requireShare("bankChangeHighAmountShare", bankChangeHighAmountShare);
            requireShare("bankSharedRate", bankSharedRate);
            requireShare("lowConfidenceShare", lowConfidenceShare);
            requireShare("extraFieldRate", extraFieldRate);
            requireShare("amountAsNumberRate", amountAsNumberRate);
            requireShare("twinVendorRate", twinVendorRate);
            requireShare("dupCrossVendorRate", dupCrossVendorRate);
            requireShare("highVolumeVendorRate", highVolumeVendorRate);
            requireShare("reversalRate", reversalRate);
            requireShare("thirdEntryShare", thirdEntryShare);
            requireShare("partialCreditDupRate", partialCreditDupRate);
            requireShare("dupCreditNoteRate", dupCreditNoteRate);
            requireRange("highVolumePricePoints", highVolumePricePoints, 1, 100);
            if (!(highVolumePerDay > 0 && highVolumePerDay <= 1000)) {
                throw new IllegalArgumentException("highVolumePerDay must be in (0, 1000], got " + highVolumePerDay);
            }
            double injected = dupExactRate + dupRekeyedRate + dupAmountTypoRate + dupNewNumberRate + creditNoteRate;
            if (injected > 0.5) {
                throw new IllegalArgumentException(
                        "duplicate rates plus creditNoteRate must not exceed 0.5, got " + injected);
            }
            if (amountAnomalyRate + mildVariationRate > 0.2) {
                throw new IllegalArgumentException(
                        "amountAnomalyRate plus mildVariationRate must not exceed 0.2");
            }
            return new GeneratorConfig(this);
        }

        private static void requireRange(String name, long v, long min, long max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + v);
            }
        }

        private static void requireShare(String name, double v) {
            if (!(v >= 0.0 && v <= 1.0)) {
                throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
            }
        }
    }
}

package io.invoicesieve.bench;

import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.detect.duplicates.InvoiceNumbers;
import io.invoicesieve.detect.duplicates.MatchKind;
import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.decide.Decider;
import io.invoicesieve.decide.RiskScorer;
import io.invoicesieve.detect.amounts.RobustStats;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.serde.DecisionJson;
import io.invoicesieve.serde.InvalidInvoiceException;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.state.AmountHistory;
import io.invoicesieve.state.SeenInvoice;
import io.invoicesieve.state.StateSerializers;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 4: JMH microbenchmarks of the per-invoice hot paths, on real generated invoices (the
 * {@code dataFile} parameter). Each invocation handles one invoice; inputs cycle through 4096 of them
 * so branch predictors and caches see the data set's variety, not one record.
 */
@State(Scope.Thread)
public class HotPathsBenchmark {

    private static final io.invoicesieve.config.Thresholds THRESHOLDS = SieveConfig.defaults().thresholds();

    private static final int N = 4096;
    private static final long LOOKBACK = 120L * 24 * 3600 * 1000;

    @Param("")
    public String dataFile;

    private final InvoiceParser parser = new InvoiceParser();
    private String[] lines;
    private String[] numbers;
    private SeenInvoice[] probes;
    private SeenInvoice[] originals;
    private SeenInvoice[][][] buckets;
    /** bucket(k) as RocksDB stores it. */
    private byte[][] storedBuckets;
    private AmountHistory[] histories;
    private final DataOutputSerializer bucketOut = new DataOutputSerializer(4096);
    private final DataInputDeserializer bucketIn = new DataInputDeserializer();
    private double[] logAmounts;
    private Reason[][] reasons;
    private Decision[] decisions;
    private int i;

    @Setup
    public void setup() throws IOException {
        List<String> raw = new ArrayList<>();
        List<Invoice> invoices = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(Paths.get(dataFile), StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                try {
                    invoices.add(parser.parse(line));
                    raw.add(line);
                } catch (InvalidInvoiceException malformed) {
                    // parse only well-formed lines: the failure path is not the hot one
                }
            }
        }
        // the full history index of every (tenant, vendor): number and amount buckets, as the scorer keeps them
        Map<String, List<SeenInvoice>> index = new HashMap<>();
        Map<String, List<Double>> amounts = new HashMap<>();
        List<SeenInvoice> all = new ArrayList<>(invoices.size());
        for (Invoice inv : invoices) {
            long milli = Money.toMilli(inv.amount);
            SeenInvoice s = DuplicateDetector.probe(inv.invoiceId, inv.invoiceNumber, milli, inv.currency,
                    (int) inv.invoiceDate.toEpochDay(), inv.eventTimeMillis());
            all.add(s);
            String vendor = inv.tenantId + '\u001f' + inv.vendorId + '\u001f';
            if (milli > 0) {
                index.computeIfAbsent(vendor + DuplicateDetector.numberKey(s.normalizedNumber), k -> new ArrayList<>()).add(s);
                index.computeIfAbsent(vendor + DuplicateDetector.amountKey(s.currency, milli), k -> new ArrayList<>()).add(s);
                amounts.computeIfAbsent(vendor + inv.currency, k -> new ArrayList<>()).add(Math.log(milli / 1000.0));
            }
        }
        int stride = Math.max(1, invoices.size() / N);
        lines = new String[N];
        numbers = new String[N];
        probes = new SeenInvoice[N];
        originals = new SeenInvoice[N];
        buckets = new SeenInvoice[N][][];
        histories = new AmountHistory[N];
        logAmounts = new double[N];
        reasons = new Reason[N][];
        decisions = new Decision[N];
        for (int k = 0; k < N; k++) {
            int at = (k * stride) % invoices.size();
            Invoice inv = invoices.get(at);
            SeenInvoice p = all.get(at);
            String vendor = inv.tenantId + '\u001f' + inv.vendorId + '\u001f';
            lines[k] = raw.get(at);
            numbers[k] = inv.invoiceNumber;
            probes[k] = p;
            SeenInvoice[] byNumber = array(index.get(vendor + DuplicateDetector.numberKey(p.normalizedNumber)));
            SeenInvoice[] byAmount = array(index.get(vendor + DuplicateDetector.amountKey(p.currency, p.amountMilli)));
            buckets[k] = new SeenInvoice[][] {byNumber, byAmount};
            // an original to compare with: a same-amount or same-number invoice of the vendor, else the previous one
            SeenInvoice other = pickOther(p, byAmount, byNumber, all.get(Math.max(0, at - 1)));
            originals[k] = other;
            List<Double> hist = amounts.getOrDefault(vendor + inv.currency, List.of(0.0));
            AmountHistory h = AmountHistory.withCapacity(64);
            for (int j = Math.max(0, hist.size() - 64); j < hist.size(); j++) {
                h.add(hist.get(j), 0);
            }
            histories[k] = h;
            logAmounts[k] = p.amountMilli > 0 ? Math.log(p.amountMilli / 1000.0) : 0;
            DuplicateDetector.Result found = DuplicateDetector.find(p, buckets[k], LOOKBACK, 7, 200);
            List<Reason> rs = new ArrayList<>();
            if (found.kind != null) {
                rs.add(DuplicateDetector.reason(p, found));
            }
            if (inv.extractionConfidence != null && inv.extractionConfidence < 0.6) {
                rs.add(Reasons.lowConfidence(inv.extractionConfidence, 0.6));
            }
            reasons[k] = rs.toArray(new Reason[0]);
            decisions[k] = decision(inv, reasons[k]);
        }
        storedBuckets = new byte[N][];
        for (int k = 0; k < N; k++) {
            bucketOut.clear();
            StateSerializers.SeenInvoices.INSTANCE.serialize(bucket(k), bucketOut);
            storedBuckets[k] = bucketOut.getCopyOfBuffer();
        }
    }

    private static SeenInvoice[] array(List<SeenInvoice> l) {
        return l == null ? null : l.toArray(new SeenInvoice[0]);
    }

    private static SeenInvoice pickOther(SeenInvoice p, SeenInvoice[] a, SeenInvoice[] b, SeenInvoice fallback) {
        for (SeenInvoice[] bucket : new SeenInvoice[][] {a, b}) {
            if (bucket != null) {
                for (SeenInvoice s : bucket) {
                    if (!s.invoiceId.equals(p.invoiceId)) {
                        return s;
                    }
                }
            }
        }
        return fallback;
    }

    /** The job's own decision code (Decider), with the job's default thresholds. */
    private static Decision decision(Invoice inv, Reason[] reasons) {
        Decision d = Decider.draft(inv, java.util.Arrays.asList(reasons), false,
                Instant.parse("2026-04-01T00:00:00Z").toEpochMilli(), "rules-1", "0.1.0");
        return Decider.decide(d, THRESHOLDS);
    }

    private int next() {
        int k = i;
        i = (k + 1) & (N - 1);
        return k;
    }

    /** Parsing one real invoice line (Jackson streaming parser, dates, BigDecimal, trace id). */
    @Benchmark
    public Invoice parse() throws InvalidInvoiceException {
        return parser.parse(lines[next()]);
    }

    /** Normalizing an invoice number and comparing the probe with one candidate. */
    @Benchmark
    public MatchKind normalizeAndMatch() {
        int k = next();
        String normalized = InvoiceNumbers.normalize(numbers[k]);
        SeenInvoice p = probes[k];
        if (normalized.length() < 0) {
            return null; // keeps normalize's result alive
        }
        return DuplicateDetector.match(p, originals[k], 7);
    }

    /** Searching the invoice's two candidate buckets over the vendor's whole 90-day history. */
    @Benchmark
    public DuplicateDetector.Result find() {
        int k = next();
        return DuplicateDetector.find(probes[k], buckets[k], LOOKBACK, 7, 200);
    }

    /** Median and MAD of the vendor's last 64 log-amounts plus the robust z-score. */
    @Benchmark
    public double robustStatsAndScore() {
        int k = next();
        RobustStats stats = RobustStats.of(histories[k]);
        return stats.robustZ(logAmounts[k]) + Math.exp(logAmounts[k] - stats.median);
    }

    /** Noisy-OR of an invoice's reasons. */
    @Benchmark
    public double riskCombine() {
        return RiskScorer.combine(reasons[next()]);
    }

    /** One decision to JSON bytes. */
    @Benchmark
    public byte[] decisionJson() {
        return DecisionJson.toJsonBytes(decisions[next()]);
    }

    /**
     * The invoice's amount bucket written and read back by the state serializer, as RocksDB does on
     * every invoice (duplicate-index, codec/StringCodec for the strings).
     */
    @Benchmark
    public SeenInvoice[] amountBucketRoundTrip() throws IOException {
        SeenInvoice[] bucket = bucket(next());
        bucketOut.clear();
        StateSerializers.SeenInvoices.INSTANCE.serialize(bucket, bucketOut);
        bucketIn.setBuffer(bucketOut.getSharedBuffer(), 0, bucketOut.length());
        return StateSerializers.SeenInvoices.INSTANCE.deserialize(bucketIn);
    }

    /**
     * What RocksDB does with the amount bucket of a first delivery: the stored bucket read, the
     * invoice appended, the bucket written back (duplicate-index; entries read are written as the
     * bytes they were read from, state/StateSerializers).
     */
    @Benchmark
    public int amountBucketUpdate() throws IOException {
        int k = next();
        byte[] stored = storedBuckets[k];
        bucketIn.setBuffer(stored, 0, stored.length);
        SeenInvoice[] bucket = StateSerializers.SeenInvoices.INSTANCE.deserialize(bucketIn);
        SeenInvoice[] appended = java.util.Arrays.copyOf(bucket, bucket.length + 1);
        appended[bucket.length] = probes[k];
        bucketOut.clear();
        StateSerializers.SeenInvoices.INSTANCE.serialize(appended, bucketOut);
        return bucketOut.length();
    }

    /**
     * The same bytes through Flink's {@code StringValue}, one byte per call: what the state
     * serializer's strings cost before codec/StringCodec, the baseline of the benchmark above.
     */
    @Benchmark
    public SeenInvoice[] amountBucketRoundTripStringValue() throws IOException {
        SeenInvoice[] bucket = bucket(next());
        bucketOut.clear();
        bucketOut.writeInt(bucket.length);
        for (SeenInvoice s : bucket) {
            StringValue.writeString(s.invoiceId, bucketOut);
            StringValue.writeString(s.invoiceNumber, bucketOut);
            StringValue.writeString(s.normalizedNumber, bucketOut);
            bucketOut.writeLong(s.amountMilli);
            StringValue.writeString(s.currency, bucketOut);
            bucketOut.writeInt(s.invoiceDay);
            bucketOut.writeLong(s.eventTime);
        }
        bucketIn.setBuffer(bucketOut.getSharedBuffer(), 0, bucketOut.length());
        SeenInvoice[] back = new SeenInvoice[bucketIn.readInt()];
        for (int j = 0; j < back.length; j++) {
            back[j] = new SeenInvoice(StringValue.readString(bucketIn), StringValue.readString(bucketIn),
                    StringValue.readString(bucketIn), bucketIn.readLong(), StringValue.readString(bucketIn),
                    bucketIn.readInt(), bucketIn.readLong());
        }
        return back;
    }

    private SeenInvoice[] bucket(int k) {
        SeenInvoice[] bucket = buckets[k][1];
        return bucket == null ? new SeenInvoice[] {probes[k]} : bucket;
    }

    /** Bucket sizes the find benchmark sees, for the report. */
    public static String bucketSizes(String dataFile) throws IOException {
        HotPathsBenchmark b = new HotPathsBenchmark();
        b.dataFile = dataFile;
        b.setup();
        int[] sizes = new int[N];
        for (int k = 0; k < N; k++) {
            int s = 0;
            for (SeenInvoice[] bucket : b.buckets[k]) {
                s += bucket == null ? 0 : bucket.length;
            }
            sizes[k] = s;
        }
        java.util.Arrays.sort(sizes);
        return String.format("candidates per probe (both buckets): median %d, p90 %d, p99 %d, max %d",
                sizes[N / 2], sizes[N * 9 / 10], sizes[N * 99 / 100], sizes[N - 1]);
    }
}

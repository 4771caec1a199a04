package io.invoicesieve.cli;

import io.invoicesieve.model.Decision;
import io.invoicesieve.serde.DecisionSerializer;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.AccountInvoice;
import io.invoicesieve.state.AccountProfile;
import io.invoicesieve.state.AmountHistory;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.ExpiryBucket;
import io.invoicesieve.state.SeenInvoice;
import io.invoicesieve.state.Uids;
import io.invoicesieve.state.VendorProfile;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code inspect --savepoint <dir>}: reads the keyed state of {@code invoice-scorer} and
 * {@code account-sharing} from a savepoint with the State Processor API
 * and prints per-state counts and approximate sizes (each key and value serialized with the job's
 * own serializers; the backend's per-entry overhead is not included).
 */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        description = "Print per-state counts and approximate sizes of a savepoint's keyed state.",
        footer = Cli.EXIT_CODES)
public final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--savepoint", required = true, paramLabel = "<dir>",
            description = "the savepoint directory (holds _metadata)")
    java.nio.file.Path savepoint;

    @Option(names = "--state-backend", paramLabel = "hashmap|rocksdb", defaultValue = "hashmap",
            description = "state backend the savepoint was written with: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    BootstrapCommand.Backend backend;

    public InspectCommand() {}

    /** Totals over all keys of one operator. A POJO, summed by {@link #plus}. */
    public static class StateStats implements java.io.Serializable {

        private static final long serialVersionUID = 1L;

        public String uid;
        public long keys;
        /** invoice-scorer: invoice ids remembered against re-deliveries. */
        public long replayIds;
        /** account-sharing: (tenant, account) keys with vendors; invoice-scorer: vendors with accounts. */
        public long accountKeys;
        /** account-sharing: (account, vendor) pairs; invoice-scorer: (vendor, account) pairs. */
        public long accountEntries;
        /** invoice-scorer: (tenant, vendor) keys. */
        public long vendors;
        /** invoice-scorer: distinct invoices in the duplicate index. */
        public long indexedInvoices;
        /** invoice-scorer: blocking-key buckets and their entries (an invoice is in two buckets). */
        public long indexBuckets;
        public long indexEntries;
        /** invoice-scorer: amount samples over all (vendor, currency) histories. */
        public long amountSamples;
        public long amountHistories;
        public long eventTimers;
        public long bytesInvoiceIds;
        public long bytesAccountVendors;
        public long bytesDuplicateIndex;
        public long bytesAmountHistory;
        public long bytesVendorAccounts;
        public long bytesCleanupTimer;
        /** Since 0.2.0. invoice-scorer: remembered ids with a content digest, and the ids as 0.1.0 kept them. */
        public long digests;
        public long legacyIds;
        public long bytesInvoiceDeliveries;
        /** Since 0.2.0. account-sharing: invoices indexed for the cross-vendor match, and the evicted-vendors aggregate. */
        public long accountInvoices;
        public long bytesAccountInvoices;
        public long bytesAccountVendorsEvicted;
        /** Since 0.2.0. account-sharing: decisions held for order (a replay or catch-up in flight). */
        public long heldDecisions;
        public long bytesHeldDecisions;
        /** Since 0.2.0. invoice-scorer: amount histories, accounts and timer of each vendor as one value. */
        public long profiles;
        public long bytesVendorProfile;
        /** Since 0.2.0. invoice-scorer: stored weeks of the expiry index (the open week is in the profile). */
        public long expiryWeeks;
        public long bytesExpiryIndex;

        public StateStats() {}

        static StateStats of(String uid) {
            StateStats s = new StateStats();
            s.uid = uid;
            return s;
        }

        public long bytes() {
            return bytesInvoiceIds + bytesAccountVendors + bytesDuplicateIndex + bytesAmountHistory
                    + bytesVendorAccounts + bytesCleanupTimer + bytesInvoiceDeliveries + bytesAccountInvoices
                    + bytesAccountVendorsEvicted + bytesHeldDecisions + bytesVendorProfile + bytesExpiryIndex;
        }

        public StateStats plus(StateStats o) {
            StateStats s = of(uid);
            s.keys = keys + o.keys;
            s.replayIds = replayIds + o.replayIds;
            s.accountKeys = accountKeys + o.accountKeys;
            s.accountEntries = accountEntries + o.accountEntries;
            s.vendors = vendors + o.vendors;
            s.indexedInvoices = indexedInvoices + o.indexedInvoices;
            s.indexBuckets = indexBuckets + o.indexBuckets;
            s.indexEntries = indexEntries + o.indexEntries;
            s.amountSamples = amountSamples + o.amountSamples;
            s.amountHistories = amountHistories + o.amountHistories;
            s.eventTimers = eventTimers + o.eventTimers;
            s.bytesInvoiceIds = bytesInvoiceIds + o.bytesInvoiceIds;
            s.bytesAccountVendors = bytesAccountVendors + o.bytesAccountVendors;
            s.bytesDuplicateIndex = bytesDuplicateIndex + o.bytesDuplicateIndex;
            s.bytesAmountHistory = bytesAmountHistory + o.bytesAmountHistory;
            s.bytesVendorAccounts = bytesVendorAccounts + o.bytesVendorAccounts;
            s.bytesCleanupTimer = bytesCleanupTimer + o.bytesCleanupTimer;
            s.digests = digests + o.digests;
            s.legacyIds = legacyIds + o.legacyIds;
            s.bytesInvoiceDeliveries = bytesInvoiceDeliveries + o.bytesInvoiceDeliveries;
            s.accountInvoices = accountInvoices + o.accountInvoices;
            s.bytesAccountInvoices = bytesAccountInvoices + o.bytesAccountInvoices;
            s.bytesAccountVendorsEvicted = bytesAccountVendorsEvicted + o.bytesAccountVendorsEvicted;
            s.heldDecisions = heldDecisions + o.heldDecisions;
            s.bytesHeldDecisions = bytesHeldDecisions + o.bytesHeldDecisions;
            s.profiles = profiles + o.profiles;
            s.bytesVendorProfile = bytesVendorProfile + o.bytesVendorProfile;
            s.expiryWeeks = expiryWeeks + o.expiryWeeks;
            s.bytesExpiryIndex = bytesExpiryIndex + o.bytesExpiryIndex;
            return s;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(savepoint.resolve("_metadata"))) {
            throw new IllegalArgumentException("--savepoint " + savepoint + " holds no _metadata");
        }
        spec.commandLine().getOut().print(format(savepoint.toString(), inspect(savepoint.toString(), backend.name())));
        spec.commandLine().getOut().flush();
        return Cli.OK;
    }

    /** Per-uid totals of the savepoint's keyed state. */
    public static Map<String, StateStats> inspect(String savepoint, String backendName) throws Exception {
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(1);
        String path = Paths.get(savepoint).toAbsolutePath().toUri().toString();
        SavepointReader reader = SavepointReader.read(env, path, BootstrapCommand.stateBackend(backendName));

        TypeInformation<StateStats> type = Types.POJO(StateStats.class);
        DataStream<StateStats> all =
                reader.readKeyedState(OperatorIdentifier.forUid(Uids.INVOICE_SCORER), new ScorerStats(), Types.STRING, type)
                        .union(reader.readKeyedState(
                                OperatorIdentifier.forUid(Uids.ACCOUNT_SHARING), new AccountSharingStats(), Types.STRING, type));
        // totals travel back as accumulators: no result stream to collect from a finished job
        all.process(new Totals()).returns(type).name("Sum per state").sinkTo(new DiscardingSink<>());
        JobExecutionResult result = env.execute("invoice-sieve inspect");
        Map<String, StateStats> totals = new TreeMap<>();
        for (String uid : new String[] {Uids.INVOICE_SCORER, Uids.ACCOUNT_SHARING}) {
            StateStats s = result.getAccumulatorResult(Totals.PREFIX + uid);
            totals.put(uid, s == null ? StateStats.of(uid) : s);
        }
        return totals;
    }

    /** Sums the per-key stats of each uid into an accumulator. */
    static final class Totals extends ProcessFunction<StateStats, StateStats> {
        private static final long serialVersionUID = 1L;
        static final String PREFIX = "inspect.";
        private transient Map<String, StatsAccumulator> sums;

        @Override
        public void open(OpenContext openContext) {
            sums = new HashMap<>();
            for (String uid : new String[] {Uids.INVOICE_SCORER, Uids.ACCOUNT_SHARING}) {
                StatsAccumulator acc = new StatsAccumulator(uid);
                sums.put(uid, acc);
                getRuntimeContext().addAccumulator(PREFIX + uid, acc);
            }
        }

        @Override
        public void processElement(StateStats stats, Context ctx, Collector<StateStats> out) {
            sums.get(stats.uid).add(stats);
        }
    }

    /** Accumulator of {@link StateStats}, merged across subtasks by the job manager. */
    static final class StatsAccumulator implements Accumulator<StateStats, StateStats> {
        private static final long serialVersionUID = 1L;
        private final String uid;
        private StateStats total;

        StatsAccumulator(String uid) {
            this.uid = uid;
            this.total = StateStats.of(uid);
        }

        @Override
        public void add(StateStats value) {
            total = total.plus(value);
        }

        @Override
        public StateStats getLocalValue() {
            return total;
        }

        @Override
        public void resetLocal() {
            total = StateStats.of(uid);
        }

        @Override
        public void merge(Accumulator<StateStats, StateStats> other) {
            total = total.plus(other.getLocalValue());
        }

        @Override
        public StatsAccumulator clone() {
            StatsAccumulator copy = new StatsAccumulator(uid);
            copy.total = total;
            return copy;
        }
    }

    public static String format(String savepoint, Map<String, StateStats> totals) {
        StringBuilder b = new StringBuilder();
        b.append("savepoint ").append(savepoint).append(String.format("%n"));
        StateStats sharing = totals.get(Uids.ACCOUNT_SHARING);
        StateStats scorer = totals.get(Uids.INVOICE_SCORER);
        line(b, Uids.INVOICE_SCORER, "invoice-deliveries", (scorer.replayIds - scorer.legacyIds) + " replay ids ("
                + scorer.digests + " with a content digest)", scorer.bytesInvoiceDeliveries);
        line(b, Uids.INVOICE_SCORER, "invoice-ids", scorer.legacyIds + " replay ids as 0.1.0 kept them",
                scorer.bytesInvoiceIds);
        line(b, Uids.ACCOUNT_SHARING, "account-profile",
                sharing.accountKeys + " accounts, " + sharing.accountEntries + " account-vendor pairs", sharing.bytesAccountVendors);
        line(b, Uids.ACCOUNT_SHARING, "account-vendors-evicted", "vendors no longer listed (aggregate)",
                sharing.bytesAccountVendorsEvicted);
        line(b, Uids.ACCOUNT_SHARING, "account-invoices", sharing.accountInvoices + " invoices for the cross-vendor match",
                sharing.bytesAccountInvoices);
        line(b, Uids.ACCOUNT_SHARING, "held-decisions", sharing.heldDecisions + " decisions held for order",
                sharing.bytesHeldDecisions);
        line(b, Uids.ACCOUNT_SHARING, "cleanup-timer", sharing.eventTimers + " event-time timers", sharing.bytesCleanupTimer);
        line(b, Uids.INVOICE_SCORER, "duplicate-index",
                scorer.indexedInvoices + " invoices in " + scorer.indexBuckets + " buckets (" + scorer.indexEntries + " entries)",
                scorer.bytesDuplicateIndex);
        line(b, Uids.INVOICE_SCORER, "vendor-profile", scorer.profiles + " vendors' amounts, accounts, timer, open week",
                scorer.bytesVendorProfile);
        line(b, Uids.INVOICE_SCORER, "expiry-index", scorer.expiryWeeks + " vendor-weeks of ids and keys to purge",
                scorer.bytesExpiryIndex);
        line(b, Uids.INVOICE_SCORER, "amount-history",
                scorer.amountSamples + " amount samples in " + scorer.amountHistories + " histories", scorer.bytesAmountHistory);
        line(b, Uids.INVOICE_SCORER, "vendor-accounts",
                scorer.accountEntries + " vendor accounts of " + scorer.accountKeys + " vendors", scorer.bytesVendorAccounts);
        line(b, Uids.INVOICE_SCORER, "cleanup-timer", scorer.eventTimers + " event-time timers", scorer.bytesCleanupTimer);
        b.append(String.format(Locale.ROOT, "vendors %d, accounts %d, invoices indexed %d, replay ids %d, amount samples %d, about %d bytes%n",
                scorer.vendors, sharing.accountKeys, scorer.indexedInvoices, scorer.replayIds, scorer.amountSamples,
                sharing.bytes() + scorer.bytes()));
        if (scorer.vendors > 0) {
            b.append(String.format(Locale.ROOT, "per vendor: %d bytes (invoice-scorer %d, account-sharing %d)%n",
                    (sharing.bytes() + scorer.bytes()) / scorer.vendors, scorer.bytes() / scorer.vendors,
                    sharing.bytes() / scorer.vendors));
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String uid, String state, String what, long bytes) {
        b.append(String.format(Locale.ROOT, "  %-16s %-23s %-50s %,11d bytes%n", uid, state, what, bytes));
    }

    /** Serialized size of keys and values with the job's own serializers. */
    private static final class Sizer {
        private final DataOutputSerializer out = new DataOutputSerializer(256);

        <T> long size(TypeSerializer<T> serializer, T value) throws IOException {
            out.clear();
            serializer.serialize(value, out);
            return out.length();
        }
    }

    static final class AccountSharingStats extends KeyedStateReaderFunction<String, StateStats> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<AccountProfile> profile;
        private transient ValueState<AccountHistory[]> vendors;
        private transient ValueState<AccountHistory> evicted;
        private transient MapState<String, AccountInvoice[]> invoices;
        private transient MapState<Long, Decision[]> held;
        private transient ValueState<Long> cleanupTimer;
        private transient TypeSerializer<AccountHistory[]> accounts;
        private transient TypeSerializer<String> keys;
        private transient Sizer sizer;

        @Override
        public void open(Configuration parameters) {
            profile = getRuntimeContext().getState(Descriptors.accountProfile());
            vendors = getRuntimeContext().getState(Descriptors.accountVendors());
            evicted = getRuntimeContext().getState(Descriptors.accountVendorsEvicted());
            invoices = getRuntimeContext().getMapState(Descriptors.accountInvoices());
            held = getRuntimeContext().getMapState(Descriptors.heldDecisions());
            cleanupTimer = getRuntimeContext().getState(Descriptors.cleanupTimer());
            accounts = Descriptors.ACCOUNTS;
            keys = getRuntimeContext().createSerializer(Types.STRING);
            sizer = new Sizer();
        }

        @Override
        public void readKey(String key, Context ctx, Collector<StateStats> out) throws Exception {
            StateStats s = StateStats.of(Uids.ACCOUNT_SHARING);
            s.keys = 1;
            s.eventTimers = ctx.registeredEventTimeTimers().size();
            long keyBytes = sizer.size(keys, key);
            // since 0.2.0 the vendors and the timer are one value; a key restored from 0.1.0 and not
            // met since still has account-vendors and cleanup-timer
            AccountProfile p = profile.value();
            AccountHistory[] v = p != null ? p.vendors : vendors.value();
            if (v != null) {
                s.accountKeys = 1;
                s.accountEntries = v.length;
            }
            if (p != null) {
                s.bytesAccountVendors = keyBytes + sizer.size(Descriptors.ACCOUNT_PROFILE, p);
            } else if (v != null) {
                s.bytesAccountVendors = keyBytes + sizer.size(accounts, v);
            }
            AccountHistory gone = evicted.value();
            if (gone != null) {
                s.bytesAccountVendorsEvicted = keyBytes + sizer.size(Descriptors.ACCOUNT, gone);
            }
            for (Map.Entry<String, AccountInvoice[]> bucket : invoices.entries()) {
                s.accountInvoices += bucket.getValue().length;
                s.bytesAccountInvoices += keyBytes + sizer.size(keys, bucket.getKey())
                        + sizer.size(Descriptors.ACCOUNT_INVOICES, bucket.getValue());
            }
            for (Map.Entry<Long, Decision[]> due : held.entries()) {
                s.heldDecisions += due.getValue().length;
                s.bytesHeldDecisions += keyBytes + Long.BYTES + Integer.BYTES;
                for (Decision d : due.getValue()) {
                    s.bytesHeldDecisions += sizer.size(DecisionSerializer.INSTANCE, d);
                }
            }
            if (cleanupTimer.value() != null) {
                s.bytesCleanupTimer = keyBytes + Long.BYTES;
            }
            out.collect(s);
        }
    }

    static final class ScorerStats extends KeyedStateReaderFunction<String, StateStats> {
        private static final long serialVersionUID = 1L;
        private transient MapState<String, long[]> deliveries;
        private transient MapState<String, Long> invoiceIds;
        private transient MapState<String, SeenInvoice[]> duplicateIndex;
        private transient MapState<String, AmountHistory> amountHistory;
        private transient ValueState<AccountHistory[]> vendorAccounts;
        private transient ValueState<Long> cleanupTimer;
        private transient ValueState<VendorProfile> profile;
        private transient MapState<Integer, ExpiryBucket> expiryIndex;
        private transient TypeSerializer<String> strings;
        private transient TypeSerializer<SeenInvoice[]> seen;
        private transient TypeSerializer<AmountHistory> amounts;
        private transient TypeSerializer<AccountHistory[]> accounts;
        private transient Sizer sizer;

        @Override
        public void open(Configuration parameters) {
            deliveries = getRuntimeContext().getMapState(Descriptors.invoiceDeliveries());
            invoiceIds = getRuntimeContext().getMapState(Descriptors.invoiceIds());
            duplicateIndex = getRuntimeContext().getMapState(Descriptors.duplicateIndex());
            amountHistory = getRuntimeContext().getMapState(Descriptors.amountHistory());
            vendorAccounts = getRuntimeContext().getState(Descriptors.vendorAccounts());
            cleanupTimer = getRuntimeContext().getState(Descriptors.cleanupTimer());
            profile = getRuntimeContext().getState(Descriptors.vendorProfile());
            expiryIndex = getRuntimeContext().getMapState(Descriptors.expiryIndex());
            strings = getRuntimeContext().createSerializer(Types.STRING);
            seen = Descriptors.SEEN_INVOICES;
            amounts = Descriptors.AMOUNTS;
            accounts = Descriptors.ACCOUNTS;
            sizer = new Sizer();
        }

        @Override
        public void readKey(String key, Context ctx, Collector<StateStats> out) throws Exception {
            StateStats s = StateStats.of(Uids.INVOICE_SCORER);
            s.keys = 1;
            s.vendors = 1;
            s.eventTimers = ctx.registeredEventTimeTimers().size();
            long keyBytes = sizer.size(strings, key);
            for (Map.Entry<String, long[]> id : deliveries.entries()) {
                s.replayIds++;
                s.digests += id.getValue().length > 1 ? 1 : 0;
                s.bytesInvoiceDeliveries += keyBytes + sizer.size(strings, id.getKey())
                        + Integer.BYTES + (long) Long.BYTES * id.getValue().length;
            }
            for (String id : invoiceIds.keys()) {
                s.replayIds++;
                s.legacyIds++;
                s.bytesInvoiceIds += keyBytes + sizer.size(strings, id) + Long.BYTES;
            }
            Set<String> indexed = new HashSet<>();
            for (Map.Entry<String, SeenInvoice[]> bucket : duplicateIndex.entries()) {
                s.indexBuckets++;
                s.indexEntries += bucket.getValue().length;
                for (SeenInvoice inv : bucket.getValue()) {
                    indexed.add(inv.invoiceId);
                }
                s.bytesDuplicateIndex += keyBytes + sizer.size(strings, bucket.getKey()) + sizer.size(seen, bucket.getValue());
            }
            s.indexedInvoices = indexed.size();
            for (Map.Entry<Integer, ExpiryBucket> week : expiryIndex.entries()) {
                s.expiryWeeks++;
                s.bytesExpiryIndex += keyBytes + Integer.BYTES + sizer.size(Descriptors.EXPIRY_BUCKETS, week.getValue());
            }
            for (Map.Entry<String, AmountHistory> history : amountHistory.entries()) {
                s.amountHistories++;
                s.amountSamples += history.getValue().size;
                s.bytesAmountHistory += keyBytes + sizer.size(strings, history.getKey()) + sizer.size(amounts, history.getValue());
            }
            AccountHistory[] a = vendorAccounts.value();
            if (a != null) {
                s.accountKeys = 1;
                s.accountEntries = a.length;
                s.bytesVendorAccounts = keyBytes + sizer.size(accounts, a);
            }
            if (cleanupTimer.value() != null) {
                s.bytesCleanupTimer = keyBytes + Long.BYTES;
            }
            // since 0.2.0 (a key restored from 0.1.0 and not met since still has the states above)
            VendorProfile p = profile.value();
            if (p != null) {
                s.profiles = 1;
                s.bytesVendorProfile = keyBytes + sizer.size(Descriptors.PROFILE, p);
                for (AmountHistory h : p.amounts) {
                    s.amountHistories++;
                    s.amountSamples += h.size;
                }
                if (p.accounts != null) {
                    s.accountKeys++;
                    s.accountEntries += p.accounts.length;
                }
            }
            out.collect(s);
        }
    }
}

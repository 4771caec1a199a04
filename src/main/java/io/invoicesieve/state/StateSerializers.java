package io.invoicesieve.state;

import io.invoicesieve.codec.RecordingReader;
import io.invoicesieve.codec.StringCodec;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.GenericArraySerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * Field-by-field serializers of the detectors' keyed-state values. Up to 0.1.0 these values were
 * written by Flink's PojoSerializer (and GenericArraySerializer around it), which reads and writes
 * every field through reflection, boxes every primitive and writes a null marker per field: on
 * RocksDB that runs on every state read and write, and it was 16 % of a RocksDB run's busy samples
 * (benchmarks/REPORT.md, round five).
 *
 * <p><b>Restoring a 0.1.0 savepoint.</b> Each serializer's snapshot answers
 * {@link TypeSerializerSchemaCompatibility#compatibleAfterMigration()} to the POJO (or POJO-array)
 * snapshot of the same class that a 0.1.0 savepoint holds. Flink then reads the old values with the
 * serializer restored from the savepoint and writes them with the new one: RocksDB rewrites each
 * such state once when the job registers it after the restore, the heap backend holds objects
 * anyway and writes the new format at the next snapshot. No {@code migrate} step is needed, and the
 * state names stay what they were. {@code SavepointRestoreITCase} restores the 0.1.0 savepoint
 * through this path; {@code StateSerializersTest} pins the compatibility answers and the formats.
 *
 * <p><b>The formats are part of savepoints</b> from here on, and so are the class names of the
 * snapshots (Flink instantiates them by name): never rename a class here, and change a format only
 * with a new snapshot version that can still read the old one. Strings are written as Flink's
 * {@code StringValue} does (null allowed), by {@link StringCodec}, in bulk. Arrays are never null in state (a map entry or value
 * holds a non-null array, and RocksDB marks absent values itself); their elements are never null.
 */
public final class StateSerializers {

    private StateSerializers() {}

    /** Base of the state-value serializers: stateless singletons, deep copies. */
    abstract static class Base<T> extends TypeSerializerSingleton<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public T copy(T from, T reuse) {
            return copy(from);
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public T deserialize(T reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }
    }

    /**
     * Snapshot of a state-value serializer: compatible as is with itself, compatible after
     * migration with the PojoSerializer (or GenericArraySerializer of PojoSerializer) of
     * {@code pojo} that wrote the value up to 0.1.0, incompatible with anything else.
     */
    abstract static class Snapshot<T> extends SimpleTypeSerializerSnapshot<T> {
        private final Class<?> pojo;
        private final boolean array;

        Snapshot(Supplier<? extends TypeSerializer<T>> serializer, Class<?> pojo, boolean array) {
            super(serializer);
            this.pojo = pojo;
            this.array = array;
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
            if (writtenByPojoSerializer(old)) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(old);
        }

        private boolean writtenByPojoSerializer(TypeSerializerSnapshot<T> old) {
            if (old instanceof SimpleTypeSerializerSnapshot) {
                return false;
            }
            TypeSerializer<?> restored = old.restoreSerializer();
            if (array) {
                return restored instanceof GenericArraySerializer
                        && ((GenericArraySerializer<?>) restored).getComponentClass() == pojo
                        && ((GenericArraySerializer<?>) restored).getComponentSerializer() instanceof PojoSerializer;
            }
            return restored instanceof PojoSerializer && restored.createInstance().getClass() == pojo;
        }
    }

    static void writeString(String s, DataOutputView out) throws IOException {
        StringCodec.write(s, out);
    }

    static String readString(DataInputView in) throws IOException {
        return StringCodec.read(in);
    }

    // ---------------------------------------------------------------- duplicate-index

    /** {@code duplicate-index} values: count, then per invoice its seven fields. */
    public static final class SeenInvoices extends Base<SeenInvoice[]> {
        private static final long serialVersionUID = 1L;
        public static final SeenInvoices INSTANCE = new SeenInvoices();

        @Override
        public SeenInvoice[] createInstance() {
            return new SeenInvoice[0];
        }

        @Override
        public SeenInvoice[] copy(SeenInvoice[] from) {
            SeenInvoice[] to = new SeenInvoice[from.length];
            for (int i = 0; i < from.length; i++) {
                to[i] = copyOf(from[i]);
            }
            return to;
        }

        static SeenInvoice copyOf(SeenInvoice s) {
            return new SeenInvoice(s.invoiceId, s.invoiceNumber, s.normalizedNumber, s.amountMilli, s.currency,
                    s.invoiceDay, s.eventTime);
        }

        /** An entry read from state is written as the bytes it was read from (see {@link #deserialize}). */
        @Override
        public void serialize(SeenInvoice[] record, DataOutputView out) throws IOException {
            out.writeInt(record.length);
            for (SeenInvoice s : record) {
                if (s.encoded != null) {
                    out.write(s.encoded);
                } else {
                    write(s, out);
                }
            }
        }

        static void write(SeenInvoice s, DataOutputView out) throws IOException {
            writeString(s.invoiceId, out);
            writeString(s.invoiceNumber, out);
            writeString(s.normalizedNumber, out);
            out.writeLong(s.amountMilli);
            writeString(s.currency, out);
            out.writeInt(s.invoiceDay);
            out.writeLong(s.eventTime);
        }

        /** Reads the seven fields that {@link #write} wrote; {@code r} records their bytes. */
        static void read(SeenInvoice s, RecordingReader r, DataInputView in) throws IOException {
            s.invoiceId = r.readString(in);
            s.invoiceNumber = r.readString(in);
            s.normalizedNumber = r.readString(in);
            s.amountMilli = r.readLong(in);
            s.currency = r.readString(in);
            s.invoiceDay = r.readInt(in);
            s.eventTime = r.readLong(in);
        }

        /**
         * Keeps each entry's bytes beside its fields. On RocksDB a bucket is read, one entry is
         * appended and the bucket is written back on every invoice: its other entries are then
         * copied as bytes, not re-encoded (benchmarks/REPORT.md, round nine).
         */
        @Override
        public SeenInvoice[] deserialize(DataInputView in) throws IOException {
            SeenInvoice[] seen = new SeenInvoice[in.readInt()];
            RecordingReader r = new RecordingReader();
            for (int i = 0; i < seen.length; i++) {
                SeenInvoice s = new SeenInvoice();
                r.begin();
                read(s, r, in);
                s.encoded = r.recorded();
                seen[i] = s;
            }
            return seen;
        }

        @Override
        public TypeSerializerSnapshot<SeenInvoice[]> snapshotConfiguration() {
            return new SeenInvoicesSnapshot();
        }
    }

    /** Version 1: the format of {@link SeenInvoices}. */
    public static final class SeenInvoicesSnapshot extends Snapshot<SeenInvoice[]> {
        public SeenInvoicesSnapshot() {
            super(() -> SeenInvoices.INSTANCE, SeenInvoice.class, true);
        }
    }

    // ---------------------------------------------------------------- account-invoices

    /** {@code account-invoices} values: count, then per invoice the vendor id and the seven fields. */
    public static final class AccountInvoices extends Base<AccountInvoice[]> {
        private static final long serialVersionUID = 1L;
        public static final AccountInvoices INSTANCE = new AccountInvoices();

        @Override
        public AccountInvoice[] createInstance() {
            return new AccountInvoice[0];
        }

        @Override
        public AccountInvoice[] copy(AccountInvoice[] from) {
            AccountInvoice[] to = new AccountInvoice[from.length];
            for (int i = 0; i < from.length; i++) {
                AccountInvoice a = from[i];
                to[i] = new AccountInvoice(a.vendorId, a.invoiceId, a.invoiceNumber, a.normalizedNumber, a.amountMilli,
                        a.currency, a.invoiceDay, a.eventTime);
            }
            return to;
        }

        @Override
        public void serialize(AccountInvoice[] record, DataOutputView out) throws IOException {
            out.writeInt(record.length);
            for (AccountInvoice a : record) {
                writeString(a.vendorId, out);
                SeenInvoices.write(a, out);
            }
        }

        @Override
        public AccountInvoice[] deserialize(DataInputView in) throws IOException {
            AccountInvoice[] invoices = new AccountInvoice[in.readInt()];
            // the reader's buffer serves every string here; the recorded bytes are not kept
            RecordingReader r = new RecordingReader();
            for (int i = 0; i < invoices.length; i++) {
                AccountInvoice a = new AccountInvoice();
                a.vendorId = readString(in);
                r.begin();
                SeenInvoices.read(a, r, in);
                invoices[i] = a;
            }
            return invoices;
        }

        @Override
        public TypeSerializerSnapshot<AccountInvoice[]> snapshotConfiguration() {
            return new AccountInvoicesSnapshot();
        }
    }

    /** Version 1: the format of {@link AccountInvoices}. */
    public static final class AccountInvoicesSnapshot extends Snapshot<AccountInvoice[]> {
        public AccountInvoicesSnapshot() {
            super(() -> AccountInvoices.INSTANCE, AccountInvoice.class, true);
        }
    }

    // ---------------------------------------------------------------- vendor-accounts, account-vendors

    /** {@code vendor-accounts} and {@code account-vendors} values: count, then id, first, last, count. */
    public static final class AccountHistories extends Base<AccountHistory[]> {
        private static final long serialVersionUID = 1L;
        public static final AccountHistories INSTANCE = new AccountHistories();

        @Override
        public AccountHistory[] createInstance() {
            return new AccountHistory[0];
        }

        @Override
        public AccountHistory[] copy(AccountHistory[] from) {
            AccountHistory[] to = new AccountHistory[from.length];
            for (int i = 0; i < from.length; i++) {
                to[i] = Single.copyOf(from[i]);
            }
            return to;
        }

        @Override
        public void serialize(AccountHistory[] record, DataOutputView out) throws IOException {
            out.writeInt(record.length);
            for (AccountHistory a : record) {
                Single.write(a, out);
            }
        }

        @Override
        public AccountHistory[] deserialize(DataInputView in) throws IOException {
            return read(in, in.readInt());
        }

        /** The {@code count} entries that follow the count. */
        static AccountHistory[] read(DataInputView in, int count) throws IOException {
            AccountHistory[] accounts = new AccountHistory[count];
            for (int i = 0; i < count; i++) {
                accounts[i] = Single.read(in);
            }
            return accounts;
        }

        @Override
        public TypeSerializerSnapshot<AccountHistory[]> snapshotConfiguration() {
            return new AccountHistoriesSnapshot();
        }

        /** {@code account-vendors-evicted}: one AccountHistory, the same four fields. */
        public static final class Single extends Base<AccountHistory> {
            private static final long serialVersionUID = 1L;
            public static final Single INSTANCE = new Single();

            @Override
            public AccountHistory createInstance() {
                return new AccountHistory();
            }

            @Override
            public AccountHistory copy(AccountHistory from) {
                return copyOf(from);
            }

            static AccountHistory copyOf(AccountHistory a) {
                return new AccountHistory(a.id, a.firstSeen, a.lastSeen, a.count);
            }

            @Override
            public void serialize(AccountHistory a, DataOutputView out) throws IOException {
                write(a, out);
            }

            static void write(AccountHistory a, DataOutputView out) throws IOException {
                writeString(a.id, out);
                out.writeLong(a.firstSeen);
                out.writeLong(a.lastSeen);
                out.writeInt(a.count);
            }

            static AccountHistory read(DataInputView in) throws IOException {
                return new AccountHistory(readString(in), in.readLong(), in.readLong(), in.readInt());
            }

            @Override
            public AccountHistory deserialize(DataInputView in) throws IOException {
                return read(in);
            }

            @Override
            public TypeSerializerSnapshot<AccountHistory> snapshotConfiguration() {
                return new AccountHistorySnapshot();
            }
        }
    }

    /** Version 1: the format of {@link AccountHistories}. */
    public static final class AccountHistoriesSnapshot extends Snapshot<AccountHistory[]> {
        public AccountHistoriesSnapshot() {
            super(() -> AccountHistories.INSTANCE, AccountHistory.class, true);
        }
    }

    /** Version 1: the format of {@link AccountHistories.Single}. */
    public static final class AccountHistorySnapshot extends Snapshot<AccountHistory> {
        public AccountHistorySnapshot() {
            super(() -> AccountHistories.Single.INSTANCE, AccountHistory.class, false);
        }
    }

    // ---------------------------------------------------------------- account-profile

    /**
     * {@code account-profile} values: the vendors (-1 for none, else {@link AccountHistories}' format),
     * then the pending cleanup timer (a long, {@link AccountProfile#NO_TIMER} for none).
     */
    public static final class AccountProfiles extends Base<AccountProfile> {
        private static final long serialVersionUID = 1L;
        public static final AccountProfiles INSTANCE = new AccountProfiles();

        @Override
        public AccountProfile createInstance() {
            return new AccountProfile();
        }

        @Override
        public AccountProfile copy(AccountProfile from) {
            AccountProfile to = new AccountProfile();
            to.vendors = from.vendors == null ? null : AccountHistories.INSTANCE.copy(from.vendors);
            to.cleanupTimer = from.cleanupTimer;
            return to;
        }

        @Override
        public void serialize(AccountProfile p, DataOutputView out) throws IOException {
            if (p.vendors == null) {
                out.writeInt(-1);
            } else {
                AccountHistories.INSTANCE.serialize(p.vendors, out);
            }
            out.writeLong(p.cleanupTimer);
        }

        @Override
        public AccountProfile deserialize(DataInputView in) throws IOException {
            AccountProfile p = new AccountProfile();
            int vendors = in.readInt();
            if (vendors >= 0) {
                p.vendors = AccountHistories.read(in, vendors);
            }
            p.cleanupTimer = in.readLong();
            return p;
        }

        @Override
        public TypeSerializerSnapshot<AccountProfile> snapshotConfiguration() {
            return new AccountProfileSnapshot();
        }
    }

    /** Version 1: the format of {@link AccountProfiles}. */
    public static final class AccountProfileSnapshot extends Snapshot<AccountProfile> {
        public AccountProfileSnapshot() {
            super(() -> AccountProfiles.INSTANCE, AccountProfile.class, false);
        }
    }

    // ---------------------------------------------------------------- amount-history

    /**
     * {@code amount-history} values: capacity, then the samples oldest first (count, then each
     * log-amount and day). Read back, the samples fill the ring from position 0, which is the
     * layout {@link AmountHistory} itself keeps until the ring is full; the order of the samples is
     * what every reader depends on, and it is kept.
     */
    public static final class AmountHistories extends Base<AmountHistory> {
        private static final long serialVersionUID = 1L;
        public static final AmountHistories INSTANCE = new AmountHistories();

        @Override
        public AmountHistory createInstance() {
            return AmountHistory.withCapacity(0);
        }

        @Override
        public AmountHistory copy(AmountHistory from) {
            AmountHistory to = new AmountHistory();
            to.logAmounts = from.logAmounts.clone();
            to.days = from.days.clone();
            to.size = from.size;
            to.next = from.next;
            return to;
        }

        @Override
        public void serialize(AmountHistory h, DataOutputView out) throws IOException {
            int capacity = h.logAmounts.length;
            out.writeInt(capacity);
            out.writeInt(h.size);
            for (int i = 0; i < h.size; i++) {
                int idx = Math.floorMod(h.next - h.size + i, capacity);
                out.writeDouble(h.logAmounts[idx]);
                out.writeInt(h.days[idx]);
            }
        }

        @Override
        public AmountHistory deserialize(DataInputView in) throws IOException {
            AmountHistory h = AmountHistory.withCapacity(in.readInt());
            int size = in.readInt();
            for (int i = 0; i < size; i++) {
                h.logAmounts[i] = in.readDouble();
                h.days[i] = in.readInt();
            }
            h.size = size;
            h.next = h.logAmounts.length == 0 ? 0 : size % h.logAmounts.length;
            return h;
        }

        @Override
        public TypeSerializerSnapshot<AmountHistory> snapshotConfiguration() {
            return new AmountHistorySnapshot();
        }
    }

    /** Version 1: the format of {@link AmountHistories}. */
    public static final class AmountHistorySnapshot extends Snapshot<AmountHistory> {
        public AmountHistorySnapshot() {
            super(() -> AmountHistories.INSTANCE, AmountHistory.class, false);
        }
    }

    // ---------------------------------------------------------------- expiry-index

    /** {@code expiry-index} values (and the open week in a profile): the ids, then the keys (count, strings). */
    public static final class ExpiryBuckets extends Base<ExpiryBucket> {
        private static final long serialVersionUID = 1L;
        public static final ExpiryBuckets INSTANCE = new ExpiryBuckets();

        @Override
        public ExpiryBucket createInstance() {
            return new ExpiryBucket();
        }

        @Override
        public ExpiryBucket copy(ExpiryBucket from) {
            return new ExpiryBucket(from.ids.clone(), from.keys.clone());
        }

        @Override
        public void serialize(ExpiryBucket b, DataOutputView out) throws IOException {
            StringCodec.writeArray(b.ids, out);
            StringCodec.writeArray(b.keys, out);
        }

        @Override
        public ExpiryBucket deserialize(DataInputView in) throws IOException {
            String[] ids = StringCodec.readArray(in);
            return new ExpiryBucket(ids, StringCodec.readArray(in));
        }

        @Override
        public TypeSerializerSnapshot<ExpiryBucket> snapshotConfiguration() {
            return new ExpiryBucketSnapshot();
        }
    }

    /** Version 1: the format of {@link ExpiryBuckets}. */
    public static final class ExpiryBucketSnapshot extends Snapshot<ExpiryBucket> {
        public ExpiryBucketSnapshot() {
            super(() -> ExpiryBuckets.INSTANCE, ExpiryBucket.class, false);
        }
    }

    // ---------------------------------------------------------------- vendor-profile

    /**
     * {@code vendor-profile} values. Format 2 (with the expiry index): the tag {@link #FORMAT_2}, then
     * format 1, then the open week (an int, {@link VendorProfile#NO_WEEK} for none), its bucket
     * ({@link ExpiryBuckets}' format), the stored weeks (count, ints) and the two purge marks (ints).
     * Format 1 (written before the expiry index, read as an unindexed profile): the amount histories
     * (count, then per currency its code and {@link AmountHistories}' format), the accounts (-1 for
     * none, else {@link AccountHistories}' format), the pending cleanup timer (a long,
     * {@link VendorProfile#NO_TIMER} for none). Format 1 starts with a count, never negative, so the
     * tag tells the two apart in every value; the snapshot stays the same.
     */
    public static final class VendorProfiles extends Base<VendorProfile> {
        private static final long serialVersionUID = 1L;
        public static final VendorProfiles INSTANCE = new VendorProfiles();
        /** First int of a format-2 value. */
        static final int FORMAT_2 = -2;

        @Override
        public VendorProfile createInstance() {
            return new VendorProfile();
        }

        @Override
        public VendorProfile copy(VendorProfile from) {
            VendorProfile to = new VendorProfile();
            to.currencies = from.currencies.clone();
            to.amounts = new AmountHistory[from.amounts.length];
            for (int i = 0; i < from.amounts.length; i++) {
                to.amounts[i] = AmountHistories.INSTANCE.copy(from.amounts[i]);
            }
            to.accounts = from.accounts == null ? null : AccountHistories.INSTANCE.copy(from.accounts);
            to.cleanupTimer = from.cleanupTimer;
            to.openWeek = from.openWeek;
            to.open = ExpiryBuckets.INSTANCE.copy(from.open);
            to.weeks = from.weeks.clone();
            to.keysPurgedThrough = from.keysPurgedThrough;
            to.idsPurgedThrough = from.idsPurgedThrough;
            to.unindexed = from.unindexed;
            return to;
        }

        @Override
        public void serialize(VendorProfile p, DataOutputView out) throws IOException {
            out.writeInt(FORMAT_2);
            out.writeInt(p.currencies.length);
            for (int i = 0; i < p.currencies.length; i++) {
                writeString(p.currencies[i], out);
                AmountHistories.INSTANCE.serialize(p.amounts[i], out);
            }
            if (p.accounts == null) {
                out.writeInt(-1);
            } else {
                AccountHistories.INSTANCE.serialize(p.accounts, out);
            }
            out.writeLong(p.cleanupTimer);
            out.writeInt(p.openWeek);
            ExpiryBuckets.INSTANCE.serialize(p.open, out);
            out.writeInt(p.weeks.length);
            for (int w : p.weeks) {
                out.writeInt(w);
            }
            out.writeInt(p.keysPurgedThrough);
            out.writeInt(p.idsPurgedThrough);
        }

        @Override
        public VendorProfile deserialize(DataInputView in) throws IOException {
            VendorProfile p = new VendorProfile();
            int n = in.readInt();
            boolean indexed = n == FORMAT_2;
            if (indexed) {
                n = in.readInt();
            } else if (n < 0) {
                throw new IOException("vendor-profile: unknown format " + n);
            }
            p.currencies = new String[n];
            p.amounts = new AmountHistory[n];
            for (int i = 0; i < n; i++) {
                p.currencies[i] = readString(in);
                p.amounts[i] = AmountHistories.INSTANCE.deserialize(in);
            }
            int accounts = in.readInt();
            if (accounts >= 0) {
                p.accounts = new AccountHistory[accounts];
                for (int i = 0; i < accounts; i++) {
                    p.accounts[i] = AccountHistories.Single.read(in);
                }
            }
            p.cleanupTimer = in.readLong();
            if (!indexed) {
                p.unindexed = true;
                return p;
            }
            p.openWeek = in.readInt();
            p.open = ExpiryBuckets.INSTANCE.deserialize(in);
            p.weeks = new int[in.readInt()];
            for (int i = 0; i < p.weeks.length; i++) {
                p.weeks[i] = in.readInt();
            }
            p.keysPurgedThrough = in.readInt();
            p.idsPurgedThrough = in.readInt();
            return p;
        }

        @Override
        public TypeSerializerSnapshot<VendorProfile> snapshotConfiguration() {
            return new VendorProfileSnapshot();
        }
    }

    /** Version 1: the formats of {@link VendorProfiles} (each value says which it is in). */
    public static final class VendorProfileSnapshot extends Snapshot<VendorProfile> {
        public VendorProfileSnapshot() {
            super(() -> VendorProfiles.INSTANCE, VendorProfile.class, false);
        }
    }
}

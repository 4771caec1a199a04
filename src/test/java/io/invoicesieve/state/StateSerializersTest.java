package io.invoicesieve.state;

import io.invoicesieve.testing.RandomStrings;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.StringUtils;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written state-value serializers: every field survives, copies are deep, the format is
 * pinned, and the compatibility answers that let a 0.1.0 savepoint (POJO format) restore by
 * migration while anything else is refused.
 */
class StateSerializersTest {

    private static final SeenInvoice SEEN = new SeenInvoice("i-1", "INV-0001", "1", -125_500L, "EUR", 20_500, 1_770_000_000_123L);

    private static <T> byte[] bytes(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        return serializer.deserialize(new DataInputDeserializer(bytes(serializer, value)));
    }

    @SuppressWarnings("unchecked")
    private static <T> TypeSerializer<T> pojoSerializer(TypeInformation<?> info) {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        return (TypeSerializer<T>) info.createSerializer(config);
    }

    /** What a savepoint stores and gives back: the snapshot written and read with its version. */
    private static <T> TypeSerializerSnapshot<T> stored(TypeSerializer<T> serializer) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
        return TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), StateSerializersTest.class.getClassLoader());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> TypeSerializerSchemaCompatibility<T> resolve(TypeSerializer<T> current, TypeSerializerSnapshot<?> old) {
        return current.snapshotConfiguration().resolveSchemaCompatibility((TypeSerializerSnapshot) old);
    }

    @Test
    void seenInvoicesKeepEveryFieldAndNullStrings() throws Exception {
        SeenInvoice sparse = new SeenInvoice(null, "", null, 0, null, 0, Long.MIN_VALUE);
        SeenInvoice[] value = {SEEN, sparse};
        assertThat(roundTrip(Descriptors.SEEN_INVOICES, value)).usingRecursiveComparison().ignoringFields("encoded").isEqualTo(value);
        assertThat(roundTrip(Descriptors.SEEN_INVOICES, new SeenInvoice[0])).isEmpty();

        SeenInvoice[] copy = Descriptors.SEEN_INVOICES.copy(value);
        assertThat(copy).usingRecursiveComparison().isEqualTo(value);
        copy[0].eventTime = 1;
        assertThat(value[0].eventTime).as("deep copy").isEqualTo(1_770_000_000_123L);
    }

    @Test
    void aBucketReadBackIsWrittenAsTheBytesItWasReadFromAndFreshEntriesFieldByField() throws Exception {
        Random random = new Random(20261203);
        SeenInvoice[] stored = new SeenInvoice[300];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = new SeenInvoice(RandomStrings.next(random),
                    i % 7 == 0 ? null : RandomStrings.next(random),
                    RandomStrings.next(random), random.nextLong(),
                    i % 5 == 0 ? "€UR" : "EUR", random.nextInt(), random.nextLong());
        }
        byte[] bytes = bytes(Descriptors.SEEN_INVOICES, stored);
        SeenInvoice[] read = Descriptors.SEEN_INVOICES.deserialize(new DataInputDeserializer(bytes));
        assertThat(read).usingRecursiveComparison().ignoringFields("encoded").isEqualTo(stored);
        assertThat(read).allSatisfy(s -> assertThat(s.encoded).isNotNull());
        assertThat(bytes(Descriptors.SEEN_INVOICES, read)).as("read, then written unchanged").isEqualTo(bytes);

        // what DuplicateIndex.add writes: the entries read, one dropped, a new one appended
        SeenInvoice[] appended = Arrays.copyOfRange(read, 1, read.length + 1);
        appended[appended.length - 1] = SEEN;
        SeenInvoice[] expected = Arrays.copyOfRange(stored, 1, stored.length + 1);
        expected[expected.length - 1] = SEEN;
        assertThat(bytes(Descriptors.SEEN_INVOICES, appended)).isEqualTo(bytes(Descriptors.SEEN_INVOICES, expected));

        SeenInvoice[] copy = Descriptors.SEEN_INVOICES.copy(read);
        assertThat(copy).allSatisfy(s -> assertThat(s.encoded).as("a copy is written from its fields").isNull());
        assertThat(bytes(Descriptors.SEEN_INVOICES, copy)).isEqualTo(bytes);
    }

    @Test
    void entriesOfSeveralReadsInAnyOrderAreWrittenAsTheirFieldsWouldBe() throws Exception {
        Random random = new Random(20261206);
        for (int trial = 0; trial < 300; trial++) {
            SeenInvoice[] a = randomBucket(random, 1 + random.nextInt(40));
            SeenInvoice[] b = randomBucket(random, 1 + random.nextInt(40));
            SeenInvoice[] readA = Descriptors.SEEN_INVOICES.deserialize(new DataInputDeserializer(bytes(Descriptors.SEEN_INVOICES, a)));
            SeenInvoice[] readB = Descriptors.SEEN_INVOICES.deserialize(new DataInputDeserializer(bytes(Descriptors.SEEN_INVOICES, b)));
            // a mix: runs of either read, entries skipped, reordered, new ones between
            int n = random.nextInt(60);
            SeenInvoice[] mixed = new SeenInvoice[n];
            SeenInvoice[] fields = new SeenInvoice[n];
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(3);
                SeenInvoice[] from = pick == 0 ? readA : pick == 1 ? readB : null;
                SeenInvoice[] orig = pick == 0 ? a : pick == 1 ? b : null;
                if (from == null) {
                    mixed[i] = randomBucket(random, 1)[0];
                    fields[i] = mixed[i];
                } else {
                    int j = random.nextInt(4) == 0 ? random.nextInt(from.length) : Math.min(from.length - 1, i % from.length);
                    mixed[i] = from[j];
                    fields[i] = orig[j];
                }
            }
            assertThat(bytes(Descriptors.SEEN_INVOICES, mixed)).isEqualTo(bytes(Descriptors.SEEN_INVOICES, fields));
        }
    }

    private static SeenInvoice[] randomBucket(Random random, int n) {
        SeenInvoice[] out = new SeenInvoice[n];
        String[] currencies = {"EUR", "EUR", "USD", "€UR", "JPY"};
        for (int i = 0; i < n; i++) {
            out[i] = new SeenInvoice(RandomStrings.next(random), random.nextInt(9) == 0 ? null : RandomStrings.next(random),
                    RandomStrings.next(random), random.nextLong(), currencies[random.nextInt(currencies.length)],
                    random.nextInt(), random.nextLong());
        }
        return out;
    }

    @Test
    void theRecordedBytesAreNotAFieldOfThePojoThatZeroOneWrote() {
        PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) TypeInformation.of(SeenInvoice.class);
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < pojo.getArity(); i++) {
            fields.add(pojo.getPojoFieldAt(i).getField().getName());
        }
        assertThat(fields).containsExactlyInAnyOrder(
                "invoiceId", "invoiceNumber", "normalizedNumber", "amountMilli", "currency", "invoiceDay", "eventTime");
    }

    @Test
    void accountInvoicesAndAccountsKeepEveryField() throws Exception {
        AccountInvoice[] invoices = {new AccountInvoice("V-1", "i-1", "INV-1", "1", 100_000L, "USD", 20_000, 5L),
                new AccountInvoice(null, "i-2", null, null, -1L, "JPY", -3, 6L)};
        assertThat(roundTrip(Descriptors.ACCOUNT_INVOICES, invoices)).usingRecursiveComparison().isEqualTo(invoices);
        AccountInvoice[] copy = Descriptors.ACCOUNT_INVOICES.copy(invoices);
        assertThat(copy).usingRecursiveComparison().isEqualTo(invoices);
        assertThat(copy[0]).isNotSameAs(invoices[0]);

        AccountHistory[] accounts = {new AccountHistory("DE02120300000000202051", 1L, 2L, 3),
                new AccountHistory(null, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE)};
        assertThat(roundTrip(Descriptors.ACCOUNTS, accounts)).usingRecursiveComparison().isEqualTo(accounts);
        assertThat(Descriptors.ACCOUNTS.copy(accounts)[1]).isNotSameAs(accounts[1]);
        assertThat(roundTrip(Descriptors.ACCOUNT, accounts[0])).usingRecursiveComparison().isEqualTo(accounts[0]);
    }

    @Test
    void amountHistoryKeepsItsSamplesOldestFirstAndItsCapacity() throws Exception {
        AmountHistory wrapped = AmountHistory.withCapacity(3);
        for (int day = 1; day <= 5; day++) {
            wrapped.add(day / 10.0, day); // keeps days 3, 4, 5; the ring's next write is at 2
        }
        AmountHistory back = roundTrip(Descriptors.AMOUNTS, wrapped);
        assertThat(back.logAmounts).hasSize(3);
        assertThat(back.size).isEqualTo(3);
        assertThat(back.oldestDay()).isEqualTo(3);
        assertThat(back.logAmounts).containsExactlyInAnyOrder(wrapped.logAmounts);
        // the next sample replaces the oldest, as it would have in the original
        back.add(0.6, 6);
        wrapped.add(0.6, 6);
        assertThat(back.oldestDay()).isEqualTo(4).isEqualTo(wrapped.oldestDay());
        assertThat(back.logAmounts).containsExactlyInAnyOrder(wrapped.logAmounts);

        AmountHistory partial = AmountHistory.withCapacity(8);
        partial.add(1.5, 7);
        AmountHistory partialBack = roundTrip(Descriptors.AMOUNTS, partial);
        assertThat(partialBack).usingRecursiveComparison().isEqualTo(partial);
        AmountHistory copy = Descriptors.AMOUNTS.copy(partial);
        copy.add(2.0, 8);
        assertThat(partial.size).as("deep copy").isEqualTo(1);
    }

    @Test
    void vendorProfilesKeepAmountsAccountsAndTimer() throws Exception {
        VendorProfile p = new VendorProfile();
        AmountHistory eur = AmountHistory.withCapacity(4);
        eur.add(1.5, 10);
        p.putAmounts("EUR", eur);
        p.putAmounts("USD", AmountHistory.withCapacity(2));
        p.accounts = new AccountHistory[] {new AccountHistory("DE02120300000000202051", 1L, 2L, 3)};
        p.cleanupTimer = 1_770_000_000_000L;
        assertThat(roundTrip(Descriptors.PROFILE, p)).usingRecursiveComparison().isEqualTo(p);
        VendorProfile empty = new VendorProfile();
        assertThat(empty.isEmpty()).isTrue();
        VendorProfile emptyBack = roundTrip(Descriptors.PROFILE, empty);
        assertThat(emptyBack.accounts).isNull();
        assertThat(emptyBack.isEmpty()).isTrue();

        VendorProfile copy = Descriptors.PROFILE.copy(p);
        copy.amounts("EUR").add(2.0, 11);
        copy.accounts[0].count = 9;
        assertThat(p.amounts("EUR").size).as("deep copy").isEqualTo(1);
        assertThat(p.accounts[0].count).isEqualTo(3);
        assertThat(resolve(Descriptors.PROFILE, stored(Descriptors.PROFILE)).isCompatibleAsIs()).isTrue();
        assertThat(resolve(Descriptors.PROFILE, stored(Descriptors.AMOUNTS)).isIncompatible()).isTrue();
    }

    @Test
    void accountProfilesKeepVendorsAndTimer() throws Exception {
        AccountProfile p = new AccountProfile();
        p.vendors = new AccountHistory[] {new AccountHistory("V-1", 1L, 2L, 3), new AccountHistory("V-2", 4L, 5L, 6)};
        p.cleanupTimer = 1_770_000_000_000L;
        assertThat(roundTrip(Descriptors.ACCOUNT_PROFILE, p)).usingRecursiveComparison().isEqualTo(p);
        AccountProfile empty = new AccountProfile();
        assertThat(empty.isEmpty()).isTrue();
        AccountProfile emptyBack = roundTrip(Descriptors.ACCOUNT_PROFILE, empty);
        assertThat(emptyBack.vendors).isNull();
        assertThat(emptyBack.cleanupTimer).isEqualTo(AccountProfile.NO_TIMER);
        assertThat(emptyBack.isEmpty()).isTrue();
        AccountProfile timerOnly = new AccountProfile();
        timerOnly.cleanupTimer = 7L;
        assertThat(roundTrip(Descriptors.ACCOUNT_PROFILE, timerOnly).isEmpty()).isFalse();
        // vendors (count, then each as account-vendors wrote it), then the timer
        assertThat(StringUtils.byteToHexString(bytes(Descriptors.ACCOUNT_PROFILE, empty)))
                .isEqualTo("ffffffff" + "8000000000000000");

        AccountProfile copy = Descriptors.ACCOUNT_PROFILE.copy(p);
        copy.vendors[0].count = 9;
        assertThat(p.vendors[0].count).as("deep copy").isEqualTo(3);
        assertThat(resolve(Descriptors.ACCOUNT_PROFILE, stored(Descriptors.ACCOUNT_PROFILE)).isCompatibleAsIs()).isTrue();
        assertThat(resolve(Descriptors.ACCOUNT_PROFILE, stored(Descriptors.ACCOUNTS)).isIncompatible()).isTrue();
    }

    @Test
    void vendorProfilesKeepTheirExpiryIndexAndReadTheFirstFormatAsUnindexed() throws Exception {
        VendorProfile p = new VendorProfile();
        p.cleanupTimer = 1_770_000_000_000L;
        p.openWeek = 2_927;
        p.open = new ExpiryBucket(new String[] {"i-3"}, new String[] {"n:3", "a:EUR:100"});
        p.weeks = new int[] {2_925, 2_926};
        p.keysPurgedThrough = 2_924;
        VendorProfile back = roundTrip(Descriptors.PROFILE, p);
        assertThat(back).usingRecursiveComparison().isEqualTo(p);
        assertThat(back.unindexed).isFalse();
        assertThat(back.isEmpty()).isFalse();
        VendorProfile onlyIndex = new VendorProfile();
        onlyIndex.weeks = new int[] {2_925};
        assertThat(onlyIndex.isEmpty()).as("a stored week keeps the profile").isFalse();

        VendorProfile copy = Descriptors.PROFILE.copy(p);
        copy.open.addId("i-4");
        copy.weeks[0] = 1;
        assertThat(p.open.ids).as("deep copy").containsExactly("i-3");
        assertThat(p.weeks[0]).isEqualTo(2_925);

        // a value of the first 0.2.0 format (no tag, no index): no amounts, no accounts, a timer
        byte[] first = StringUtils.hexStringToByte("00000000" + "ffffffff" + "0000019c1c38a47b");
        VendorProfile old = Descriptors.PROFILE.deserialize(new DataInputDeserializer(first));
        assertThat(old.cleanupTimer).isEqualTo(1_770_000_000_123L);
        assertThat(old.unindexed).as("its ids and buckets are indexed on first touch").isTrue();
        assertThat(old.openWeek).isEqualTo(VendorProfile.NO_WEEK);
        assertThat(StringUtils.byteToHexString(bytes(Descriptors.PROFILE, old)))
                .isEqualTo("fffffffe" // format 2
                        + "00000000" + "ffffffff" + "0000019c1c38a47b" // format 1: amounts, accounts, timer
                        + "80000000" // no open week
                        + "00000000" + "00000000" // its bucket: no ids, no keys
                        + "00000000" // no stored weeks
                        + "80000000" + "80000000"); // no purge stage has run
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Descriptors.PROFILE.deserialize(
                new DataInputDeserializer(StringUtils.hexStringToByte("fffffffd")))))
                .hasMessageContaining("unknown format");
    }

    @Test
    void expiryBucketsKeepIdsAndKeys() throws Exception {
        ExpiryBucket b = new ExpiryBucket();
        b.addId("i-1");
        b.addKey("k-1");
        b.addKey("k-1");
        b.addKey("k-2");
        assertThat(b.keys).as("a key once per week").containsExactly("k-1", "k-2");
        assertThat(roundTrip(Descriptors.EXPIRY_BUCKETS, b)).usingRecursiveComparison().isEqualTo(b);
        assertThat(StringUtils.byteToHexString(bytes(Descriptors.EXPIRY_BUCKETS, b)))
                .isEqualTo("00000001" + "04692d31" + "00000002" + "046b2d31" + "046b2d32");
        ExpiryBucket copy = Descriptors.EXPIRY_BUCKETS.copy(b);
        copy.addId("i-2");
        assertThat(b.ids).as("deep copy").containsExactly("i-1");
        b.clearIds();
        b.clearKeys();
        assertThat(b.isEmpty()).isTrue();
        assertThat(resolve(Descriptors.EXPIRY_BUCKETS, stored(Descriptors.EXPIRY_BUCKETS)).isCompatibleAsIs()).isTrue();
    }

    /** What Flink calls besides serialize/deserialize: reuse variants, stream copy, length, mutability. */
    @Test
    void theReuseAndCopyVariantsBehaveLikeThePlainOnes() throws Exception {
        SeenInvoice[] value = {SEEN};
        TypeSerializer<SeenInvoice[]> s = Descriptors.SEEN_INVOICES;
        assertThat(s.copy(value, new SeenInvoice[0])).usingRecursiveComparison().isEqualTo(value);
        assertThat(s.deserialize(new SeenInvoice[0], new DataInputDeserializer(bytes(s, value))))
                .usingRecursiveComparison().ignoringFields("encoded").isEqualTo(value);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        s.copy(new DataInputDeserializer(bytes(s, value)), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(bytes(s, value));
        for (TypeSerializer<?> each : List.of(Descriptors.SEEN_INVOICES, Descriptors.ACCOUNTS, Descriptors.ACCOUNT,
                Descriptors.ACCOUNT_INVOICES, Descriptors.AMOUNTS, Descriptors.PROFILE, Descriptors.EXPIRY_BUCKETS,
                Descriptors.ACCOUNT_PROFILE)) {
            assertThat(each.getLength()).as("variable length").isEqualTo(-1);
            assertThat(each.isImmutableType()).as("values are changed in place: copies must be deep").isFalse();
            assertThat(each.createInstance()).isNotNull();
            assertThat(each.duplicate()).isSameAs(each);
            assertThat(each.snapshotConfiguration().restoreSerializer()).isSameAs(each);
        }
    }

    /** The bytes of one value: a change of format fails here before it reaches a savepoint. */
    @Test
    void theFormatIsPinned() throws Exception {
        assertThat(StringUtils.byteToHexString(bytes(Descriptors.SEEN_INVOICES, new SeenInvoice[] {SEEN})))
                .isEqualTo("00000001" // one invoice
                        + "04692d31" // "i-1": StringValue length + 1, then the chars
                        + "09494e562d30303031" // "INV-0001"
                        + "0231" // normalized "1"
                        + "fffffffffffe15c4" // amount -125.500 in thousandths
                        + "04455552" // "EUR"
                        + "00005014" // invoice day 20500
                        + "0000019c1c38a47b"); // event time
    }

    @Test
    void aZeroOneSavepointsPojoValuesMigrateAndNothingElseIsAccepted() throws Exception {
        TypeSerializer<SeenInvoice[]> oldSeen = pojoSerializer(Types.OBJECT_ARRAY(Types.POJO(SeenInvoice.class)));
        TypeSerializer<AccountHistory[]> oldAccounts = pojoSerializer(Types.OBJECT_ARRAY(Types.POJO(AccountHistory.class)));
        TypeSerializer<AmountHistory> oldAmounts = pojoSerializer(Types.POJO(AmountHistory.class));

        assertThat(resolve(Descriptors.SEEN_INVOICES, stored(oldSeen)).isCompatibleAfterMigration()).isTrue();
        assertThat(resolve(Descriptors.ACCOUNTS, stored(oldAccounts)).isCompatibleAfterMigration()).isTrue();
        assertThat(resolve(Descriptors.AMOUNTS, stored(oldAmounts)).isCompatibleAfterMigration()).isTrue();

        // their own snapshots, as the next savepoint stores them: as is
        assertThat(resolve(Descriptors.SEEN_INVOICES, stored(Descriptors.SEEN_INVOICES)).isCompatibleAsIs()).isTrue();
        assertThat(resolve(Descriptors.ACCOUNTS, stored(Descriptors.ACCOUNTS)).isCompatibleAsIs()).isTrue();
        assertThat(resolve(Descriptors.ACCOUNT, stored(Descriptors.ACCOUNT)).isCompatibleAsIs()).isTrue();
        assertThat(resolve(Descriptors.ACCOUNT_INVOICES, stored(Descriptors.ACCOUNT_INVOICES)).isCompatibleAsIs()).isTrue();
        assertThat(resolve(Descriptors.AMOUNTS, stored(Descriptors.AMOUNTS)).isCompatibleAsIs()).isTrue();

        // another class's POJOs, another serializer of ours, a long: refused
        assertThat(resolve(Descriptors.SEEN_INVOICES, stored(oldAccounts)).isIncompatible()).isTrue();
        assertThat(resolve(Descriptors.ACCOUNTS, stored(Descriptors.SEEN_INVOICES)).isIncompatible()).isTrue();
        assertThat(resolve(Descriptors.AMOUNTS, stored(pojoSerializer(Types.POJO(AccountHistory.class)))).isIncompatible()).isTrue();
        assertThat(resolve(Descriptors.AMOUNTS, stored(LongSerializer.INSTANCE)).isIncompatible()).isTrue();
        assertThat(resolve(Descriptors.ACCOUNT_INVOICES, stored(oldSeen)).isIncompatible()).isTrue();
    }

    /** What Flink does on that migration: read with the restored POJO serializer, write with ours. */
    @Test
    void migratedValuesAreTheSameValues() throws Exception {
        TypeSerializer<SeenInvoice[]> oldSeen = pojoSerializer(Types.OBJECT_ARRAY(Types.POJO(SeenInvoice.class)));
        TypeSerializer<SeenInvoice[]> restored = stored(oldSeen).restoreSerializer();
        SeenInvoice[] value = {SEEN, new SeenInvoice("i-2", null, null, 5L, "EUR", 1, 2L)};
        SeenInvoice[] read = restored.deserialize(new DataInputDeserializer(bytes(oldSeen, value)));
        assertThat(roundTrip(Descriptors.SEEN_INVOICES, read)).usingRecursiveComparison().ignoringFields("encoded").isEqualTo(value);

        TypeSerializer<AmountHistory> oldAmounts = pojoSerializer(Types.POJO(AmountHistory.class));
        AmountHistory h = AmountHistory.withCapacity(4);
        for (int day = 0; day < 6; day++) {
            h.add(day * 0.5, day);
        }
        AmountHistory readAmounts = stored(oldAmounts).restoreSerializer()
                .deserialize(new DataInputDeserializer(bytes(oldAmounts, h)));
        AmountHistory migrated = roundTrip(Descriptors.AMOUNTS, readAmounts);
        assertThat(migrated.size).isEqualTo(4);
        assertThat(migrated.oldestDay()).isEqualTo(2);
        assertThat(migrated.logAmounts).containsExactlyInAnyOrder(h.logAmounts);
    }
}

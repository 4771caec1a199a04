package io.invoicesieve.functions;

import io.invoicesieve.detect.duplicates.ExpiryIndex;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.ExpiryBucket;
import io.invoicesieve.state.VendorProfile;
import io.invoicesieve.testing.Fixtures;
import io.invoicesieve.testing.KeyedHarnesses;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expiry index (detect/duplicates/ExpiryIndex) in the running scorer: first deliveries go to
 * their week, the latest week stays in the profile, an out-of-order invoice goes to its own stored
 * week, and a purge removes exactly the expired weeks' duplicate-index entries (at the lookback)
 * and ids (at the replay retention), reading only those weeks. Heap and RocksDB.
 */
class ExpiryIndexTest {

    private static final long T0 = Fixtures.BASE.toEpochMilli();
    private static final long WEEK = 7 * DAY;
    private static final Map<String, String> WEEKLY = Map.of("sieve.state.cleanup-interval", "7 d");

    @TempDir
    Path tmp;

    /** The next multiple of {@code interval} strictly after {@code t}, computed here. */
    private static long next(long t, long interval) {
        return (t / interval + 1) * interval;
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Map<K, V> entries(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h, String key,
            MapStateDescriptor<K, V> descriptor) throws Exception {
        KeyedStateBackend<String> backend = (KeyedStateBackend<String>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        MapState<K, V> state = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
        Map<K, V> out = new java.util.TreeMap<>();
        for (Map.Entry<K, V> e : state.entries()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static Invoice at(String id, double day, String amount) {
        return invoice(id).number("N-" + id).amount(amount).day(day).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void weeksAreStoredAsTheyEndAndPurgedStageByStage(String backend) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h =
                KeyedHarnesses.create(backend, new InvoiceScorer(Fixtures.settings(WEEKLY)), InvoiceScorer::key, tmp)) {
            h.open();
            // T0 is a Monday; epoch weeks start on Thursdays: days 0 and 1 are in week w, 3 in w + 1, 10 in w + 2
            int w = ExpiryIndex.week(T0);
            Invoice a1 = at("a-1", 0, "100.00");
            String key = InvoiceScorer.key(a1);
            h.processElement(a1, a1.eventTimeMillis());
            VendorProfile p = CleanupTimersTest.profile(h, key);
            assertThat(p.openWeek).isEqualTo(w);
            assertThat(p.open.ids).containsExactly("a-1");
            assertThat(p.open.keys).as("its number and amount keys").hasSize(2);
            assertThat(entries(h, key, Descriptors.expiryIndex())).as("the open week is in the profile").isEmpty();

            for (Invoice inv : List.of(at("a-2", 3, "200.00"), at("a-3", 10, "300.00"), at("a-0", 1, "400.00"))) {
                h.processElement(inv, inv.eventTimeMillis());
            }
            p = CleanupTimersTest.profile(h, key);
            Map<Integer, ExpiryBucket> stored = entries(h, key, Descriptors.expiryIndex());
            assertThat(stored).containsOnlyKeys(w, w + 1);
            assertThat(stored.get(w).ids).as("the out-of-order a-0 in its own week").containsExactly("a-1", "a-0");
            assertThat(stored.get(w + 1).ids).containsExactly("a-2");
            assertThat(p.weeks).containsExactly(w, w + 1);
            assertThat(p.openWeek).isEqualTo(w + 2);
            assertThat(p.open.ids).containsExactly("a-3");
            assertThat(entries(h, key, Descriptors.duplicateIndex())).hasSize(8);

            // the lookback (120 d) after the end of week w: its keys expire, its ids stay
            long keysDue = next(ExpiryIndex.end(w) + 120 * DAY, WEEK);
            assertThat(p.cleanupTimer).isEqualTo(keysDue);
            h.processWatermark(keysDue - 1);
            assertThat(entries(h, key, Descriptors.duplicateIndex())).hasSize(8);
            h.processWatermark(keysDue);
            assertThat(entries(h, key, Descriptors.duplicateIndex())).as("a-1 and a-0 left the index")
                    .hasSize(4).allSatisfy((k, bucket) -> assertThat(bucket[0].invoiceId).isIn("a-2", "a-3"));
            assertThat(entries(h, key, Descriptors.invoiceDeliveries())).hasSize(4);
            p = CleanupTimersTest.profile(h, key);
            assertThat(p.keysPurgedThrough).isEqualTo(w);
            assertThat(p.idsPurgedThrough).isEqualTo(VendorProfile.NO_WEEK);
            assertThat(entries(h, key, Descriptors.expiryIndex())).as("week w waits for its ids' stage")
                    .containsOnlyKeys(w, w + 1);

            // week w + 1's keys are due a week later, long before week w's ids: they do not wait for them
            long keysDue2 = next(ExpiryIndex.end(w + 1) + 120 * DAY, WEEK);
            assertThat(p.cleanupTimer).isEqualTo(keysDue2);
            h.processWatermark(keysDue2);
            assertThat(entries(h, key, Descriptors.duplicateIndex())).as("a-2 left the index, a-3 is in it")
                    .hasSize(2).allSatisfy((k, bucket) -> assertThat(bucket[0].invoiceId).isEqualTo("a-3"));
            p = CleanupTimersTest.profile(h, key);
            assertThat(p.keysPurgedThrough).isEqualTo(w + 1);
            assertThat(entries(h, key, Descriptors.invoiceDeliveries())).hasSize(4);

            // the replay retention (180 d) after the end of week w: a-1 and a-0 are forgotten, week w goes
            long idsDue = next(ExpiryIndex.end(w) + 180 * DAY, WEEK);
            h.processWatermark(idsDue);
            assertThat(entries(h, key, Descriptors.invoiceDeliveries())).containsOnlyKeys("a-2", "a-3");
            assertThat(entries(h, key, Descriptors.expiryIndex())).as("week w + 1's ids are not due yet")
                    .containsOnlyKeys(w + 1);
            assertThat(entries(h, key, Descriptors.duplicateIndex())).as("and a-3's keys expired by now").isEmpty();
            p = CleanupTimersTest.profile(h, key);
            assertThat(p.weeks).containsExactly(w + 1);
            assertThat(p.open.keys).as("the open week's keys expired in the profile").isEmpty();
            assertThat(p.open.ids).containsExactly("a-3");

            // a re-delivery of a-1 now is a first delivery again; weeks w and w + 1 have had their keys'
            // stage, so an invoice that old goes to the first week that will have both: the open one
            Invoice again = at("a-1", 0, "100.00");
            h.processElement(again, again.eventTimeMillis());
            p = CleanupTimersTest.profile(h, key);
            assertThat(p.keysPurgedThrough).isEqualTo(w + 1);
            assertThat(p.open.ids).containsExactly("a-3", "a-1");
            assertThat(entries(h, key, Descriptors.expiryIndex()).get(w + 1).ids).containsExactly("a-2");

            h.processWatermark(T0 + 800 * DAY);
            assertThat(entries(h, key, Descriptors.invoiceDeliveries())).isEmpty();
            assertThat(entries(h, key, Descriptors.duplicateIndex())).isEmpty();
            assertThat(entries(h, key, Descriptors.expiryIndex())).isEmpty();
            assertThat(CleanupTimersTest.profile(h, key)).as("the amounts and accounts go too: nothing is left").isNull();
        }
    }

    /**
     * A purge visits the weeks due and nothing else: an id that no week lists (planted here behind
     * the index's back) is not read, so it outlives the ids around it. This is what makes a purge's
     * cost follow what expired rather than what the vendor holds.
     */
    @Test
    void aPurgeReadsTheDueWeeksNotTheVendorsState() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h =
                InvoiceScorerTest.harness(Fixtures.settings(WEEKLY))) {
            List<Invoice> year = new ArrayList<>();
            for (int d = 0; d < 60; d += 2) {
                year.add(at("y-" + d, d, (100 + d) + ".00"));
            }
            for (Invoice inv : year) {
                h.processElement(inv, inv.eventTimeMillis());
            }
            String key = InvoiceScorer.key(year.get(0));
            @SuppressWarnings("unchecked")
            KeyedStateBackend<String> backend = (KeyedStateBackend<String>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
            backend.setCurrentKey(key);
            backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, Descriptors.invoiceDeliveries())
                    .put("planted", new long[] {T0, 1L});

            h.processWatermark(next(ExpiryIndex.end(ExpiryIndex.week(T0 + 60 * DAY)) + 180 * DAY, WEEK));
            assertThat(entries(h, key, Descriptors.invoiceDeliveries())).containsOnlyKeys("planted");
            assertThat(entries(h, key, Descriptors.expiryIndex())).isEmpty();
        }
    }

    /**
     * A year and more of one vendor's invoices, some out of order across weeks, with the watermark
     * advancing daily: at every step each id and each duplicate-index entry is either within its
     * retention (and then still there) or at most the week bucket plus the cleanup interval past it
     * (and then gone soon). The retention of an invoice that arrives behind the watermark counts
     * from the watermark it arrived at, as the cleanup timer does. A purge that skipped a week, or
     * ran a stage late, fails this.
     */
    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L})
    void whatExpiredIsGoneWithinAWeekAndAnIntervalAndNothingLiveIsLost(long seed) throws Exception {
        long lookback = 120 * DAY;
        long retention = 180 * DAY;
        long slack = WEEK + WEEK;
        java.util.Random random = new java.util.Random(seed);
        Map<String, Long> delivered = new java.util.HashMap<>();
        Map<String, Long> expiresFrom = new java.util.HashMap<>();
        long lastWatermark = Long.MIN_VALUE;
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h =
                InvoiceScorerTest.harness(Fixtures.settings(WEEKLY))) {
            String key = null;
            for (int day = 0; day < 420; day++) {
                int n = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0;
                for (int i = 0; i < n; i++) {
                    // one in six arrives up to three weeks late; amounts from a few price points
                    double at = day + random.nextDouble() - (random.nextInt(6) == 0 ? random.nextInt(21) : 0);
                    String id = "r-" + day + "-" + i;
                    Invoice inv = invoice(id).number("R" + day + "X" + i)
                            .amount((100 + 10 * random.nextInt(5)) + ".00").day(Math.max(0, at)).build();
                    key = InvoiceScorer.key(inv);
                    h.processElement(inv, inv.eventTimeMillis());
                    delivered.put(id, inv.eventTimeMillis());
                    expiresFrom.put(id, Math.max(inv.eventTimeMillis(), lastWatermark));
                }
                long watermark = T0 + day * DAY;
                h.processWatermark(watermark);
                lastWatermark = watermark;
                if (key == null) {
                    continue;
                }
                Map<String, long[]> ids = entries(h, key, Descriptors.invoiceDeliveries());
                for (Map.Entry<String, long[]> id : ids.entrySet()) {
                    assertThat(expiresFrom.get(id.getKey())).as("id %s at day %d", id.getKey(), day)
                            .isGreaterThanOrEqualTo(watermark - retention - slack);
                }
                for (Map.Entry<String, Long> d : delivered.entrySet()) {
                    if (d.getValue() >= watermark - retention) {
                        assertThat(ids).as("a live id at day %d", day).containsKey(d.getKey());
                    }
                }
                for (Map.Entry<String, io.invoicesieve.state.SeenInvoice[]> bucket
                        : entries(h, key, Descriptors.duplicateIndex()).entrySet()) {
                    for (io.invoicesieve.state.SeenInvoice seen : bucket.getValue()) {
                        assertThat(expiresFrom.get(seen.invoiceId)).as("index entry %s at day %d", seen.invoiceId, day)
                                .isGreaterThanOrEqualTo(watermark - lookback - slack);
                    }
                }
            }
        }
    }
}

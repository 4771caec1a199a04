package io.invoicesieve.functions;

import io.invoicesieve.detect.duplicates.ExpiryIndex;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBOptionsFactory;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many RocksDB calls the scorer makes per invoice, counted by RocksDB itself (its statistics:
 * point reads, keys written, iterator seeks), on the production backend. On RocksDB each state
 * access is a JNI call and most of the scoring thread's time (benchmarks/REPORT.md, round ten), so
 * the state layout's promise is a number of calls: this test holds it, and a layout change that
 * adds one fails here, not only in a benchmark.
 */
class StateAccessTest {

    /** The statistics of each harness's RocksDB, by the id its options factory carries. */
    private static final Map<String, Statistics> STATISTICS = new ConcurrentHashMap<>();

    /** Enables RocksDB's statistics on the instance it configures. */
    static final class CountingOptions implements RocksDBOptionsFactory {
        private static final long serialVersionUID = 1L;
        private final String id;

        CountingOptions(String id) {
            this.id = id;
        }

        @Override
        public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
            Statistics statistics = new Statistics();
            handlesToClose.add(statistics);
            STATISTICS.put(id, statistics);
            return currentOptions.setStatistics(statistics);
        }

        @Override
        public ColumnFamilyOptions createColumnOptions(
                ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
            return currentOptions;
        }
    }

    /** RocksDB calls since the last count. */
    record Calls(long reads, long writes, long seeks) {}

    @TempDir
    Path tmp;

    private KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> harness;
    private Statistics statistics;
    private KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> accounts;
    private Statistics accountStatistics;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new InvoiceScorer(Fixtures.settings())), InvoiceScorer::key, Types.STRING);
        statistics = open(harness, "scorer");
        accounts = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AccountSharing(Fixtures.settings())), AccountSharing::key, Types.STRING);
        accountStatistics = open(accounts, "accounts");
    }

    /** Opens {@code h} on a RocksDB of its own with statistics; returns them. */
    private Statistics open(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h, String name) throws Exception {
        String id = name + "-" + System.nanoTime();
        EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
        rocks.setDbStoragePath(tmp.resolve(name).toString());
        rocks.setRocksDBOptions(new CountingOptions(id));
        h.getExecutionConfig().disableGenericTypes();
        h.setStateBackend(rocks);
        h.open();
        Statistics s = STATISTICS.remove(id);
        assertThat(s).as("the options factory configured the harness's RocksDB").isNotNull();
        return s;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
        accounts.close();
    }

    /** Scores {@code inv}, and decides its draft in the account stage: the scorer's calls, then the account stage's. */
    private Calls[] both(Invoice inv) throws Exception {
        int before = harness.extractOutputValues().size();
        Calls scorer = calls(inv);
        Decision draft = harness.extractOutputValues().get(before);
        count(accountStatistics);
        accounts.processElement(draft, inv.eventTimeMillis());
        return new Calls[] {scorer, count(accountStatistics)};
    }

    private Calls calls(Invoice inv) throws Exception {
        count(statistics);
        harness.processElement(inv, inv.eventTimeMillis());
        return count(statistics);
    }

    private static Calls count(Statistics s) {
        return new Calls(s.getAndResetTickerCount(TickerType.NUMBER_KEYS_READ),
                s.getAndResetTickerCount(TickerType.NUMBER_KEYS_WRITTEN),
                s.getAndResetTickerCount(TickerType.NUMBER_DB_SEEK));
    }

    /** The start of the first week (of event time) at least {@code days} after Fixtures.BASE, in days from it. */
    private static double weekStartAfter(int days) {
        long start = ExpiryIndex.end(ExpiryIndex.week(Fixtures.BASE.toEpochMilli() + days * DAY));
        return (start - Fixtures.BASE.toEpochMilli()) / (double) DAY;
    }

    /** A vendor's month of daily invoices at a few recurring amounts, the last at the start of a week. */
    private double history() throws Exception {
        double week = weekStartAfter(30);
        for (int d = 0; d < 30; d++) {
            both(ordinary(d, week - 30 + d));
        }
        both(ordinary(30, week));
        return week;
    }

    private static Invoice ordinary(int n, double day) {
        return invoice("inv-" + n).number("INV-" + (1000 + n)).amount((100 + 25 * (n % 4)) + ".00")
                .account("NL91ABNA0417164300").day(day).build();
    }

    @Test
    void theAccountStageReadsTwoValuesAndWritesTwoPerDecision() throws Exception {
        double week = history();
        for (int n = 31; n < 37; n++) {
            Calls c = both(ordinary(n, week + (n - 30) * 0.5))[1];
            // account-profile (vendors and cleanup timer), account-invoices (the number's bucket);
            // written: the profile (the vendor's last use) and the invoice in its bucket
            assertThat(c).as("decision %d", n).isEqualTo(new Calls(2, 2, 0));
        }
    }

    @Test
    void aFirstDeliveryReadsFourValuesAndWritesFour() throws Exception {
        double week = history();
        for (int n = 31; n < 37; n++) {
            Calls c = calls(ordinary(n, week + (n - 30) * 0.5));
            // invoice-deliveries (miss), vendor-profile, the number and the amount bucket of duplicate-index;
            // written: the id, the two buckets and the profile (the open week of expiry-index is in it)
            assertThat(c).as("invoice %d", n).isEqualTo(new Calls(4, 4, 0));
        }
    }

    @Test
    void theFirstInvoiceOfAWeekAlsoStoresTheWeekBefore() throws Exception {
        double week = history();
        Calls c = calls(ordinary(31, week + 7));
        assertThat(c).as("the closed week goes to expiry-index: one write more").isEqualTo(new Calls(4, 5, 0));
    }

    @Test
    void aReplayReadsOneValueAndWritesNothing() throws Exception {
        double week = history();
        assertThat(calls(ordinary(30, week))).isEqualTo(new Calls(1, 0, 0));
    }

    @Test
    void aChangedRedeliveryReadsOneValueAndWritesOne() throws Exception {
        double week = history();
        Invoice changed = invoice("inv-30").number("INV-1030").amount("999.00").day(week).build();
        assertThat(calls(changed)).as("the id's value, with its new digest").isEqualTo(new Calls(1, 1, 0));
    }
}

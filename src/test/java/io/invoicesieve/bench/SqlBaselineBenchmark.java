package io.invoicesieve.bench;

import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.detect.duplicates.MatchKind;
import io.invoicesieve.detect.Money;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.state.SeenInvoice;
import io.invoicesieve.testing.PostgresService;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Part 5: the classic service design for the same duplicate check: per invoice one SELECT of the
 * candidates (same normalized number, or same currency and amount, of the same tenant and vendor in
 * the lookback) and one INSERT, over JDBC against a real PostgreSQL with autocommit (each statement
 * its own transaction, PostgreSQL's default durability: fsync, synchronous_commit on). The candidates
 * are compared with the job's own DuplicateDetector.match, so the work per invoice is the same check.
 * Only duplicates: no amount statistics or bank-account checks, which would only add queries.
 */
final class SqlBaselineBenchmark {

    private SqlBaselineBenchmark() {}

    private static final long LOOKBACK_MILLIS = 120L * 24 * 3600 * 1000;
    private static final int DATE_TOLERANCE_DAYS = 7;

    static Map<String, Object> run(BenchData data, int invoices, int repeats, List<Integer> poolSizes) throws Exception {
        List<Invoice> input = load(data, invoices);
        Map<String, Object> out = new LinkedHashMap<>();
        try (PostgresService pg = PostgresService.start()) {
            try (Connection c = pg.connection(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS invoices");
                s.execute("CREATE TABLE invoices (tenant_id text NOT NULL, invoice_id text NOT NULL, vendor_id text NOT NULL,"
                        + " invoice_number text NOT NULL, normalized_number text NOT NULL, amount_milli bigint NOT NULL,"
                        + " currency char(3) NOT NULL, invoice_day int NOT NULL, event_time bigint NOT NULL,"
                        + " PRIMARY KEY (tenant_id, invoice_id))");
                s.execute("CREATE INDEX invoices_number ON invoices (tenant_id, vendor_id, normalized_number)");
                s.execute("CREATE INDEX invoices_amount ON invoices (tenant_id, vendor_id, currency, amount_milli)");
            }
            for (int pool : poolSizes) {
                List<Double> rates = new ArrayList<>();
                long duplicates = 0;
                for (int r = 0; r < repeats; r++) {
                    try (Connection c = pg.connection(); Statement s = c.createStatement()) {
                        s.execute("TRUNCATE invoices");
                        s.execute("VACUUM ANALYZE invoices");
                    }
                    long[] found = new long[pool];
                    AtomicReference<Exception> failure = new AtomicReference<>();
                    List<Thread> threads = new ArrayList<>();
                    long t0 = System.nanoTime();
                    for (int w = 0; w < pool; w++) {
                        final int worker = w;
                        Thread t = new Thread(() -> {
                            try (Connection c = pg.connection()) {
                                found[worker] = check(c, input, worker, pool);
                            } catch (Exception e) {
                                failure.set(e);
                            }
                        }, "sql-baseline-" + w);
                        threads.add(t);
                        t.start();
                    }
                    for (Thread t : threads) {
                        t.join();
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (failure.get() != null) {
                        throw failure.get();
                    }
                    duplicates = 0;
                    for (long f : found) {
                        duplicates += f;
                    }
                    rates.add(input.size() / seconds);
                    System.out.printf("bench: sql baseline pool %d: %d invoices in %.1f s = %.0f/s (%d duplicates found)%n",
                            pool, input.size(), seconds, input.size() / seconds, duplicates);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("connections", pool);
                m.put("invoices", input.size());
                m.put("duplicatesFound", duplicates);
                m.put("invoicesPerSecond", Stats.summary(rates));
                out.put("pool-" + pool, m);
            }
        }
        return out;
    }

    /** Checks and inserts the invoices of this worker's vendors (vendor hash mod pool), in file order. */
    private static long check(Connection c, List<Invoice> input, int worker, int pool) throws Exception {
        c.setAutoCommit(true);
        long duplicates = 0;
        try (PreparedStatement select = c.prepareStatement(
                        "SELECT invoice_id, invoice_number, normalized_number, amount_milli, currency, invoice_day, event_time"
                                + " FROM invoices WHERE tenant_id = ? AND vendor_id = ?"
                                + " AND (normalized_number = ? OR (currency = ? AND amount_milli = ?))"
                                + " AND event_time >= ? LIMIT 200");
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO invoices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Invoice inv : input) {
                if (Math.floorMod(inv.vendorId.hashCode(), pool) != worker) {
                    continue;
                }
                long amountMilli = Money.toMilli(inv.amount);
                long time = inv.eventTimeMillis();
                SeenInvoice probe = DuplicateDetector.probe(inv.invoiceId, inv.invoiceNumber, amountMilli, inv.currency,
                        (int) inv.invoiceDate.toEpochDay(), time);
                select.setString(1, inv.tenantId);
                select.setString(2, inv.vendorId);
                select.setString(3, probe.normalizedNumber);
                select.setString(4, inv.currency);
                select.setLong(5, amountMilli);
                select.setLong(6, time - LOOKBACK_MILLIS);
                boolean duplicate = false;
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        SeenInvoice candidate = new SeenInvoice(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getLong(4), rs.getString(5), rs.getInt(6), rs.getLong(7));
                        if (!candidate.invoiceId.equals(inv.invoiceId) && amountMilli > 0) {
                            MatchKind kind = DuplicateDetector.match(probe, candidate, DATE_TOLERANCE_DAYS);
                            duplicate |= kind != null;
                        }
                    }
                }
                if (duplicate) {
                    duplicates++;
                }
                if (amountMilli > 0) {
                    insert.setString(1, inv.tenantId);
                    insert.setString(2, inv.invoiceId);
                    insert.setString(3, inv.vendorId);
                    insert.setString(4, inv.invoiceNumber);
                    insert.setString(5, probe.normalizedNumber);
                    insert.setLong(6, amountMilli);
                    insert.setString(7, inv.currency);
                    insert.setInt(8, probe.invoiceDay);
                    insert.setLong(9, time);
                    insert.executeUpdate();
                }
            }
        }
        return duplicates;
    }

    private static List<Invoice> load(BenchData data, int limit) throws Exception {
        InvoiceParser parser = new InvoiceParser();
        List<Invoice> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(data.invoices, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null && out.size() < limit) {
                try {
                    out.add(parser.parse(line));
                } catch (Exception malformed) {
                    // the job routes these to the dead-letter queue; the service would reject them
                }
            }
        }
        return out;
    }
}

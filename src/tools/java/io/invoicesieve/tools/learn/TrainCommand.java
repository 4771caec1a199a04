package io.invoicesieve.tools.learn;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.Secrets;
import io.invoicesieve.learn.PairModel;
import io.invoicesieve.model.Invoice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code train --invoices <invoices.jsonl> --dispositions <dispositions.jsonl> --out <model.json>}: the
 * duplicate-pair model. Replays the invoices through the job's blocking and features
 * ({@link OfflinePairs}), joins the adjudicated pairs (CONFIRMED_DUPLICATE = 1, NOT_DUPLICATE = 0; the
 * latest verdict per pair), splits them by time (the last --holdout share of pairs is held out), fits
 * {@link LogisticRegression} on the rest, and prints ROC-AUC and average precision on the held-out pairs
 * next to the rules' own score. Fewer labels than {@link PairModel#MIN_LABELS}: no artifact (rules-only).
 * The dispositions come from a JSON-lines file ({@code --dispositions}: an export such as {@code COPY (SELECT
 * payload FROM latest_dispositions) TO ...}, or the labels simulator) or straight from PostgreSQL
 * ({@code --dispositions-jdbc}: {@code SELECT payload FROM latest_dispositions} on a read-only session, as
 * the job's control-audit sink wrote them); both paths feed the same {@link Labels}, so the same
 * dispositions give the same labels and the same artifact. The password is a reference
 * ({@code ${env:NAME}} or {@code ${file:/path}}, as everywhere in the job; unset: {@code SIEVE_JDBC_PASSWORD}),
 * never a literal on the command line.
 */
@Command(name = "train", sortOptions = false,
        description = "Fit the duplicate-pair model from adjudicated pairs; print ROC-AUC and AP against the rules.")
public final class TrainCommand implements Callable<Integer> {

    // not mixinStandardHelpOptions: its --version would clash with the model's --version, and picocli then
    // dropped the mixin silently (train --help was an unknown option)
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--invoices", required = true, description = "the invoices, JSON lines (invoice.schema.json)")
    Path invoices;

    static final class Source {
        @Option(names = "--dispositions", required = true, paramLabel = "<file.jsonl>",
                description = "dispositions, JSON lines (disposition.schema.json)")
        Path file;

        @Option(names = "--dispositions-jdbc", required = true, paramLabel = "<jdbc-url>",
                description = "read the dispositions from PostgreSQL instead: SELECT payload FROM latest_dispositions"
                        + " (read-only session), e.g. jdbc:postgresql://db:5432/invoices")
        String jdbcUrl;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--jdbc-user", defaultValue = DEFAULT_JDBC_USER, paramLabel = "<role>",
            description = "with --dispositions-jdbc: the role to connect as (default ${DEFAULT-VALUE}, as sieve.jdbc.user)")
    String jdbcUser;

    @Option(names = "--jdbc-password", paramLabel = "<$${env:NAME}|$${file:/path}>",
            description = "with --dispositions-jdbc: the role's password as a reference, $${env:NAME} or $${file:/path}"
                    + " (a literal is refused); unset: the environment variable " + ConnectorOptions.JDBC_PASSWORD_ENV)
    String jdbcPassword;

    @Option(names = "--out", description = "the artifact to write (none: evaluate only)")
    Path out;

    @Option(names = "--version", description = "model version (default pairs-<yyyyMMddHHmm>)")
    String version;

    @Option(names = "--holdout", defaultValue = "0.3", description = "share of labelled pairs held out (the latest)")
    double holdout;

    @Option(names = "--l2", defaultValue = "1.0")
    double l2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final String DEFAULT_JDBC_USER = "invoice_sieve";
    /** What --dispositions-jdbc reads: the latest verdict per pair, the dispositions as received. */
    static final String QUERY = "SELECT payload::text FROM latest_dispositions ORDER BY decided_at, recorded_at, disposition_id";
    /** Seconds to open the TCP connection, and to log in: a wrong host, port or role fails in seconds. */
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    static final int LOGIN_TIMEOUT_SECONDS = 10;

    public static CommandLine commandLine() {
        return new CommandLine(new TrainCommand());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (source.file != null && (parsed.hasMatchedOption("--jdbc-user") || parsed.hasMatchedOption("--jdbc-password"))) {
            throw new IllegalArgumentException("--jdbc-user and --jdbc-password go with --dispositions-jdbc, not --dispositions");
        }
        // the dispositions first: a database that cannot be read fails before the invoices are replayed
        Map<String, Boolean> labels = (source.file != null ? fromFile(source.file) : fromPostgres(source.jdbcUrl)).labels;
        List<Invoice> all = OfflinePairs.read(invoices);
        List<OfflinePairs.Pair> pairs = OfflinePairs.pairs(all, OfflinePairs.DATE_TOLERANCE_DAYS,
                OfflinePairs.MAX_COMPARISONS, OfflinePairs.LOOKBACK_MILLIS);
        ObjectMapper json = new ObjectMapper();
        List<OfflinePairs.Pair> labelled = new ArrayList<>();
        for (OfflinePairs.Pair p : pairs) {
            if (labels.containsKey(key(p))) {
                labelled.add(p);
            }
        }
        labelled.sort(Comparator.comparingLong(p -> p.probe.eventTime));
        long positives = labelled.stream().filter(p -> labels.get(key(p))).count();
        o.printf(Locale.ROOT, "%d candidate pairs, %d dispositions on pairs, %d adjudicated candidate pairs (%d duplicates)%n",
                pairs.size(), labels.size(), labelled.size(), positives);
        o.println(candidatesPerInvoice(all, pairs));
        int split = (int) Math.round(labelled.size() * (1 - holdout));
        List<OfflinePairs.Pair> train = labelled.subList(0, split);
        List<OfflinePairs.Pair> test = labelled.subList(split, labelled.size());
        long trainPos = train.stream().filter(p -> labels.get(key(p))).count();
        if (train.size() < PairModel.MIN_LABELS || trainPos < PairModel.MIN_CLASS || train.size() - trainPos < PairModel.MIN_CLASS) {
            o.printf("too few labels to train (%d pairs, %d duplicates; at least %d and %d of each class):"
                    + " no artifact, the job stays in rules-only mode%n",
                    train.size(), trainPos, PairModel.MIN_LABELS, PairModel.MIN_CLASS);
            return 1;
        }
        List<double[]> xs = new ArrayList<>();
        boolean[] ys = new boolean[train.size()];
        for (int i = 0; i < train.size(); i++) {
            xs.add(train.get(i).features);
            ys[i] = labels.get(key(train.get(i)));
        }
        String v = version != null ? version
                : "pairs-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(java.time.ZoneOffset.UTC)
                        .format(Instant.now());
        PairModel model = LogisticRegression.fit(v, xs, ys, l2, 50);
        model = model.withThreshold(bestF1Threshold(model, xs, ys));

        double[] modelScores = new double[test.size()];
        double[] ruleScores = new double[test.size()];
        boolean[] truth = new boolean[test.size()];
        for (int i = 0; i < test.size(); i++) {
            modelScores[i] = model.score(test.get(i).features);
            ruleScores[i] = test.get(i).ruleScore();
            truth[i] = labels.get(key(test.get(i)));
        }
        double modelAp = RankingMetrics.averagePrecision(modelScores, truth);
        double modelAuc = RankingMetrics.rocAuc(modelScores, truth);
        double rulesAp = RankingMetrics.averagePrecision(ruleScores, truth);
        double rulesAuc = RankingMetrics.rocAuc(ruleScores, truth);
        long testPos = 0;
        for (boolean t : truth) {
            testPos += t ? 1 : 0;
        }
        o.printf(Locale.ROOT, "trained on %d pairs (%d duplicates); held out the latest %d pairs (%d duplicates)%n",
                train.size(), trainPos, test.size(), testPos);
        o.printf(Locale.ROOT, "%-28s %8s %8s%n", "held-out pairs", "ROC-AUC", "AP");
        o.printf(Locale.ROOT, "%-28s %8.4f %8.4f%n", "rules (match kind score)", rulesAuc, rulesAp);
        o.printf(Locale.ROOT, "%-28s %8.4f %8.4f%n", "pair model " + v, modelAuc, modelAp);
        o.printf(Locale.ROOT, "threshold %.3f (best F1 on the training pairs)%n", model.threshold);
        if (out != null) {
            ObjectNode t = json.createObjectNode();
            t.put("labels", train.size());
            t.put("positives", trainPos);
            t.put("holdout_pairs", test.size());
            t.put("holdout_positives", testPos);
            t.put("holdout_roc_auc", modelAuc);
            t.put("holdout_average_precision", modelAp);
            t.put("rules_roc_auc", rulesAuc);
            t.put("rules_average_precision", rulesAp);
            t.put("trained_at", Instant.now().toString());
            t.put("invoices", invoices.getFileName().toString());
            t.put("dispositions", source.file != null ? source.file.getFileName().toString()
                    : "postgresql " + withoutParameters(source.jdbcUrl) + " latest_dispositions");
            Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(model.toJson(t)) + "\n");
            o.println("wrote " + out + " (version " + v + ")");
        }
        return 0;
    }

    /**
     * The labels of a stream of dispositions: CONFIRMED_DUPLICATE = 1, NOT_DUPLICATE = 0, on pairs
     * only; the latest verdict per pair (either order), a tie going to the later one in the stream.
     */
    static final class Labels {
        private final ObjectMapper json = new ObjectMapper();
        final Map<String, Boolean> labels = new HashMap<>();
        private final Map<String, Long> labelTime = new HashMap<>();

        void add(String disposition) throws IOException {
            if (disposition == null || disposition.isBlank()) {
                return;
            }
            JsonNode d = json.readTree(disposition);
            String verdict = d.path("verdict").asText();
            if (!verdict.equals("CONFIRMED_DUPLICATE") && !verdict.equals("NOT_DUPLICATE") || !d.has("pair")) {
                return;
            }
            String key = OfflinePairs.key(d.path("tenant_id").asText(), d.path("vendor_id").asText(),
                    d.path("pair").path("invoice").path("invoice_id").asText(),
                    d.path("pair").path("matched").path("invoice_id").asText());
            long at = Instant.parse(d.path("decided_at").asText()).toEpochMilli();
            if (!labelTime.containsKey(key) || labelTime.get(key) <= at) {
                labels.put(key, verdict.equals("CONFIRMED_DUPLICATE"));
                labelTime.put(key, at);
            }
        }
    }

    static Labels fromFile(Path file) throws IOException {
        Labels labels = new Labels();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                labels.add(line);
            }
        }
        return labels;
    }

    /**
     * The dispositions in PostgreSQL ({@code latest_dispositions}, db/V3__dispositions.sql), on a
     * read-only session. A URL that is not PostgreSQL's, credentials in the URL or a literal password
     * are refused before connecting; a host, database or role that does not answer or refuses fails
     * within seconds. Both are one line naming the option (exit 2), never the password.
     */
    Labels fromPostgres(String url) throws IOException {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--dispositions-jdbc must be a PostgreSQL JDBC url"
                    + " (jdbc:postgresql://host:port/database), was '" + withoutParameters(String.valueOf(url)) + "'");
        }
        if (url.toLowerCase(Locale.ROOT).matches(".*[?&](password|sslpassword)=.*")) {
            throw new IllegalArgumentException("--dispositions-jdbc must not carry a password; give --jdbc-password"
                    + " ${env:NAME} or ${file:/path} (or set " + ConnectorOptions.JDBC_PASSWORD_ENV + ")");
        }
        Properties properties = new Properties();
        properties.setProperty("user", jdbcUser);
        String password = password();
        if (password != null) {
            properties.setProperty("password", password);
        }
        // pgjdbc: settings in the url win over these
        properties.setProperty("readOnly", "true");
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(LOGIN_TIMEOUT_SECONDS));
        properties.setProperty("ApplicationName", "invoice-sieve train");
        String where = withoutParameters(url);
        Connection c;
        try {
            c = DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            String sqlState = e.getSQLState() == null ? "" : e.getSQLState();
            String option = sqlState.startsWith("28") ? "--jdbc-user/--jdbc-password" : "--dispositions-jdbc";
            throw new IllegalArgumentException(option + ": cannot connect to " + where + " as '" + jdbcUser + "': "
                    + oneLine(e.getMessage()), e);
        }
        Labels labels = new Labels();
        try (c) {
            c.setReadOnly(true);
            c.setAutoCommit(false); // a cursor: rows in batches of the fetch size
            try (PreparedStatement st = c.prepareStatement(QUERY)) {
                st.setFetchSize(1000);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        labels.add(rs.getString(1));
                    }
                }
            }
            c.rollback();
        } catch (SQLException e) {
            throw new IllegalArgumentException("--dispositions-jdbc: cannot read latest_dispositions at " + where + " as '"
                    + jdbcUser + "' (is the schema migrated, has the role SELECT on it?): " + oneLine(e.getMessage()), e);
        }
        return labels;
    }

    /** The password: a reference resolved now, else SIEVE_JDBC_PASSWORD, else none. */
    private String password() {
        if (jdbcPassword != null && !Secrets.isReference(jdbcPassword)) {
            throw new IllegalArgumentException("--jdbc-password must be a reference, ${env:NAME} or ${file:/path}: a literal"
                    + " would be in the process list and the shell history");
        }
        if (jdbcPassword != null) {
            return Secrets.resolve("--jdbc-password", jdbcPassword);
        }
        String env = System.getenv(ConnectorOptions.JDBC_PASSWORD_ENV);
        return env == null || env.isEmpty() ? null : env;
    }

    /** The url without its parameters (which may hold driver secrets). */
    static String withoutParameters(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /**
     * Candidate pairs per invoice (replays dropped; credit notes have none), the multiplier of the
     * model's scoring cost: mean, median, p90, p99, max. The offline index has no bucket cap, so this is
     * at most what the job compares (the comparison cap, 64, is the same).
     */
    static String candidatesPerInvoice(List<Invoice> all, List<OfflinePairs.Pair> pairs) {
        Map<String, Integer> perInvoice = new HashMap<>();
        for (Invoice i : all) {
            perInvoice.putIfAbsent(i.tenantId + '\u001f' + i.vendorId + '\u001f' + i.invoiceId, 0);
        }
        for (OfflinePairs.Pair p : pairs) {
            perInvoice.merge(p.tenantId + '\u001f' + p.vendorId + '\u001f' + p.probe.invoiceId, 1, Integer::sum);
        }
        int[] counts = perInvoice.values().stream().mapToInt(Integer::intValue).sorted().toArray();
        if (counts.length == 0) {
            return "no invoices";
        }
        return String.format(Locale.ROOT, "candidate pairs per invoice (%d invoices): mean %.2f, median %d, p90 %d,"
                + " p99 %d, max %d", counts.length, (double) pairs.size() / counts.length, quantile(counts, 0.5),
                quantile(counts, 0.9), quantile(counts, 0.99), counts[counts.length - 1]);
    }

    private static int quantile(int[] sorted, double q) {
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static String key(OfflinePairs.Pair p) {
        return OfflinePairs.key(p.tenantId, p.vendorId, p.probe.invoiceId, p.earlier.invoiceId);
    }

    private static double bestF1Threshold(PairModel model, List<double[]> xs, boolean[] ys) {
        double best = 0.5;
        double bestF1 = -1;
        for (int k = 5; k <= 95; k++) {
            double t = k / 100.0;
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < xs.size(); i++) {
                boolean hit = model.score(xs.get(i)) >= t;
                if (hit && ys[i]) {
                    tp++;
                } else if (hit) {
                    fp++;
                } else if (ys[i]) {
                    fn++;
                }
            }
            double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
            if (f1 > bestF1) {
                bestF1 = f1;
                best = t;
            }
        }
        return best;
    }
}

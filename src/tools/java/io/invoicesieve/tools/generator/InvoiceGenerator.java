package io.invoicesieve.tools.generator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.invoicesieve.tools.generator.BankAccounts.Account;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Deterministic, labelled synthetic invoice stream: JSON lines following the invoice contract plus a
 * ground-truth CSV with one row per line.
 *
 * <p>Everything is drawn from one {@link SplittableRandom} seeded with {@link GeneratorConfig#seed()}, in a
 * fixed order, so the same config gives the same bytes. The whole stream is planned first as small
 * per-invoice structs (about 200 bytes each), sorted into delivery order, then streamed to disk through
 * one Jackson {@link JsonGenerator}; no JSON is held in memory.
 */
public final class InvoiceGenerator {

    /** Counts of what a run wrote. {@code kinds} counts lines per kind, replayed copies excluded. */
    public record Stats(long lines, long invoices, long malformed, long replays, long late,
                        long lowConfidence, Map<TruthKind, Long> kinds) {

        public long count(TruthKind kind) {
            return kinds.getOrDefault(kind, 0L);
        }

        /** One line, e.g. for the CLI. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append(lines).append(" lines: ").append(invoices).append(" invoices, ")
                    .append(malformed).append(" malformed, ").append(replays).append(" replays, ")
                    .append(late).append(" late, ").append(lowConfidence).append(" low-confidence;");
            for (Map.Entry<TruthKind, Long> e : kinds.entrySet()) {
                sb.append(' ').append(e.getKey().name()).append('=').append(e.getValue());
            }
            return sb.toString();
        }
    }

    static final String TRUTH_HEADER =
            "line,invoice_id,tenant_id,vendor_id,kind,original_invoice_id,other_vendor_id,low_confidence,late,replay";

    private static final String[] TENANT_NAMES = {
        "acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell", "cyberdyne",
        "soylent", "vandelay", "oscorp", "aperture", "nakatomi", "dunder", "massive", "gringotts"
    };
    private static final String[] MAJOR = {"EUR", "USD", "GBP"};
    private static final String[] MINOR = {"CHF", "SEK", "PLN", "CAD"};
    private static final Map<String, Double> PER_EUR = Map.of(
            "EUR", 1.0, "USD", 1.08, "GBP", 0.85, "CHF", 0.95, "SEK", 11.4, "PLN", 4.3, "CAD", 1.47);
    private static final String[] SOURCES = {"edi", "portal", "email", "ocr"};
    private static final int EDI = 0;
    private static final int PORTAL = 1;
    private static final int OCR = 3;
    private static final int SUBSCRIPTION = 0;
    private static final int REGULAR = 1;
    private static final int SPORADIC = 2;
    private static final int HIGH_VOLUME = 3;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final String[] NAME_PARTS = {
        "Nor", "Vel", "Cas", "Tri", "Alp", "Bren", "Kor", "Mer", "Sol", "Hal", "Dun", "Fer", "Lum", "Ost", "Pra"
    };
    private static final String[] NAME_TAILS = {"tec", "ora", "ix", "wood", "line", "gate", "ford", "is", "ex"};
    private static final String[] LEGAL = {"GmbH", "Ltd", "Inc.", "S.A.", "B.V.", "AG", "LLC", "SARL", "plc"};

    // Field codes of the JSON writer.
    private static final int F_TENANT = 0;
    private static final int F_ID = 1;
    private static final int F_VENDOR = 2;
    private static final int F_NUMBER = 3;
    private static final int F_DATE = 4;
    private static final int F_EVENT = 5;
    private static final int F_AMOUNT = 6;
    private static final int F_CURRENCY = 7;
    private static final int F_ACCOUNT = 8;
    private static final int F_BANK = 9;
    private static final int F_PO = 10;
    private static final int F_DUE = 11;
    private static final int F_DESC = 12;
    private static final int F_SOURCE = 13;
    private static final int F_CONF = 14;
    private static final int[] ORDER_STANDARD = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    private static final int[] ORDER_EDI = {1, 0, 2, 5, 3, 4, 7, 6, 11, 10, 8, 9, 12, 13, 14};
    private static final String[] REQUIRED = {
        "tenant_id", "invoice_id", "vendor_id", "invoice_number", "invoice_date", "event_time", "amount", "currency"
    };

    // Malformations.
    private static final int M_NOT_JSON = 0;
    private static final int M_TRUNCATED = 1;
    private static final int M_MISSING = 2;
    private static final int M_NULL = 3;
    private static final int M_BAD_DATE = 4;
    private static final int M_BAD_AMOUNT = 5;
    private static final int M_BAD_CURRENCY = 6;
    private static final int M_NO_OFFSET = 7;
    private static final int M_EMPTY_ID = 8;
    private static final int M_ARRAY = 9;
    private static final int M_BAD_EVENT_TIME = 10;
    private static final int MALFORMATIONS = 11;

    private static final class Tenant {
        final String id;
        final String currency;
        final ZoneRules zone;
        final List<Vendor> vendors = new ArrayList<>();
        long nextId = 1;
        int nextVendor;

        Tenant(String id, String currency, ZoneRules zone) {
            this.id = id;
            this.currency = currency;
            this.zone = zone;
        }
    }

    private static final class Vendor {
        Tenant tenant;
        String id;
        String name;
        int type;
        double median;
        double sigma;
        boolean roundAmounts;
        String currency;
        String currency2;
        double rate2;
        double share2;
        int style;
        String prefix;
        int branch;
        long seqStart;
        int maxGap;
        long cnSeq;
        Account[] accounts;
        Account[] switchAccounts;
        long switchTime = Long.MAX_VALUE;
        int category;
        int product;
        double poProb;
        int poStyle;
        int dueTerms;
        double dueProb;
        int source;
        boolean bankCode;
        int count;
        /** How fast the vendor's number series advances (it also bills other customers). */
        double seqPerMilli;
        List<LocalDate> subscriptionDates;
        final List<Inv> invoices = new ArrayList<>();
        final Set<String> numbers = new HashSet<>();
    }

    private static final class Inv {
        Vendor vendor;
        String number;
        long seq;
        int invoiceDay;
        long eventMillis;
        int offsetSeconds;
        long cents;
        String currency;
        Account account;
        boolean noAccount;
        String po;
        int dueDay = Integer.MIN_VALUE;
        long descSeed;
        String creditRef;
        int source;
        double confidence = Double.NaN;
        boolean lowConfidence;
        long writeSeed;
        TruthKind kind;
        Inv original;
        Vendor other;
        boolean late;
        boolean used;
        String id;
        long key;
    }

    private static final class Line {
        final Inv inv;
        final long key;
        final int order;
        final boolean replay;
        final int malformation;

        Line(Inv inv, long key, int order, boolean replay, int malformation) {
            this.inv = inv;
            this.key = key;
            this.order = order;
            this.replay = replay;
            this.malformation = malformation;
        }
    }

    private GeneratorConfig cfg;
    private SplittableRandom rnd;
    /** The invoices and vendors of the original shapes; the AP-ledger shapes come after them. */
    private int mainInvoices;
    private int mainVendors;
    private SplittableRandom shapes;
    private BankAccounts banks;
    private List<Tenant> tenants;
    private List<Vendor> vendors;
    private List<Inv> all;
    private int startDay;
    private int endDay;
    private String[] dateCache;
    private int dateCacheStart;

    public InvoiceGenerator() {
    }

    /**
     * Writes {@code invoicesJsonl} (one invoice event per line, UTF-8, '\n') and {@code truthCsv} (one
     * row per line) for the given config. Parent directories are created.
     */
    public Stats generate(GeneratorConfig config, Path invoicesJsonl, Path truthCsv) throws IOException {
        this.cfg = config;
        this.rnd = new SplittableRandom(config.seed());
        this.banks = new BankAccounts(rnd.split());
        this.startDay = (int) config.start().toEpochDay();
        this.endDay = startDay + config.days();
        this.dateCacheStart = startDay - 60;
        this.dateCache = new String[config.days() + 400];
        this.all = new ArrayList<>(config.invoices() + 16);

        createTenantsAndVendors();
        allocateCounts();
        for (Vendor v : vendors) {
            createBaseInvoices(v);
        }
        injectBankChanges();
        injectBankShared();
        injectAmountChanges();
        injectCreditNotes();
        injectDuplicates();
        // The AP-ledger shapes (high-volume suppliers, vendor twins, reversals, credit notes entered
        // twice) draw from their own random stream, after everything else: with their rates at 0 the
        // data is exactly what the generator wrote before they existed.
        mainInvoices = all.size();
        mainVendors = vendors.size();
        SplittableRandom main = rnd;
        shapes = new SplittableRandom(config.seed() ^ 0x5EEDAB1EL);
        rnd = shapes;
        injectHighVolumeSuppliers();
        injectTwins();
        injectReversals();
        injectPartialCreditDuplicates();
        injectCreditNoteDuplicates();
        rnd = main;
        List<Line> lines = planDelivery();
        return write(lines, invoicesJsonl, truthCsv);
    }

    // ---------------------------------------------------------------- tenants and vendors

    private void createTenantsAndVendors() {
        tenants = new ArrayList<>();
        vendors = new ArrayList<>();
        for (int t = 0; t < cfg.tenants(); t++) {
            String name = TENANT_NAMES[t % TENANT_NAMES.length]
                    + (t < TENANT_NAMES.length ? "" : "-" + (t / TENANT_NAMES.length + 1));
            String currency = t < 3 ? MAJOR[t] : MAJOR[rnd.nextInt(10) < 5 ? 0 : 1 + rnd.nextInt(2)];
            String zone = switch (currency) {
                case "USD" -> "America/New_York";
                case "GBP" -> "Europe/London";
                default -> "Europe/Berlin";
            };
            Tenant tenant = new Tenant(name, currency, ZoneId.of(zone).getRules());
            tenants.add(tenant);
            // Vendor id ranges of neighbouring tenants overlap by ~30%: the same id in another tenant is
            // another vendor.
            int firstId = 1001 + t * (int) Math.round(cfg.vendorsPerTenant() * 0.7);
            for (int i = 0; i < cfg.vendorsPerTenant(); i++) {
                Vendor v = newVendor(tenant, "V-" + (firstId + i), i == 0);
                tenant.vendors.add(v);
                vendors.add(v);
            }
            tenant.nextVendor = firstId + cfg.vendorsPerTenant();
        }
        // Some real-world vendors serve several tenants (or have two records in one tenant) and print the
        // same invoice numbers for each: the same number at another vendor or tenant is NOT a duplicate.
        int clones = Math.max(vendors.size() > 1 ? 1 : 0, (int) Math.round(vendors.size() * 0.06));
        for (int c = 0; c < clones; c++) {
            Vendor a = vendors.get(rnd.nextInt(vendors.size()));
            Vendor b = vendors.get(rnd.nextInt(vendors.size()));
            if (a == b || a.type == SUBSCRIPTION || b.type == SUBSCRIPTION) {
                continue;
            }
            b.style = a.style;
            b.prefix = a.prefix;
            b.branch = a.branch;
            b.seqStart = a.seqStart + rnd.nextInt(20);
            a.maxGap = 1;
            b.maxGap = 1;
        }
    }

    private Vendor newVendor(Tenant tenant, String id, boolean forceRegular) {
        Vendor v = new Vendor();
        v.tenant = tenant;
        v.id = id;
        v.name = NAME_PARTS[rnd.nextInt(NAME_PARTS.length)] + NAME_TAILS[rnd.nextInt(NAME_TAILS.length)]
                + ' ' + LEGAL[rnd.nextInt(LEGAL.length)];
        double r = rnd.nextDouble();
        v.type = forceRegular ? REGULAR : r < 0.12 ? SUBSCRIPTION : r < 0.22 ? SPORADIC : REGULAR;
        v.median = v.type == SUBSCRIPTION ? logUniform(30, 5_000) : logUniform(50, 50_000);
        v.sigma = 0.05 + rnd.nextDouble() * 0.55;
        v.roundAmounts = v.type != SUBSCRIPTION && v.median > 300 && rnd.nextDouble() < 0.2;
        double c = rnd.nextDouble();
        v.currency = c < 0.82 ? tenant.currency : c < 0.95 ? MAJOR[rnd.nextInt(3)] : MINOR[rnd.nextInt(4)];
        if (v.type != SUBSCRIPTION && rnd.nextDouble() < 0.08) {
            String c2 = MAJOR[rnd.nextInt(3)];
            if (!c2.equals(v.currency)) {
                v.currency2 = c2;
                v.rate2 = PER_EUR.get(c2) / PER_EUR.get(v.currency);
                v.share2 = 0.1 + rnd.nextDouble() * 0.4;
            }
        }
        v.style = rnd.nextInt(InvoiceNumbers.STYLES);
        v.prefix = prefix(2 + rnd.nextInt(3));
        v.branch = 10 + rnd.nextInt(90);
        v.seqStart = switch (v.style) {
            case 0, 4 -> 1 + rnd.nextInt(900);
            case 2 -> 1_000 + rnd.nextInt(500_000);
            case 7 -> 10_000 + rnd.nextInt(80_000);
            case 5 -> 1_000 + rnd.nextInt(9_000);
            default -> 1 + rnd.nextInt(8_000);
        };
        v.maxGap = v.type == SUBSCRIPTION || rnd.nextDouble() < 0.3 ? 1 : 2 + rnd.nextInt(30);
        v.cnSeq = 100 + rnd.nextInt(900);
        int nAccounts = rnd.nextDouble() < 0.15 ? 2 : 1;
        v.accounts = new Account[nAccounts];
        for (int i = 0; i < nAccounts; i++) {
            v.accounts[i] = banks.newAccount(v.currency);
        }
        v.category = v.type == SUBSCRIPTION ? rnd.nextInt(4)
                : rnd.nextDouble() < 0.15 ? rnd.nextInt(4) : 4 + rnd.nextInt(Descriptions.CATEGORIES - 4);
        v.product = rnd.nextInt(10);
        double p = rnd.nextDouble();
        v.poProb = p < 0.4 ? 0 : p < 0.7 ? 1 : 0.2 + rnd.nextDouble() * 0.6;
        v.poStyle = rnd.nextInt(3);
        v.dueTerms = new int[] {14, 30, 30, 45, 60}[rnd.nextInt(5)];
        v.dueProb = rnd.nextBoolean() ? 0.95 : rnd.nextDouble() * 0.5;
        double s = rnd.nextDouble();
        v.source = s < 0.2 ? EDI : s < 0.5 ? PORTAL : s < 0.75 ? 2 : OCR;
        v.bankCode = rnd.nextDouble() < 0.7 || v.currency.equals("USD");
        if (v.type == SUBSCRIPTION) {
            int dom = 1 + rnd.nextInt(28);
            v.subscriptionDates = new ArrayList<>();
            LocalDate d = cfg.start().withDayOfMonth(dom);
            while (d.toEpochDay() < endDay) {
                if (d.toEpochDay() >= startDay) {
                    v.subscriptionDates.add(d);
                }
                d = d.plusMonths(1);
            }
            v.count = v.subscriptionDates.size();
        } else if (v.type == SPORADIC) {
            v.count = 1 + rnd.nextInt(4);
        }
        return v;
    }

    private String prefix(int len) {
        char[] c = new char[len];
        for (int i = 0; i < len; i++) {
            c[i] = (char) ('A' + rnd.nextInt(26));
        }
        return new String(c);
    }

    private void allocateCounts() {
        int n = cfg.invoices();
        int injected = dupCount(cfg.dupExactRate()) + dupCount(cfg.dupRekeyedRate())
                + dupCount(cfg.dupAmountTypoRate()) + dupCount(cfg.dupNewNumberRate())
                + dupCount(cfg.creditNoteRate());
        int base = Math.max(1, n - injected);
        long fixed = 0;
        List<Vendor> fixedVendors = new ArrayList<>();
        List<Vendor> regular = new ArrayList<>();
        for (Vendor v : vendors) {
            if (v.type == REGULAR) {
                regular.add(v);
            } else {
                fixed += v.count;
                fixedVendors.add(v);
            }
        }
        // Small runs: trim subscriptions and sporadic vendors so regular vendors keep most of the volume.
        long cap = (long) Math.floor(base * 0.4);
        while (fixed > cap && !fixedVendors.isEmpty()) {
            Vendor v = fixedVendors.get(rnd.nextInt(fixedVendors.size()));
            if (v.count > 0) {
                v.count--;
                fixed--;
                if (v.subscriptionDates != null) {
                    v.subscriptionDates.remove(v.subscriptionDates.size() - 1);
                }
            }
            if (v.count == 0) {
                fixedVendors.remove(v);
            }
        }
        long remaining = base - fixed;
        double[] w = new double[regular.size()];
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.exp(1.1 * rnd.nextGaussian());
            total += w[i];
        }
        long assigned = 0;
        for (int i = 0; i < w.length; i++) {
            regular.get(i).count = (int) Math.floor(remaining * w[i] / total);
            assigned += regular.get(i).count;
        }
        while (assigned < remaining && !regular.isEmpty()) {
            regular.get(rnd.nextInt(regular.size())).count++;
            assigned++;
        }
    }

    private int dupCount(double rate) {
        return (int) Math.round(cfg.invoices() * rate);
    }

    // ---------------------------------------------------------------- base invoices

    private void createBaseInvoices(Vendor v) {
        if (v.count == 0) {
            return;
        }
        int[] days = new int[v.count];
        int span = cfg.days();
        if (v.type == SUBSCRIPTION) {
            for (int i = 0; i < v.count; i++) {
                days[i] = (int) v.subscriptionDates.get(i).toEpochDay();
            }
        } else {
            for (int i = 0; i < v.count; i++) {
                int d;
                if (v.type == REGULAR && v.count <= span) {
                    double pos = (i + 0.5 + (rnd.nextDouble() - 0.5) * 0.8) * span / v.count;
                    d = (int) Math.max(0, Math.min(span - 1, Math.floor(pos)));
                } else {
                    d = rnd.nextInt(span);
                }
                int day = startDay + d;
                DayOfWeek dow = LocalDate.ofEpochDay(day).getDayOfWeek();
                if (dow == DayOfWeek.SATURDAY && rnd.nextDouble() < 0.8) {
                    day += day - 1 >= startDay ? -1 : 2;
                } else if (dow == DayOfWeek.SUNDAY && rnd.nextDouble() < 0.8) {
                    day += day + 1 < endDay ? 1 : -2;
                }
                days[i] = day;
            }
            java.util.Arrays.sort(days);
        }
        long subscriptionCents = Math.max(100, Math.round(v.median) * 100 - (rnd.nextBoolean() ? 1 : 0));
        int priceChange = v.type == SUBSCRIPTION && rnd.nextDouble() < 0.2 ? 1 + rnd.nextInt(Math.max(1, v.count))
                : Integer.MAX_VALUE;
        long seq = v.seqStart;
        for (int i = 0; i < v.count; i++) {
            if (i > 0) {
                seq += v.maxGap == 1 ? 1 : 1 + (long) (rnd.nextDouble() * rnd.nextDouble() * v.maxGap);
            }
            Inv inv = newInvoice(v, days[i], seq);
            if (v.type == SUBSCRIPTION) {
                if (i == priceChange) {
                    subscriptionCents = Math.round(subscriptionCents * (1.03 + rnd.nextDouble() * 0.09));
                }
                inv.cents = subscriptionCents;
                inv.currency = v.currency;
                inv.kind = TruthKind.RECURRING;
            }
            v.invoices.add(inv);
            all.add(inv);
        }
        v.invoices.sort((a, b) -> Long.compare(a.eventMillis, b.eventMillis));
        // a vendor with two accounts "from the start" uses each of them in its first invoices: an
        // account that first shows up once the vendor has history is a bank change by definition
        for (int i = 0; i < v.accounts.length && i < v.invoices.size(); i++) {
            v.invoices.get(i).account = v.accounts[i];
            v.invoices.get(i).noAccount = false;
        }
        Inv first = v.invoices.get(0);
        Inv last = v.invoices.get(v.invoices.size() - 1);
        if (last.eventMillis > first.eventMillis) {
            v.seqPerMilli = (double) (last.seq - first.seq) / (last.eventMillis - first.eventMillis);
        }
    }

    /** A normal invoice of the vendor dated {@code day}; number from sequence value {@code seq}. */
    private Inv newInvoice(Vendor v, int day, long seq) {
        Inv inv = new Inv();
        inv.vendor = v;
        inv.kind = TruthKind.CLEAN;
        inv.invoiceDay = day;
        inv.seq = seq;
        LocalDate date = LocalDate.ofEpochDay(day);
        inv.number = InvoiceNumbers.format(v.style, v.prefix, v.branch, seq, date.getYear(), date.getMonthValue());
        v.numbers.add(inv.number);
        inv.source = rnd.nextDouble() < 0.85 ? v.source : rnd.nextInt(SOURCES.length);
        setEventTime(inv, day + receiveDelayDays(inv.source));
        if (v.currency2 != null && rnd.nextDouble() < v.share2) {
            inv.currency = v.currency2;
            inv.cents = normalCents(v, v.rate2);
        } else {
            inv.currency = v.currency;
            inv.cents = normalCents(v, 1.0);
        }
        inv.account = v.accounts[rnd.nextInt(v.accounts.length)];
        inv.noAccount = rnd.nextDouble() < 0.02;
        if (rnd.nextDouble() < v.poProb) {
            inv.po = switch (v.poStyle) {
                case 0 -> "PO-" + (1000 + rnd.nextInt(90_000));
                case 1 -> "4500" + (100_000 + rnd.nextInt(900_000));
                default -> "PO" + date.getYear() + "-" + (10_000 + rnd.nextInt(90_000));
            };
        }
        if (rnd.nextDouble() < v.dueProb) {
            inv.dueDay = day + v.dueTerms;
        }
        inv.descSeed = rnd.nextLong();
        inv.writeSeed = rnd.nextLong();
        setConfidence(inv);
        return inv;
    }

    private int receiveDelayDays(int source) {
        // Most invoices arrive within 3 days; paper and e-mail ones take longer; never more than 10.
        double u = rnd.nextDouble();
        int d = u < 0.22 ? 0 : u < 0.47 ? 1 : u < 0.64 ? 2 : u < 0.76 ? 3 : u < 0.84 ? 4 : u < 0.9 ? 5
                : 6 + rnd.nextInt(5);
        if ((source == OCR || source == 2) && d < 10 && rnd.nextDouble() < 0.3) {
            d++;
        }
        return d;
    }

    /** Event time on {@code localDay} in the tenant's zone, business hours (EDI batches at night). */
    private void setEventTime(Inv inv, int localDay) {
        int secondOfDay = inv.source == EDI && rnd.nextDouble() < 0.4
                ? 3_600 + rnd.nextInt(3 * 3_600)
                : 7 * 3_600 + 1_800 + rnd.nextInt(11 * 3_600 + 1_800);
        long localEpoch = localDay * 86_400L + secondOfDay;
        int offset = inv.vendor.tenant.zone.getOffset(Instant.ofEpochSecond(localEpoch)).getTotalSeconds();
        inv.offsetSeconds = offset;
        long millis = inv.source == PORTAL ? rnd.nextInt(1000) : 0;
        inv.eventMillis = (localEpoch - offset) * 1000 + millis;
    }

    /**
     * Receives {@code inv} on the tenant-local day of {@code target}, at the usual hours of its channel,
     * and at least an hour after {@code notBefore}: resubmissions and credit notes arrive at the same
     * times of day as everything else.
     */
    private void receiveAround(Inv inv, long target, long notBefore) {
        int offset = inv.vendor.tenant.zone.getOffset(Instant.ofEpochMilli(target)).getTotalSeconds();
        int localDay = (int) Math.floorDiv(target + offset * 1000L, DAY);
        setEventTime(inv, localDay);
        while (inv.eventMillis < notBefore + HOUR) {
            setEventTime(inv, ++localDay);
        }
    }

    private void setConfidence(Inv inv) {
        inv.confidence = Double.NaN;
        inv.lowConfidence = false;
        if (inv.source != OCR) {
            return;
        }
        double c;
        if (rnd.nextDouble() < cfg.lowConfidenceShare()) {
            c = 0.30 + rnd.nextDouble() * 0.29;
            inv.lowConfidence = true;
        } else if (rnd.nextDouble() < 0.1) {
            c = 0.6 + rnd.nextDouble() * 0.25;
        } else {
            c = 0.85 + rnd.nextDouble() * 0.145;
        }
        inv.confidence = Math.round(c * 1000) / 1000.0;
    }

    /** Log-normal around the vendor median, truncated at 3.5 sigma (vendors do not bill wildly). */
    private long normalCents(Vendor v, double fx) {
        double z = Math.max(-3.5, Math.min(3.5, rnd.nextGaussian()));
        return toCents(v, v.median * fx * Math.exp(v.sigma * z));
    }

    private static long toCents(Vendor v, double amount) {
        long cents = v.roundAmounts && amount >= 10 ? Math.round(amount) * 100 : Math.round(amount * 100);
        return Math.max(1, cents);
    }

    private double logUniform(double lo, double hi) {
        return Math.exp(Math.log(lo) + rnd.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }

    private double anomalyUpFactor(Vendor v) {
        double lo = Math.max(8, Math.exp(4.5 * v.sigma));
        return logUniform(lo, Math.max(60, lo * 3));
    }

    private double medianIn(Vendor v, String currency) {
        return currency.equals(v.currency2) ? v.median * v.rate2 : v.median;
    }

    // ---------------------------------------------------------------- bank signals

    private List<Vendor> shuffledVendors() {
        List<Vendor> copy = new ArrayList<>(vendors);
        Collections.shuffle(copy, new java.util.Random(rnd.nextLong()));
        return copy;
    }

    private static boolean plain(Inv inv) {
        return inv.kind == TruthKind.CLEAN || inv.kind == TruthKind.RECURRING || inv.kind == TruthKind.HIGH_VOLUME;
    }

    private int vendorCount(double rate) {
        return rate <= 0 ? 0 : Math.max(1, (int) Math.round(vendors.size() * rate));
    }

    private final Set<Vendor> bankTouched = new HashSet<>();

    private void injectBankChanges() {
        int count = vendorCount(cfg.bankChangeRate());
        int high = count == 0 ? 0 : (int) Math.round(count * cfg.bankChangeHighAmountShare());
        if (high == 0 && count >= 2 && cfg.bankChangeHighAmountShare() > 0) {
            high = 1;
        }
        int done = 0;
        for (Vendor v : shuffledVendors()) {
            if (done == count) {
                break;
            }
            if (v.invoices.size() < 8 || bankTouched.contains(v)) {
                continue;
            }
            int n = v.invoices.size();
            int k = 5 + rnd.nextInt(Math.max(1, (n - 5) * 3 / 4));
            Inv first = v.invoices.get(k);
            if (!plain(first)) {
                continue;
            }
            Account fresh = banks.newAccount(v.currency);
            v.switchTime = first.eventMillis;
            v.switchAccounts = new Account[] {fresh};
            for (int i = k; i < n; i++) {
                v.invoices.get(i).account = fresh;
                v.invoices.get(i).noAccount = false;
            }
            first.noAccount = false;
            if (done < high) {
                first.kind = TruthKind.BANK_CHANGE_HIGH_AMOUNT;
                first.cents = toCents(v, medianIn(v, first.currency) * anomalyUpFactor(v));
            } else {
                first.kind = TruthKind.BANK_CHANGE;
            }
            bankTouched.add(v);
            done++;
        }
    }

    private void injectBankShared() {
        int count = vendorCount(cfg.bankSharedRate());
        int done = 0;
        for (Vendor a : shuffledVendors()) {
            if (done == count) {
                break;
            }
            if (a.invoices.size() < 6 || bankTouched.contains(a) || a.tenant.vendors.size() < 2) {
                continue;
            }
            int k = 5 + rnd.nextInt(a.invoices.size() - 5);
            Inv inv = a.invoices.get(k);
            // Another vendor of the tenant that was paid to its account before this invoice arrived.
            Vendor b = a.tenant.vendors.get(rnd.nextInt(a.tenant.vendors.size()));
            if (b == a || b.invoices.isEmpty() || !plain(inv)) {
                continue;
            }
            Inv bFirst = null;
            for (Inv bi : b.invoices) {
                if (!bi.noAccount) {
                    bFirst = bi;
                    break;
                }
            }
            if (bFirst == null || bFirst.eventMillis >= inv.eventMillis - DAY) {
                continue;
            }
            Account shared = bFirst.account;
            inv.account = shared;
            inv.noAccount = false;
            inv.kind = TruthKind.BANK_SHARED;
            inv.other = b;
            if (rnd.nextBoolean()) {
                // Duplicate vendor record: from now on this vendor is paid to the other one's account.
                a.switchTime = inv.eventMillis;
                a.switchAccounts = new Account[] {shared};
                for (int i = k + 1; i < a.invoices.size(); i++) {
                    a.invoices.get(i).account = shared;
                }
            }
            bankTouched.add(a);
            bankTouched.add(b);
            done++;
        }
    }

    /** The account a vendor would print at {@code time}, keeping {@code preferred} when still valid. */
    private Account accountAt(Vendor v, long time, Account preferred) {
        Account[] current = time >= v.switchTime ? v.switchAccounts : v.accounts;
        for (Account a : current) {
            if (a == preferred) {
                return a;
            }
        }
        return current[rnd.nextInt(current.length)];
    }

    // ---------------------------------------------------------------- amount signals

    private void injectAmountChanges() {
        List<Inv> eligible = new ArrayList<>();
        for (Vendor v : vendors) {
            // "Own history": at least 12 earlier invoices of the vendor.
            for (int i = 12; i < v.invoices.size(); i++) {
                Inv inv = v.invoices.get(i);
                if (inv.kind == TruthKind.CLEAN && inv.currency.equals(v.currency)) {
                    eligible.add(inv);
                }
            }
        }
        int anomalies = (int) Math.round(cfg.invoices() * cfg.amountAnomalyRate());
        int mild = (int) Math.round(cfg.invoices() * cfg.mildVariationRate());
        if (anomalies == 0 && cfg.amountAnomalyRate() > 0) {
            anomalies = 1;
        }
        if (mild == 0 && cfg.mildVariationRate() > 0) {
            mild = 1;
        }
        partialShuffle(eligible, Math.min(eligible.size(), anomalies + mild));
        int i = 0;
        for (; i < Math.min(eligible.size(), anomalies); i++) {
            Inv inv = eligible.get(i);
            Vendor v = inv.vendor;
            double factor = rnd.nextDouble() < 0.8 ? anomalyUpFactor(v) : 1.0 / logUniform(30, 80);
            inv.cents = toCents(v, v.median * factor);
            inv.kind = TruthKind.AMOUNT_ANOMALY;
        }
        for (; i < Math.min(eligible.size(), anomalies + mild); i++) {
            Inv inv = eligible.get(i);
            inv.cents = toCents(inv.vendor, inv.vendor.median * (1.5 + rnd.nextDouble() * 0.7));
            inv.kind = TruthKind.MILD_VARIATION;
        }
    }

    private <T> void partialShuffle(List<T> list, int first) {
        for (int i = 0; i < first; i++) {
            int j = i + rnd.nextInt(list.size() - i);
            Collections.swap(list, i, j);
        }
    }

    // ---------------------------------------------------------------- credit notes and duplicates

    /** A random CLEAN or RECURRING positive invoice not used as an original yet, or null. */
    private Inv pickOriginal(int baseSize) {
        for (int attempt = 0; attempt < 200; attempt++) {
            Inv inv = all.get(rnd.nextInt(baseSize));
            if (plain(inv) && !inv.used && inv.cents > 0) {
                inv.used = true;
                return inv;
            }
        }
        return null;
    }

    private String freshNumber(Vendor v, long nearSeq, int day) {
        LocalDate date = LocalDate.ofEpochDay(day);
        int spread = 50;
        for (int attempt = 0; ; attempt++) {
            long seq = nearSeq + 1 + rnd.nextInt(spread);
            String n = InvoiceNumbers.format(v.style, v.prefix, v.branch, seq, date.getYear(), date.getMonthValue());
            if (v.numbers.add(n)) {
                return n;
            }
            if (attempt % 10 == 9) {
                spread *= 4;
            }
        }
    }

    private Inv copyOf(Inv o) {
        Inv c = new Inv();
        c.vendor = o.vendor;
        c.number = o.number;
        c.seq = o.seq;
        c.invoiceDay = o.invoiceDay;
        c.cents = o.cents;
        c.currency = o.currency;
        c.account = o.account;
        c.po = o.po;
        c.dueDay = o.dueDay;
        c.descSeed = o.descSeed;
        c.source = o.source;
        return c;
    }

    private void injectCreditNotes() {
        int count = (int) Math.round(cfg.invoices() * cfg.creditNoteRate());
        int baseSize = all.size();
        for (int i = 0; i < count; i++) {
            Inv o = pickOriginal(baseSize);
            if (o == null) {
                break;
            }
            Vendor v = o.vendor;
            Inv cn = copyOf(o);
            cn.kind = TruthKind.CREDIT_NOTE;
            cn.original = o;
            cn.creditRef = o.number;
            cn.po = o.po;
            cn.source = rnd.nextDouble() < 0.7 ? o.source : rnd.nextInt(SOURCES.length);
            receiveAround(cn, o.eventMillis + 2 * DAY + (long) (rnd.nextDouble() * 43 * DAY), o.eventMillis);
            long event = cn.eventMillis;
            int eventDay = (int) Math.floorDiv(event + cn.offsetSeconds * 1000L, DAY);
            cn.invoiceDay = Math.max(o.invoiceDay + 1, eventDay - rnd.nextInt(4));
            cn.dueDay = Integer.MIN_VALUE;
            cn.number = rnd.nextBoolean() ? "CN-" + (v.cnSeq++) : freshNumber(v, o.seq, cn.invoiceDay);
            v.numbers.add(cn.number);
            cn.cents = rnd.nextDouble() < 0.4 ? -o.cents : -Math.max(1, Math.round(o.cents * (0.05 + rnd.nextDouble() * 0.9)));
            cn.account = accountAt(v, event, o.account);
            // Credit notes are not paid out; many omit the remit account.
            cn.noAccount = rnd.nextDouble() < 0.4;
            cn.descSeed = rnd.nextLong();
            cn.writeSeed = rnd.nextLong();
            setConfidence(cn);
            v.invoices.add(cn);
            all.add(cn);
        }
    }

    private void injectDuplicates() {
        int baseSize = all.size();
        TruthKind[] kinds = {TruthKind.DUP_EXACT, TruthKind.DUP_REKEYED, TruthKind.DUP_AMOUNT_TYPO,
            TruthKind.DUP_NEW_NUMBER};
        double[] rates = {cfg.dupExactRate(), cfg.dupRekeyedRate(), cfg.dupAmountTypoRate(), cfg.dupNewNumberRate()};
        for (int k = 0; k < kinds.length; k++) {
            int count = dupCount(rates[k]);
            for (int i = 0; i < count; i++) {
                Inv o = pickOriginal(baseSize);
                if (o == null) {
                    break;
                }
                all.add(resubmission(o, kinds[k]));
            }
        }
    }

    private Inv resubmission(Inv o, TruthKind kind) {
        Vendor v = o.vendor;
        Inv d = copyOf(o);
        d.kind = kind;
        d.original = o;
        d.source = rnd.nextBoolean() ? o.source : rnd.nextInt(SOURCES.length);
        // Mostly days later, some within the day, a quarter anywhere in a long lookback (30-85 days).
        double u = rnd.nextDouble();
        long delay = u < 0.12 ? HOUR + (long) (rnd.nextDouble() * 23 * HOUR)
                : u < 0.75 ? DAY + (long) (rnd.nextDouble() * 29 * DAY)
                : 30 * DAY + (long) (rnd.nextDouble() * 54 * DAY);
        receiveAround(d, o.eventMillis + delay, o.eventMillis);
        d.account = accountAt(v, d.eventMillis, o.account);
        d.noAccount = o.noAccount;
        switch (kind) {
            case DUP_REKEYED -> {
                String n;
                int attempts = 0;
                do {
                    n = InvoiceNumbers.rekey(o.number, rnd);
                } while (v.numbers.contains(n) && ++attempts < 20);
                d.number = n;
                if (rnd.nextDouble() < 0.3) {
                    d.invoiceDay = o.invoiceDay + (rnd.nextBoolean() ? 1 : -1) * (1 + rnd.nextInt(4));
                }
            }
            case DUP_AMOUNT_TYPO -> d.cents = typo(o.cents);
            case DUP_NEW_NUMBER -> d.number = reissuedNumber(v, o, d.eventMillis);
            default -> {
            }
        }
        d.writeSeed = rnd.nextLong();
        setConfidence(d);
        v.invoices.add(d);
        return d;
    }

    /**
     * A completely new number for a re-issued invoice: mostly where the vendor's series stands when the
     * copy is issued, sometimes from another billing system (another format).
     */
    private String reissuedNumber(Vendor v, Inv o, long issuedAt) {
        if (rnd.nextDouble() < 0.25) {
            int style = (v.style + 1 + rnd.nextInt(InvoiceNumbers.STYLES - 1)) % InvoiceNumbers.STYLES;
            LocalDate date = LocalDate.ofEpochDay(o.invoiceDay);
            for (;;) {
                String n = InvoiceNumbers.format(style, v.prefix, v.branch, 1 + rnd.nextInt(99_999),
                        date.getYear(), date.getMonthValue());
                if (v.numbers.add(n)) {
                    return n;
                }
            }
        }
        long seq = o.seq + Math.round(v.seqPerMilli * (issuedAt - o.eventMillis));
        return freshNumber(v, seq, o.invoiceDay);
    }

    /** Transposed digits (never the leading one) or a small difference: a cent up to ~1%. */
    private long typo(long cents) {
        double u = rnd.nextDouble();
        if (u < 0.35) {
            char[] digits = Long.toString(cents).toCharArray();
            List<Integer> positions = new ArrayList<>();
            for (int i = 1; i + 1 < digits.length; i++) {
                if (digits[i] != digits[i + 1]) {
                    positions.add(i);
                }
            }
            if (!positions.isEmpty()) {
                int i = positions.get(rnd.nextInt(positions.size()));
                char t = digits[i];
                digits[i] = digits[i + 1];
                digits[i + 1] = t;
                return Long.parseLong(new String(digits));
            }
        }
        long delta = u < 0.6 ? 1 + rnd.nextInt(10) : Math.max(1, Math.round(cents * (0.001 + rnd.nextDouble() * 0.009)));
        long changed = rnd.nextBoolean() ? cents + delta : cents - delta;
        return changed > 0 ? changed : cents + delta;
    }


    // ---------------------------------------------------------------- AP-ledger shapes

    private int perInvoice(double rate) {
        return rate <= 0 ? 0 : Math.max(1, (int) Math.round(mainInvoices * rate));
    }

    /**
     * Carriers, utilities, telecoms: many invoices a day, most at one of a few fixed price points,
     * sequential numbers, mostly EDI. Added on top of the configured vendors and invoices; the
     * configured duplicate rates apply to them too (of their own invoices).
     */
    private void injectHighVolumeSuppliers() {
        int count = cfg.highVolumeVendorRate() <= 0 ? 0
                : Math.max(1, (int) Math.round(mainVendors * cfg.highVolumeVendorRate()));
        List<Vendor> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Tenant tenant = tenants.get(i % tenants.size());
            Vendor v = newVendor(tenant, "V-" + tenant.nextVendor++, true);
            v.type = HIGH_VOLUME;
            v.currency = tenant.currency;
            v.currency2 = null;
            v.maxGap = 1;
            v.roundAmounts = false;
            v.source = rnd.nextDouble() < 0.7 ? EDI : PORTAL;
            // one remit account: a few invoices a minute apart reorder in delivery, and a second account
            // "from the start" would then first show up after three invoices, which is a bank change
            v.accounts = new Account[] {v.accounts[0]};
            v.count = Math.max(10, (int) Math.round(cfg.highVolumePerDay() * cfg.days() * (0.5 + rnd.nextDouble())));
            int k = cfg.highVolumePricePoints();
            long[] prices = new long[k];
            for (int p = 0; p < k; p++) {
                double price = logUniform(9, 400);
                prices[p] = rnd.nextBoolean() ? Math.round(price) * 100 - 1 : Math.round(price * 2) * 50;
            }
            v.median = Math.exp(Math.log(prices[0] / 100.0));
            v.sigma = 0.3;
            tenant.vendors.add(v);
            vendors.add(v);
            int first = all.size();
            createBaseInvoices(v);
            double atPrice = 0.75 + rnd.nextDouble() * 0.2;
            for (int j = first; j < all.size(); j++) {
                Inv inv = all.get(j);
                inv.kind = TruthKind.HIGH_VOLUME;
                inv.source = rnd.nextDouble() < 0.9 ? v.source : PORTAL;
                setEventTime(inv, inv.invoiceDay + (rnd.nextDouble() < 0.8 ? 0 : 1 + rnd.nextInt(2)));
                inv.cents = rnd.nextDouble() < atPrice ? prices[rnd.nextInt(k)] : normalCents(v, 1.0);
                inv.currency = v.currency;
                setConfidence(inv);
            }
            v.invoices.sort((a, b) -> Long.compare(a.eventMillis, b.eventMillis));
            // as for every vendor: each of its accounts is used in its first invoices
            for (int j = 0; j < v.accounts.length && j < v.invoices.size(); j++) {
                v.invoices.get(j).account = v.accounts[j];
                v.invoices.get(j).noAccount = false;
            }
            for (int j = v.accounts.length; j < v.invoices.size(); j++) {
                Inv inv = v.invoices.get(j);
                if (inv.account != v.accounts[0] && inv.account != v.accounts[v.accounts.length - 1]) {
                    inv.account = v.accounts[0];
                }
            }
            created.add(v);
        }
        if (created.isEmpty()) {
            return;
        }
        List<Inv> pool = new ArrayList<>();
        for (Vendor v : created) {
            pool.addAll(v.invoices);
        }
        TruthKind[] kinds = {TruthKind.DUP_EXACT, TruthKind.DUP_REKEYED, TruthKind.DUP_AMOUNT_TYPO,
            TruthKind.DUP_NEW_NUMBER};
        double[] rates = {cfg.dupExactRate(), cfg.dupRekeyedRate(), cfg.dupAmountTypoRate(), cfg.dupNewNumberRate()};
        for (int k = 0; k < kinds.length; k++) {
            int n = (int) Math.round(pool.size() * rates[k]);
            for (int i = 0; i < n; i++) {
                Inv o = pickFrom(pool);
                if (o != null) {
                    all.add(resubmission(o, kinds[k]));
                }
            }
        }
    }

    private Inv pickFrom(List<Inv> pool) {
        for (int attempt = 0; attempt < 200; attempt++) {
            Inv inv = pool.get(rnd.nextInt(pool.size()));
            if (plain(inv) && !inv.used && inv.cents > 0) {
                inv.used = true;
                return inv;
            }
        }
        return null;
    }

    /**
     * A supplier created twice in the vendor master: from some point on, its invoices are entered
     * under either id (both print the same number series and share the remit accounts); the twin's
     * first invoice with an account is BANK_SHARED. Some invoices are entered under both ids
     * (DUP_CROSS_VENDOR): same number (or re-keyed), same amount, invoice date the same or close,
     * hours to three weeks apart.
     */
    private void injectTwins() {
        int count = cfg.twinVendorRate() <= 0 ? 0
                : Math.max(1, (int) Math.round(mainVendors * cfg.twinVendorRate()));
        List<Vendor[]> twins = new ArrayList<>();
        for (Vendor a : shuffledVendors()) {
            if (twins.size() == count) {
                break;
            }
            if ((a.type != REGULAR && a.type != HIGH_VOLUME) || a.invoices.size() < 20 || bankTouched.contains(a)) {
                continue;
            }
            Vendor b = twinOf(a);
            int n = a.invoices.size();
            int k = n / 5 + rnd.nextInt(Math.max(1, n * 3 / 10));
            List<Inv> keep = new ArrayList<>(a.invoices.subList(0, k));
            boolean sharedFlagged = false;
            for (Inv inv : a.invoices.subList(k, n)) {
                if (plain(inv) && !inv.used && inv.original == null && rnd.nextDouble() < 0.4) {
                    inv.vendor = b;
                    b.invoices.add(inv);
                    if (!sharedFlagged && !inv.noAccount) {
                        inv.kind = TruthKind.BANK_SHARED;
                        inv.other = a;
                        sharedFlagged = true;
                    }
                } else {
                    keep.add(inv);
                }
            }
            if (b.invoices.isEmpty()) {
                continue;
            }
            a.invoices.clear();
            a.invoices.addAll(keep);
            b.tenant.vendors.add(b);
            vendors.add(b);
            bankTouched.add(a);
            bankTouched.add(b);
            twins.add(new Vendor[] {a, b});
        }
        if (twins.isEmpty()) {
            return;
        }
        int dups = perInvoice(cfg.dupCrossVendorRate());
        for (int i = 0; i < dups; i++) {
            Vendor[] pair = twins.get(rnd.nextInt(twins.size()));
            long since = pair[1].invoices.get(0).eventMillis;
            Vendor from = rnd.nextBoolean() ? pair[0] : pair[1];
            Vendor to = from == pair[0] ? pair[1] : pair[0];
            Inv o = null;
            for (int attempt = 0; attempt < 50 && o == null; attempt++) {
                Inv c = from.invoices.get(rnd.nextInt(from.invoices.size()));
                if (plain(c) && !c.used && c.cents > 0 && !c.noAccount && c.eventMillis >= since - 30 * DAY) {
                    o = c;
                }
            }
            if (o == null) {
                continue;
            }
            o.used = true;
            Inv d = copyOf(o);
            d.vendor = to;
            d.kind = TruthKind.DUP_CROSS_VENDOR;
            d.original = o;
            d.source = rnd.nextBoolean() ? o.source : rnd.nextInt(SOURCES.length);
            double u = rnd.nextDouble();
            long delay = u < 0.2 ? HOUR + (long) (rnd.nextDouble() * 23 * HOUR) : DAY + (long) (rnd.nextDouble() * 20 * DAY);
            receiveAround(d, o.eventMillis + delay, o.eventMillis);
            if (rnd.nextDouble() < 0.2) {
                d.number = InvoiceNumbers.rekey(o.number, rnd);
            }
            if (rnd.nextDouble() < 0.15) {
                d.invoiceDay = o.invoiceDay + (rnd.nextBoolean() ? 1 : -1) * (1 + rnd.nextInt(3));
            }
            d.account = o.account;
            d.noAccount = false;
            d.writeSeed = rnd.nextLong();
            setConfidence(d);
            to.invoices.add(d);
            all.add(d);
        }
        // BANK_SHARED is the twin's first invoice to each shared account in event time, whichever it is
        for (Vendor[] pair : twins) {
            Vendor b = pair[1];
            Map<Account, Inv> first = new java.util.HashMap<>();
            for (Inv inv : b.invoices) {
                if (!inv.noAccount) {
                    Inv f = first.get(inv.account);
                    if (f == null || inv.eventMillis < f.eventMillis) {
                        first.put(inv.account, inv);
                    }
                }
            }
            Set<Inv> firsts = new HashSet<>(first.values());
            for (Inv inv : b.invoices) {
                if (inv.kind == TruthKind.BANK_SHARED && !firsts.contains(inv)) {
                    inv.kind = b.type == HIGH_VOLUME ? TruthKind.HIGH_VOLUME : TruthKind.CLEAN;
                    inv.other = null;
                }
            }
            for (Inv f : firsts) {
                if (plain(f)) {
                    f.kind = TruthKind.BANK_SHARED;
                    f.other = pair[0];
                }
            }
        }
    }

    /** The second vendor-master record of {@code a}: another id, the same series and accounts. */
    private Vendor twinOf(Vendor a) {
        Vendor b = new Vendor();
        b.tenant = a.tenant;
        b.id = "V-" + a.tenant.nextVendor++;
        b.name = a.name;
        b.type = a.type;
        b.median = a.median;
        b.sigma = a.sigma;
        b.roundAmounts = a.roundAmounts;
        b.currency = a.currency;
        b.style = a.style;
        b.prefix = a.prefix;
        b.branch = a.branch;
        b.seqStart = a.seqStart;
        b.maxGap = a.maxGap;
        b.cnSeq = a.cnSeq + 500;
        b.accounts = a.accounts;
        b.category = a.category;
        b.product = a.product;
        b.poProb = a.poProb;
        b.poStyle = a.poStyle;
        b.dueTerms = a.dueTerms;
        b.dueProb = a.dueProb;
        b.source = a.source;
        b.bankCode = a.bankCode;
        b.seqPerMilli = a.seqPerMilli;
        b.numbers.addAll(a.numbers);
        return b;
    }

    /** A credit note for {@code o}: full amount or {@code share} of it, 1 to 20 days later. */
    private Inv creditNoteFor(Inv o, double share) {
        Vendor v = o.vendor;
        Inv cn = copyOf(o);
        cn.kind = TruthKind.CREDIT_NOTE;
        cn.original = o;
        cn.creditRef = o.number;
        cn.source = rnd.nextDouble() < 0.7 ? o.source : rnd.nextInt(SOURCES.length);
        receiveAround(cn, o.eventMillis + DAY + (long) (rnd.nextDouble() * 19 * DAY), o.eventMillis);
        int eventDay = (int) Math.floorDiv(cn.eventMillis + cn.offsetSeconds * 1000L, DAY);
        cn.invoiceDay = Math.max(o.invoiceDay + 1, eventDay - rnd.nextInt(3));
        cn.dueDay = Integer.MIN_VALUE;
        cn.number = rnd.nextBoolean() ? "CN-" + (v.cnSeq++) : freshNumber(v, o.seq, cn.invoiceDay);
        v.numbers.add(cn.number);
        cn.cents = share >= 1 ? -o.cents : -Math.max(1, Math.round(o.cents * share));
        cn.account = accountAt(v, cn.eventMillis, o.account);
        cn.noAccount = rnd.nextDouble() < 0.4;
        cn.descSeed = rnd.nextLong();
        cn.writeSeed = rnd.nextLong();
        setConfidence(cn);
        v.invoices.add(cn);
        all.add(cn);
        return cn;
    }

    /** {@code o} entered again {@code delay} after {@code after}, as {@code kind}. */
    private Inv enteredAgain(Inv o, Inv after, long delay, TruthKind kind, Inv original) {
        Inv d = copyOf(o);
        d.kind = kind;
        d.original = original;
        d.source = rnd.nextBoolean() ? o.source : rnd.nextInt(SOURCES.length);
        receiveAround(d, after.eventMillis + delay, after.eventMillis);
        d.account = accountAt(o.vendor, d.eventMillis, o.account);
        d.noAccount = o.noAccount;
        d.descSeed = o.descSeed;
        d.writeSeed = rnd.nextLong();
        setConfidence(d);
        o.vendor.invoices.add(d);
        all.add(d);
        return d;
    }

    /**
     * Reversal and re-entry: an invoice reversed by a credit note of its full amount (the credit
     * note names it in its text, as the generator's credit notes do) and entered again half a day
     * to ten days later (REENTRY: mostly as it was, sometimes with the number, amount or date
     * corrected); some are then entered a third time (DUP_AFTER_REVERSAL, a duplicate of the
     * re-entry).
     */
    private void injectReversals() {
        int count = cfg.reversalRate() <= 0 ? 0 : perInvoice(cfg.reversalRate());
        int size = all.size();
        for (int i = 0; i < count; i++) {
            Inv o = pickOriginal(size);
            if (o == null) {
                break;
            }
            Inv cn = creditNoteFor(o, 1.0);
            Inv r = enteredAgain(o, cn, HOUR * 12 + (long) (rnd.nextDouble() * 9.5 * DAY), TruthKind.REENTRY, o);
            double u = rnd.nextDouble();
            if (u < 0.1) {
                r.number = InvoiceNumbers.rekey(o.number, rnd);
            } else if (u < 0.2) {
                r.cents = Math.max(1, Math.round(o.cents * (rnd.nextBoolean() ? 1.03 + rnd.nextDouble() * 0.12
                        : 0.85 + rnd.nextDouble() * 0.12)));
            } else if (u < 0.3) {
                r.invoiceDay = o.invoiceDay + 1 + rnd.nextInt(5);
            }
            if (rnd.nextDouble() < cfg.thirdEntryShare()) {
                Inv third = enteredAgain(r, r, HOUR + (long) (rnd.nextDouble() * 30 * DAY), TruthKind.DUP_AFTER_REVERSAL, r);
                third.number = r.number;
            }
        }
    }

    /** A partial credit note cancels nothing: the invoice entered again is a duplicate. */
    private void injectPartialCreditDuplicates() {
        int count = cfg.partialCreditDupRate() <= 0 ? 0 : perInvoice(cfg.partialCreditDupRate());
        int size = all.size();
        for (int i = 0; i < count; i++) {
            Inv o = pickOriginal(size);
            if (o == null) {
                break;
            }
            Inv cn = creditNoteFor(o, 0.05 + rnd.nextDouble() * 0.85);
            enteredAgain(o, cn, HOUR + (long) (rnd.nextDouble() * 30 * DAY), TruthKind.DUP_AFTER_PARTIAL_CREDIT, o);
        }
    }

    /** A credit note entered twice: same or re-keyed number, same amount and date. */
    private void injectCreditNoteDuplicates() {
        int count = cfg.dupCreditNoteRate() <= 0 ? 0 : perInvoice(cfg.dupCreditNoteRate());
        List<Inv> notes = new ArrayList<>();
        for (Inv inv : all) {
            if (inv.kind == TruthKind.CREDIT_NOTE) {
                notes.add(inv);
            }
        }
        Set<Inv> done = new HashSet<>();
        for (int i = 0; i < count && done.size() < notes.size(); i++) {
            Inv c = notes.get(rnd.nextInt(notes.size()));
            if (!done.add(c)) {
                i--;
                continue;
            }
            Inv d = enteredAgain(c, c, HOUR + (long) (rnd.nextDouble() * 20 * DAY), TruthKind.DUP_CREDIT_NOTE, c);
            d.creditRef = c.creditRef;
            d.descSeed = c.descSeed;
            if (rnd.nextDouble() < 0.25) {
                d.number = InvoiceNumbers.rekey(c.number, rnd);
            }
        }
    }

    // ---------------------------------------------------------------- delivery order

    private List<Line> planDelivery() {
        List<Line> lines = new ArrayList<>(all.size() + all.size() / 30 + 16);
        int order = 0;
        long jitter = cfg.outOfOrderSeconds() * 1000L;
        for (int i = 0; i < mainInvoices; i++) {
            lines.add(deliver(all.get(i), order++, jitter, rnd));
        }
        int replays = (int) Math.round(cfg.invoices() * cfg.replayRate());
        order = replay(lines, 0, mainInvoices, replays, order, rnd);
        int malformed = (int) Math.round(cfg.invoices() * cfg.malformedRate());
        for (int i = 0; i < malformed; i++) {
            Vendor v = vendors.get(rnd.nextInt(mainVendors));
            int day = startDay + rnd.nextInt(cfg.days());
            Inv inv = newInvoice(v, day, v.seqStart + 5_000 + rnd.nextInt(50_000));
            inv.kind = TruthKind.MALFORMED;
            inv.key = inv.eventMillis + (long) (rnd.nextDouble() * Math.max(1, jitter));
            lines.add(new Line(inv, inv.key, order++, false, rnd.nextInt(MALFORMATIONS)));
        }
        // the AP-ledger shapes' invoices: same delivery rules, their own random stream
        for (int i = mainInvoices; i < all.size(); i++) {
            lines.add(deliver(all.get(i), order++, jitter, shapes));
        }
        order = replay(lines, mainInvoices, all.size(),
                (int) Math.round((all.size() - mainInvoices) * cfg.replayRate()), order, shapes);
        lines.sort((a, b) -> a.key != b.key ? Long.compare(a.key, b.key) : Integer.compare(a.order, b.order));
        // Ids are assigned at ingestion, i.e. in delivery order, per tenant.
        for (Line l : lines) {
            if (!l.replay) {
                Tenant t = l.inv.vendor.tenant;
                StringBuilder sb = new StringBuilder(t.id.length() + 8).append(t.id).append('-');
                InvoiceNumbers.pad(sb, t.nextId++, 6);
                l.inv.id = sb.toString();
            }
        }
        return lines;
    }

    private Line deliver(Inv inv, int order, long jitter, SplittableRandom r) {
        if (r.nextDouble() < cfg.lateRate()) {
            inv.late = true;
            inv.key = inv.eventMillis + HOUR + (long) (r.nextDouble() * 9 * HOUR);
        } else {
            inv.key = inv.eventMillis + (jitter == 0 ? 0 : (long) (r.nextDouble() * jitter));
        }
        return new Line(inv, inv.key, order, false, -1);
    }

    /** Re-delivers {@code count} distinct invoices of {@code all[from, to)}. */
    private int replay(List<Line> lines, int from, int to, int count, int order, SplittableRandom r) {
        Set<Inv> replayed = new HashSet<>();
        for (int i = 0; i < count && replayed.size() < to - from; i++) {
            Inv inv = all.get(from + r.nextInt(to - from));
            if (!replayed.add(inv)) {
                i--;
                continue;
            }
            // Re-delivered a minute to two days later: at-least-once producers, retried batches.
            long key = inv.key + 60_000L + (long) (r.nextDouble() * 2 * DAY);
            lines.add(new Line(inv, key, order++, true, -1));
        }
        return order;
    }

    // ---------------------------------------------------------------- writing

    private Stats write(List<Line> lines, Path jsonl, Path truth) throws IOException {
        if (jsonl.toAbsolutePath().getParent() != null) {
            Files.createDirectories(jsonl.toAbsolutePath().getParent());
        }
        if (truth.toAbsolutePath().getParent() != null) {
            Files.createDirectories(truth.toAbsolutePath().getParent());
        }
        JsonFactory factory = JsonFactory.builder().build();
        Map<TruthKind, Long> kinds = new EnumMap<>(TruthKind.class);
        for (TruthKind k : TruthKind.values()) {
            kinds.put(k, 0L);
        }
        long replays = 0;
        long late = 0;
        long low = 0;
        long malformed = 0;
        long lineNo = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(jsonl), 1 << 16);
             JsonGenerator gen = factory.createGenerator(out, JsonEncoding.UTF8);
             Writer tw = Files.newBufferedWriter(truth, StandardCharsets.UTF_8)) {
            gen.setRootValueSeparator(null);
            tw.write(TRUTH_HEADER);
            tw.write('\n');
            StringBuilder row = new StringBuilder(160);
            for (Line l : lines) {
                lineNo++;
                Inv inv = l.inv;
                row.setLength(0);
                row.append(lineNo).append(',');
                if (l.malformation >= 0) {
                    gen.writeRaw(malformedText(factory, inv, l.malformation));
                    gen.writeRaw('\n');
                    row.append(",,,").append(TruthKind.MALFORMED.name()).append(",,,,,");
                    malformed++;
                    kinds.merge(TruthKind.MALFORMED, 1L, Long::sum);
                } else {
                    writeInvoice(gen, inv, -1, -1);
                    gen.writeRaw('\n');
                    Vendor v = inv.vendor;
                    row.append(inv.id).append(',').append(v.tenant.id).append(',').append(v.id).append(',')
                            .append(inv.kind.name()).append(',');
                    if (inv.original != null) {
                        row.append(inv.original.id);
                    }
                    row.append(',');
                    if (inv.other != null) {
                        row.append(inv.other.id);
                    }
                    row.append(',').append(inv.lowConfidence).append(',').append(inv.late && !l.replay)
                            .append(',').append(l.replay);
                    if (l.replay) {
                        replays++;
                    } else {
                        kinds.merge(inv.kind, 1L, Long::sum);
                        if (inv.late) {
                            late++;
                        }
                        if (inv.lowConfidence) {
                            low++;
                        }
                    }
                }
                row.append('\n');
                tw.append(row);
            }
        }
        return new Stats(lineNo, lineNo - malformed - replays, malformed, replays, late, low, kinds);
    }

    private String date(int epochDay) {
        int i = epochDay - dateCacheStart;
        if (i >= 0 && i < dateCache.length) {
            String s = dateCache[i];
            if (s == null) {
                s = LocalDate.ofEpochDay(epochDay).toString();
                dateCache[i] = s;
            }
            return s;
        }
        return LocalDate.ofEpochDay(epochDay).toString();
    }

    /** RFC 3339: Z or the tenant's offset at that instant; milliseconds only when there are some. */
    private String eventTime(Inv inv, boolean zulu, boolean withOffset) {
        int offset = zulu ? 0 : inv.offsetSeconds;
        long local = inv.eventMillis + offset * 1000L;
        int day = (int) Math.floorDiv(local, DAY);
        int msOfDay = (int) Math.floorMod(local, DAY);
        StringBuilder sb = new StringBuilder(29);
        sb.append(date(day)).append('T');
        two(sb, msOfDay / 3_600_000);
        sb.append(':');
        two(sb, msOfDay / 60_000 % 60);
        sb.append(':');
        two(sb, msOfDay / 1000 % 60);
        int ms = msOfDay % 1000;
        if (ms != 0) {
            sb.append('.');
            InvoiceNumbers.pad(sb, ms, 3);
        }
        if (!withOffset) {
            return sb.toString();
        }
        if (zulu) {
            sb.append('Z');
        } else {
            int abs = Math.abs(offset);
            sb.append(offset < 0 ? '-' : '+');
            two(sb, abs / 3600);
            sb.append(':');
            two(sb, abs / 60 % 60);
        }
        return sb.toString();
    }

    private static void two(StringBuilder sb, int v) {
        if (v < 10) {
            sb.append('0');
        }
        sb.append(v);
    }

    static String amountText(long cents) {
        StringBuilder sb = new StringBuilder(16);
        if (cents < 0) {
            sb.append('-');
        }
        long abs = Math.abs(cents);
        sb.append(abs / 100).append('.');
        two(sb, (int) (abs % 100));
        return sb.toString();
    }

    /** Amount as a JSON number: sometimes with two decimals, sometimes trimmed ("1250.5", "1250"). */
    private static String amountNumber(long cents, boolean trim) {
        String s = amountText(cents);
        if (!trim) {
            return s;
        }
        if (s.endsWith(".00")) {
            return s.substring(0, s.length() - 3);
        }
        if (s.endsWith("0")) {
            return s.substring(0, s.length() - 1);
        }
        return s;
    }

    /**
     * Writes one invoice object. {@code malformation} / {@code badField} corrupt it for malformed lines
     * (-1 for a valid line). All choices come from the invoice's own write seed, so a replay writes the
     * very same bytes.
     */
    private void writeInvoice(JsonGenerator g, Inv inv, int malformation, int badField) throws IOException {
        SplittableRandom r = new SplittableRandom(inv.writeSeed);
        Vendor v = inv.vendor;
        boolean zulu = r.nextDouble() < 0.65;
        boolean amountAsNumber = r.nextDouble() < cfg.amountAsNumberRate();
        boolean trim = r.nextDouble() < 0.4;
        boolean explicitNulls = inv.source == EDI || (inv.source == 2 && r.nextBoolean());
        boolean bankCode = v.bankCode && r.nextDouble() < 0.97;
        boolean sourceAbsent = r.nextDouble() < 0.02;
        int extraAt = r.nextDouble() < cfg.extraFieldRate() ? r.nextInt(16) : -1;
        int extraKind = r.nextInt(7);
        int[] order = inv.source == EDI ? ORDER_EDI : ORDER_STANDARD;

        g.writeStartObject();
        for (int i = 0; i <= order.length; i++) {
            if (i == extraAt) {
                writeExtra(g, inv, extraKind, r);
            }
            if (i == order.length) {
                break;
            }
            int f = order[i];
            if (malformation == M_MISSING && f == badField) {
                continue;
            }
            if (malformation == M_NULL && f == badField) {
                g.writeNullField(REQUIRED[f]);
                continue;
            }
            switch (f) {
                case F_TENANT -> g.writeStringField("tenant_id", v.tenant.id);
                case F_ID -> g.writeStringField("invoice_id", malformation == M_EMPTY_ID ? "" : inv.id);
                case F_VENDOR -> g.writeStringField("vendor_id", v.id);
                case F_NUMBER -> g.writeStringField("invoice_number", inv.number);
                case F_DATE -> g.writeStringField("invoice_date",
                        malformation == M_BAD_DATE ? badDate(inv, r) : date(inv.invoiceDay));
                case F_EVENT -> g.writeStringField("event_time",
                        malformation == M_NO_OFFSET ? eventTime(inv, zulu, false)
                                : malformation == M_BAD_EVENT_TIME ? badEventTime(inv, r)
                                : eventTime(inv, zulu, true));
                case F_AMOUNT -> {
                    g.writeFieldName("amount");
                    if (malformation == M_BAD_AMOUNT) {
                        writeBadAmount(g, inv, r);
                    } else if (amountAsNumber) {
                        g.writeNumber(amountNumber(inv.cents, trim));
                    } else {
                        g.writeString(amountText(inv.cents));
                    }
                }
                case F_CURRENCY -> g.writeStringField("currency",
                        malformation == M_BAD_CURRENCY ? badCurrency(inv.currency, r) : inv.currency);
                case F_ACCOUNT -> {
                    if (!inv.noAccount) {
                        g.writeStringField("remit_account", inv.account.number());
                    } else if (explicitNulls) {
                        g.writeNullField("remit_account");
                    }
                }
                case F_BANK -> {
                    if (!inv.noAccount && bankCode) {
                        g.writeStringField("remit_bank_code", inv.account.bankCode());
                    } else if (explicitNulls) {
                        g.writeNullField("remit_bank_code");
                    }
                }
                case F_PO -> optionalString(g, "po_number", inv.po, explicitNulls);
                case F_DUE -> optionalString(g, "due_date",
                        inv.dueDay == Integer.MIN_VALUE ? null : date(inv.dueDay), explicitNulls);
                case F_DESC -> optionalString(g, "description", description(inv), explicitNulls);
                case F_SOURCE -> {
                    if (!sourceAbsent) {
                        g.writeStringField("source", SOURCES[inv.source]);
                    }
                }
                default -> {
                    if (!Double.isNaN(inv.confidence)) {
                        g.writeNumberField("extraction_confidence", inv.confidence);
                    } else if (explicitNulls && inv.source == EDI) {
                        g.writeNullField("extraction_confidence");
                    }
                }
            }
        }
        g.writeEndObject();
    }

    private static void optionalString(JsonGenerator g, String name, String value, boolean explicitNulls)
            throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        } else if (explicitNulls) {
            g.writeNullField(name);
        }
    }

    private String description(Inv inv) {
        SplittableRandom r = new SplittableRandom(inv.descSeed);
        if (inv.creditRef != null) {
            return switch (r.nextInt(4)) {
                case 0 -> "Credit memo re " + inv.creditRef;
                case 1 -> "Credit note for " + inv.creditRef + ", returned goods";
                default -> "Credit note for " + inv.creditRef;
            };
        }
        if (r.nextDouble() < 0.04) {
            return null;
        }
        LocalDate d = LocalDate.ofEpochDay(inv.invoiceDay);
        return Descriptions.describe(inv.vendor.category, inv.vendor.product, d.getYear(), d.getMonthValue(), r);
    }

    /** Fields consumers must ignore: producers add metadata the contract does not know. */
    private void writeExtra(JsonGenerator g, Inv inv, int kind, SplittableRandom r) throws IOException {
        switch (kind) {
            case 0 -> g.writeStringField("vendor_name", inv.vendor.name);
            case 1 -> g.writeNumberField("ocr_pages", 1 + r.nextInt(4));
            case 2 -> {
                g.writeObjectFieldStart("ingest");
                g.writeStringField("batch", "B-" + (100_000 + r.nextInt(900_000)));
                g.writeStringField("worker", "ing-" + r.nextInt(8));
                g.writeEndObject();
            }
            case 3 -> {
                g.writeArrayFieldStart("tags");
                g.writeString(r.nextBoolean() ? "priority" : "q" + (1 + r.nextInt(4)));
                g.writeString("auto-import");
                g.writeEndArray();
            }
            case 4 -> g.writeStringField("tax_amount", amountText(Math.round(inv.cents * 0.19)));
            case 5 -> g.writeStringField("x_original_filename", "scan_" + (1000 + r.nextInt(9000)) + ".pdf");
            default -> g.writeStringField("payment_terms", "NET" + inv.vendor.dueTerms);
        }
    }

    private String badDate(Inv inv, SplittableRandom r) {
        LocalDate d = LocalDate.ofEpochDay(inv.invoiceDay);
        return switch (r.nextInt(5)) {
            case 0 -> d.getYear() + "-13-" + (10 + r.nextInt(20));
            case 1 -> String.format("%02d/%02d/%d", d.getDayOfMonth(), d.getMonthValue(), d.getYear());
            case 2 -> d.getYear() + "-02-30";
            case 3 -> d.toString().replace("-", "");
            default -> "";
        };
    }

    private String badEventTime(Inv inv, SplittableRandom r) {
        String ok = eventTime(inv, true, true);
        return switch (r.nextInt(3)) {
            case 0 -> ok.replace('T', ' ').replace("Z", "");
            case 1 -> ok.substring(0, 11) + "25:61:00Z";
            default -> "yesterday";
        };
    }

    private static void writeBadAmount(JsonGenerator g, Inv inv, SplittableRandom r) throws IOException {
        switch (r.nextInt(7)) {
            case 0 -> g.writeString("12,50.x");
            case 1 -> g.writeString("EUR " + amountText(inv.cents).replace('.', ','));
            case 2 -> g.writeString("");
            case 3 -> g.writeString("abc");
            case 4 -> g.writeString("1.2.3");
            case 5 -> g.writeBoolean(true);
            default -> g.writeString("--" + amountText(inv.cents));
        }
    }

    private static String badCurrency(String currency, SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> currency.toLowerCase(java.util.Locale.ROOT);
            case 1 -> currency.equals("EUR") ? "EURO" : currency + "D";
            case 2 -> currency.equals("GBP") ? "£" : currency.equals("USD") ? "$" : "€";
            case 3 -> currency.substring(0, 2);
            default -> "";
        };
    }

    private String malformedText(JsonFactory factory, Inv inv, int malformation) throws IOException {
        SplittableRandom r = new SplittableRandom(inv.writeSeed ^ 0x5DEECE66DL);
        if (malformation == M_NOT_JSON) {
            return switch (r.nextInt(4)) {
                case 0 -> "<html><body>502 Bad Gateway</body></html>";
                case 1 -> "tenant_id=" + inv.vendor.tenant.id + ";vendor_id=" + inv.vendor.id + ";amount="
                        + amountText(inv.cents);
                case 2 -> "%PDF-1.4 %âãÏÓ 1 0 obj << /Type /Catalog >>";
                default -> inv.vendor.tenant.id + " " + inv.number + " " + amountText(inv.cents);
            };
        }
        StringWriter sw = new StringWriter(512);
        try (JsonGenerator g = factory.createGenerator(sw)) {
            if (malformation == M_ARRAY) {
                g.writeStartArray();
            }
            writeInvoice(g, inv, malformation, r.nextInt(REQUIRED.length));
            if (malformation == M_ARRAY) {
                g.writeEndArray();
            }
        }
        String s = sw.toString();
        if (malformation == M_TRUNCATED) {
            s = s.substring(0, 1 + r.nextInt(s.length() - 2));
        }
        return s;
    }
}

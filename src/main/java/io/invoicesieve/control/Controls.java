package io.invoicesieve.control;

import io.invoicesieve.config.Thresholds;
import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.detect.bank.Accounts;
import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.detect.duplicates.MatchKind;
import io.invoicesieve.learn.PairFeatures;
import io.invoicesieve.learn.PairModel;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.SeenInvoice;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The analysts' controls as the operators consult them: heap maps derived from the broadcast state
 * {@code analyst-controls} ({@link ControlState}), updated in place by each control change. The
 * vendor-keyed scorer asks {@link #duplicates} (suppressed pairs, the pair model),
 * {@link #afterDetectors} (verified accounts) and {@link #modelVersion}; the decision stage asks
 * {@link #beforeDecide} (reason switches, same-supplier pairs, vendor risk) and {@link #thresholds}.
 * Empty controls change nothing: rules only, configured thresholds. Not thread-safe: one per subtask.
 */
public final class Controls {

    /** The model_version of decisions scored without a model. */
    public static final String RULES_ONLY = "rules-only";

    private final Map<String, double[]> tenantThresholds = new HashMap<>();
    private final Set<String> disabledReasons = new HashSet<>();
    private final Set<String> verifiedAccounts = new HashSet<>();
    /** (tenant, vendor) with at least one verified account: skips the hash for every other vendor. */
    private final Map<String, Integer> verifiedVendors = new HashMap<>();
    private final Set<String> sameSupplier = new HashSet<>();
    private final Set<String> differentSuppliers = new HashSet<>();
    private final Set<String> notDuplicatePairs = new HashSet<>();
    /** (tenant, vendor) with at least one adjudicated pair. */
    private final Map<String, Integer> pairVendors = new HashMap<>();
    private final Map<String, ControlUpdate> vendorRisk = new HashMap<>();
    private final Map<String, PairModel> models = new HashMap<>();
    private final Map<String, String> modelErrors = new HashMap<>();
    private String activeVersion;
    private PairModel active;

    private Thresholds cachedBase;
    private Thresholds cachedThresholds;

    // metrics (the operator replaces these with registered ones)
    public Counter applied = new SimpleCounter();
    public Counter rejectedModels = new SimpleCounter();
    public Counter pairsSuppressed = new SimpleCounter();
    public Counter bankChangesSuppressed = new SimpleCounter();
    public Counter bankSharedSuppressed = new SimpleCounter();
    public Counter reasonsSwitchedOff = new SimpleCounter();
    public Counter pairsScored = new SimpleCounter();
    public Counter vendorRiskReasons = new SimpleCounter();

    public Controls() {}

    // ------------------------------------------------------------------ applying changes

    /** Rebuilds from the broadcast state's entries (after a restore). */
    public void rebuild(Iterable<Map.Entry<String, ControlUpdate>> entries) {
        clear();
        ControlUpdate activate = null;
        for (Map.Entry<String, ControlUpdate> e : entries) {
            if (e.getValue().type == ControlType.MODEL_ACTIVATE) {
                activate = e.getValue();
            } else {
                set(e.getValue());
            }
        }
        if (activate != null) {
            set(activate);
        }
    }

    /** Applies one change (already stored in, or removed from, the broadcast state). */
    public void apply(ControlUpdate u) {
        if (u.stateKey() == null) {
            return;
        }
        if (u.revoke) {
            unset(u);
        } else {
            set(u);
        }
        applied.inc();
    }

    private void clear() {
        tenantThresholds.clear();
        disabledReasons.clear();
        verifiedAccounts.clear();
        verifiedVendors.clear();
        sameSupplier.clear();
        differentSuppliers.clear();
        notDuplicatePairs.clear();
        pairVendors.clear();
        vendorRisk.clear();
        models.clear();
        modelErrors.clear();
        activeVersion = null;
        active = null;
        cachedBase = null;
    }

    private void set(ControlUpdate u) {
        switch (u.type) {
            case TENANT_THRESHOLDS:
                tenantThresholds.put(u.tenantId, new double[] {u.reviewThreshold, u.holdThreshold});
                cachedBase = null;
                break;
            case REASON_SWITCH:
                if (Boolean.FALSE.equals(u.enabled)) {
                    disabledReasons.add(u.tenantId + '\u001f' + u.reasonCode);
                } else {
                    disabledReasons.remove(u.tenantId + '\u001f' + u.reasonCode);
                }
                break;
            case VERIFIED_ACCOUNT:
                if (verifiedAccounts.add(accountKey(u.tenantId, u.vendorId, u.accountSha256))) {
                    verifiedVendors.merge(u.tenantId + '\u001f' + u.vendorId, 1, Integer::sum);
                }
                break;
            case SAME_SUPPLIER:
                sameSupplier.add(PairKeys.vendorPair(u.tenantId, u.vendorId, u.otherVendorId));
                break;
            case DIFFERENT_SUPPLIERS:
                differentSuppliers.add(PairKeys.vendorPair(u.tenantId, u.vendorId, u.otherVendorId));
                break;
            case NOT_DUPLICATE_PAIR:
                if (notDuplicatePairs.add(PairKeys.invoicePair(u.tenantId, u.vendorId, u.fingerprint, u.matchedFingerprint))) {
                    pairVendors.merge(u.tenantId + '\u001f' + u.vendorId, 1, Integer::sum);
                }
                break;
            case VENDOR_RISK:
                vendorRisk.put(u.tenantId + '\u001f' + u.vendorId, u);
                break;
            case MODEL_PUBLISH:
                try {
                    PairModel model = PairModel.parse(u.model);
                    if (!model.version.equals(u.modelVersion)) {
                        throw new IllegalArgumentException("artifact version " + model.version
                                + " published as " + u.modelVersion);
                    }
                    models.put(u.modelVersion, model);
                    modelErrors.remove(u.modelVersion);
                } catch (IllegalArgumentException e) {
                    models.remove(u.modelVersion);
                    modelErrors.put(u.modelVersion, e.getMessage());
                    rejectedModels.inc();
                }
                resolveActive();
                break;
            case MODEL_ACTIVATE:
                activeVersion = RULES_ONLY.equals(u.modelVersion) ? null : u.modelVersion;
                resolveActive();
                break;
            default:
                break;
        }
    }

    private void unset(ControlUpdate u) {
        switch (u.type) {
            case TENANT_THRESHOLDS:
                tenantThresholds.remove(u.tenantId);
                cachedBase = null;
                break;
            case REASON_SWITCH:
                disabledReasons.remove(u.tenantId + '\u001f' + u.reasonCode);
                break;
            case VERIFIED_ACCOUNT:
                if (verifiedAccounts.remove(accountKey(u.tenantId, u.vendorId, u.accountSha256))) {
                    verifiedVendors.computeIfPresent(u.tenantId + '\u001f' + u.vendorId, (k, n) -> n == 1 ? null : n - 1);
                }
                break;
            case SAME_SUPPLIER:
                sameSupplier.remove(PairKeys.vendorPair(u.tenantId, u.vendorId, u.otherVendorId));
                break;
            case DIFFERENT_SUPPLIERS:
                differentSuppliers.remove(PairKeys.vendorPair(u.tenantId, u.vendorId, u.otherVendorId));
                break;
            case NOT_DUPLICATE_PAIR:
                if (notDuplicatePairs.remove(PairKeys.invoicePair(u.tenantId, u.vendorId, u.fingerprint, u.matchedFingerprint))) {
                    pairVendors.computeIfPresent(u.tenantId + '\u001f' + u.vendorId, (k, n) -> n == 1 ? null : n - 1);
                }
                break;
            case VENDOR_RISK:
                vendorRisk.remove(u.tenantId + '\u001f' + u.vendorId);
                break;
            case MODEL_PUBLISH:
                models.remove(u.modelVersion);
                modelErrors.remove(u.modelVersion);
                resolveActive();
                break;
            case MODEL_ACTIVATE:
                activeVersion = null;
                resolveActive();
                break;
            default:
                break;
        }
    }

    private void resolveActive() {
        active = activeVersion == null ? null : models.get(activeVersion);
    }

    private static String accountKey(String tenant, String vendor, String sha) {
        return tenant + '\u001f' + vendor + '\u001f' + sha;
    }

    // ------------------------------------------------------------------ what the operators ask

    /** The model_version of a decision: the active model's, or the configured one in rules-only mode. */
    public String modelVersion(String configured) {
        return active == null ? configured : active.version;
    }

    /** 1 when a valid model is active, 0 in rules-only mode (no model, a missing or a rejected one). */
    public int modelActive() {
        return active == null ? 0 : 1;
    }

    /** The version asked for whose artifact is missing or was rejected, or null. */
    public String modelProblem() {
        if (activeVersion == null || active != null) {
            return null;
        }
        String error = modelErrors.get(activeVersion);
        return activeVersion + ": " + (error == null ? "no artifact published" : error);
    }

    public int entries() {
        return tenantThresholds.size() + disabledReasons.size() + verifiedAccounts.size() + sameSupplier.size()
                + differentSuppliers.size() + notDuplicatePairs.size() + vendorRisk.size() + models.size();
    }

    public boolean sameSupplier(String tenantId, String a, String b) {
        return !sameSupplier.isEmpty() && sameSupplier.contains(PairKeys.vendorPair(tenantId, a, b));
    }

    /** For cross-vendor detectors: two vendor ids an analyst said are different suppliers. */
    public boolean differentSuppliers(String tenantId, String a, String b) {
        return !differentSuppliers.isEmpty() && differentSuppliers.contains(PairKeys.vendorPair(tenantId, a, b));
    }

    public boolean notDuplicate(String tenantId, String vendorId, SeenInvoice a, SeenInvoice b) {
        return notDuplicatePairs.contains(
                PairKeys.invoicePair(tenantId, vendorId, PairKeys.fingerprint(a), PairKeys.fingerprint(b)));
    }

    /**
     * The duplicate reason of {@code probe}, given the rules' {@code result} over {@code buckets}:
     * without a model, the rules' matches minus the pairs adjudicated "not a duplicate" (the match
     * kind recomputed over what is left); with a model, every candidate pair scored and those at or
     * above its threshold matched, the reason's score the best pair's probability. Null: no duplicate.
     */
    public Reason duplicates(String tenantId, String vendorId, SeenInvoice probe, SeenInvoice[][] buckets,
            DuplicateDetector.Result result, DetectorSettings settings) {
        boolean pairs = !pairVendors.isEmpty() && pairVendors.containsKey(tenantId + '\u001f' + vendorId);
        if (active != null && probe.amountMilli > 0) {
            return modelReason(tenantId, vendorId, probe, buckets, settings, pairs);
        }
        if (result.kind == null) {
            return null;
        }
        if (pairs) {
            boolean removed = false;
            for (Iterator<SeenInvoice> it = result.matches.iterator(); it.hasNext(); ) {
                if (notDuplicate(tenantId, vendorId, probe, it.next())) {
                    it.remove();
                    removed = true;
                }
            }
            if (removed) {
                pairsSuppressed.inc();
                if (result.matches.isEmpty()) {
                    return null;
                }
                MatchKind best = null;
                int at = 0;
                for (int i = 0; i < result.matches.size(); i++) {
                    MatchKind k = DuplicateDetector.match(probe, result.matches.get(i), settings.dateToleranceDays);
                    if (k != null && (best == null || k.ordinal() < best.ordinal())) {
                        best = k;
                        at = i;
                    }
                }
                if (best == null) {
                    return null;
                }
                result.kind = best;
                result.matches.add(0, result.matches.remove(at));
            }
        }
        Reason reason = DuplicateDetector.reason(probe, result);
        reason.evidence.matchedInvoiceDates = dates(result.matches);
        return reason;
    }

    private Reason modelReason(String tenantId, String vendorId, SeenInvoice probe, SeenInvoice[][] buckets,
            DetectorSettings settings, boolean pairs) {
        PairModel model = active;
        int numberBucket = buckets[0] == null ? 0 : buckets[0].length;
        int amountBucket = buckets.length < 2 || buckets[1] == null ? 0 : buckets[1].length;
        double[] x = new double[PairFeatures.SIZE];
        List<SeenInvoice> matched = new ArrayList<>(2);
        List<double[]> scores = new ArrayList<>(2); // {p, kind ordinal or -1}
        int compared = 0;
        boolean suppressed = false;
        outer:
        for (SeenInvoice[] bucket : buckets) {
            if (bucket == null) {
                continue;
            }
            for (SeenInvoice c : bucket) {
                if (c.invoiceId.equals(probe.invoiceId)
                        || Math.abs(c.eventTime - probe.eventTime) > settings.lookbackMillis
                        || contains(matched, c.invoiceId)) {
                    continue;
                }
                if (compared >= settings.maxComparisons) {
                    break outer;
                }
                compared++;
                if (pairs && notDuplicate(tenantId, vendorId, probe, c)) {
                    suppressed = true;
                    continue;
                }
                MatchKind kind = PairFeatures.compute(probe, c, numberBucket, amountBucket, settings.dateToleranceDays, x);
                double p = model.score(x);
                pairsScored.inc();
                if (p >= model.threshold) {
                    int at = 0;
                    while (at < scores.size() && scores.get(at)[0] >= p) {
                        at++;
                    }
                    matched.add(at, c);
                    scores.add(at, new double[] {p, kind == null ? -1 : kind.ordinal()});
                }
            }
        }
        if (suppressed) {
            pairsSuppressed.inc();
        }
        if (matched.isEmpty()) {
            return null;
        }
        double p = scores.get(0)[0];
        int kindOrdinal = (int) scores.get(0)[1];
        MatchKind kind = kindOrdinal < 0 ? null : MatchKind.values()[kindOrdinal];
        Reason reason;
        if (kind != null) {
            DuplicateDetector.Result r = new DuplicateDetector.Result();
            r.kind = kind;
            r.matches.addAll(matched);
            r.compared = compared;
            reason = DuplicateDetector.reason(probe, r);
            reason.score = Reasons.round(Math.min(0.99, p), 3);
            reason.detail += String.format(Locale.ROOT, "; pair model %s: p=%.2f", model.version, p);
        } else {
            SeenInvoice original = matched.get(0);
            Evidence e = new Evidence();
            e.matchedInvoiceIds = new String[matched.size()];
            e.matchedInvoiceNumbers = new String[matched.size()];
            for (int i = 0; i < matched.size(); i++) {
                e.matchedInvoiceIds[i] = matched.get(i).invoiceId;
                e.matchedInvoiceNumbers[i] = matched.get(i).invoiceNumber;
            }
            e.matchedEventTime = Instant.ofEpochMilli(original.eventTime).toString();
            e.matchedInvoiceDate = LocalDate.ofEpochDay(original.invoiceDay).toString();
            e.matchedAmount = Money.fromMilli(original.amountMilli).toPlainString();
            e.candidatesCompared = compared;
            String detail = String.format(Locale.ROOT,
                    "Pair model %s rates this a resubmission of invoice %s (number %s, dated %s, amount %s): p=%.2f;"
                            + " no rule matched",
                    model.version, original.invoiceId, original.invoiceNumber, e.matchedInvoiceDate,
                    Money.display(original.amountMilli, original.currency), p);
            reason = new Reason(ReasonCode.DUPLICATE_SUSPECT, Reasons.round(Math.min(0.99, p), 3), detail, e);
        }
        reason.evidence.matchedInvoiceDates = dates(matched);
        return reason;
    }

    private static boolean contains(List<SeenInvoice> list, String id) {
        for (SeenInvoice s : list) {
            if (s.invoiceId.equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static String[] dates(List<SeenInvoice> matches) {
        String[] dates = new String[matches.size()];
        for (int i = 0; i < dates.length; i++) {
            dates[i] = LocalDate.ofEpochDay(matches.get(i).invoiceDay).toString();
        }
        return dates;
    }

    /** After the vendor's detectors: drops BANK_CHANGE when the account is verified for the vendor. */
    public void afterDetectors(Invoice invoice, List<Reason> found) {
        if (verifiedVendors.isEmpty() || found.isEmpty()
                || !verifiedVendors.containsKey(invoice.tenantId + '\u001f' + invoice.vendorId)) {
            return;
        }
        for (Iterator<Reason> it = found.iterator(); it.hasNext(); ) {
            if (it.next().code == ReasonCode.BANK_CHANGE
                    && verifiedAccounts.contains(accountKey(invoice.tenantId, invoice.vendorId,
                            PairKeys.accountSha256(invoice.remitAccount)))) {
                it.remove();
                bankChangesSuppressed.inc();
            }
        }
    }

    /**
     * Before the decision: reasons switched off for the tenant (or '*') are dropped, BANK_SHARED with
     * vendors of the same supplier only is dropped, and a vendor with confirmed fraud gets VENDOR_RISK.
     */
    public void beforeDecide(Decision d) {
        if (!sameSupplier.isEmpty()) {
            for (Reason r : d.reasons) {
                // only when the reason lists every other vendor (other_vendor_count: the list is bounded)
                if (r.code == ReasonCode.BANK_SHARED && r.evidence != null && r.evidence.otherVendorIds != null
                        && (r.evidence.otherVendorCount == null
                                || r.evidence.otherVendorCount <= r.evidence.otherVendorIds.length)
                        && allSameSupplier(d.tenantId, d.vendorId, r.evidence.otherVendorIds)) {
                    d.reasons = without(d.reasons, r);
                    bankSharedSuppressed.inc();
                    break;
                }
            }
        }
        if (!vendorRisk.isEmpty()) {
            ControlUpdate risk = vendorRisk.get(d.tenantId + '\u001f' + d.vendorId);
            if (risk != null && risk.risk != null && risk.risk > 0) {
                Evidence e = new Evidence();
                e.vendorRisk = risk.risk;
                Decider.addReason(d, new Reason(ReasonCode.VENDOR_RISK, risk.risk, String.format(Locale.ROOT,
                        "Vendor %s has confirmed fraud (%s by %s on %s)%s", d.vendorId,
                        risk.verdict == null ? "risk set" : "disposition " + risk.verdict, risk.actor,
                        Instant.ofEpochMilli(risk.at).toString().substring(0, 10),
                        risk.note == null ? "" : ": " + risk.note), e));
                vendorRiskReasons.inc();
            }
        }
        if (!disabledReasons.isEmpty()) {
            Reason[] kept = new Reason[d.reasons.length];
            int n = 0;
            for (Reason r : d.reasons) {
                if (disabledReasons.contains(d.tenantId + '\u001f' + r.code.name())
                        || disabledReasons.contains("*\u001f" + r.code.name())) {
                    reasonsSwitchedOff.inc();
                } else {
                    kept[n++] = r;
                }
            }
            if (n != kept.length) {
                d.reasons = java.util.Arrays.copyOf(kept, n);
            }
        }
    }

    private boolean allSameSupplier(String tenantId, String vendorId, String[] others) {
        for (String o : others) {
            if (!sameSupplier(tenantId, vendorId, o)) {
                return false;
            }
        }
        return others.length > 0;
    }

    private static Reason[] without(Reason[] reasons, Reason drop) {
        Reason[] out = new Reason[reasons.length - 1];
        int i = 0;
        for (Reason r : reasons) {
            if (r != drop) {
                out[i++] = r;
            }
        }
        return out;
    }

    /** The configured thresholds with the runtime per-tenant ones over them (cached until they change). */
    public Thresholds thresholds(Thresholds configured) {
        if (tenantThresholds.isEmpty()) {
            return configured;
        }
        if (cachedBase != configured) {
            cachedThresholds = configured.withTenants(tenantThresholds);
            cachedBase = configured;
        }
        return cachedThresholds;
    }
}

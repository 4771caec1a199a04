package io.invoicesieve.decide;

import io.invoicesieve.config.Thresholds;
import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.bank.Accounts;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The one place that turns reasons into a decision. The vendor-keyed scorer drafts the decision
 * of an invoice ({@link #draft}: its fields and the reasons found so far, not decided yet); the
 * last keyed stage adds what it finds ({@link #addReason}) and decides once ({@link #decide}): the
 * risk score is the noisy-OR of the reasons ({@link RiskScorer}), the decision the tenant's
 * REVIEW/HOLD thresholds applied to it.
 */
public final class Decider {

    private Decider() {}

    /** The undecided decision of an invoice: its fields, the reasons, and where they matched. */
    public static Decision draft(Invoice invoice, List<Reason> found, boolean late, long decidedAtMillis,
            String modelVersion, String jobVersion) {
        Decision d = new Decision();
        d.tenantId = invoice.tenantId;
        d.invoiceId = invoice.invoiceId;
        d.vendorId = invoice.vendorId;
        d.invoiceNumber = invoice.invoiceNumber;
        d.invoiceDate = invoice.invoiceDate;
        d.amount = Money.plain(invoice.amount);
        d.currency = invoice.currency;
        d.eventTime = invoice.eventTime;
        d.reasons = found.toArray(new Reason[0]);
        d.traceId = invoice.traceId;
        d.decidedAt = Instant.ofEpochMilli(decidedAtMillis);
        d.modelVersion = modelVersion;
        d.jobVersion = jobVersion;
        d.description = invoice.description;
        d.remitAccountKey = Accounts.normalize(invoice.remitAccount);
        d.remitAccount = d.remitAccountKey == null ? null : Accounts.mask(d.remitAccountKey);
        d.source = invoice.source;
        d.late = late;
        return d;
    }

    /** Adds a reason found after the draft (BANK_SHARED, by the account-keyed stage). */
    public static void addReason(Decision decision, Reason reason) {
        Reason[] grown = Arrays.copyOf(decision.reasons, decision.reasons.length + 1);
        grown[grown.length - 1] = reason;
        decision.reasons = grown;
    }

    /**
     * Scores and decides the drafted decision, in place: the tenant's thresholds applied to the risk
     * score, raised to the {@link #floor} of any of its reasons.
     */
    public static Decision decide(Decision d, Thresholds thresholds) {
        d.riskScore = RiskScorer.combine(d.reasons);
        DecisionType decision = thresholds.decide(d.tenantId, d.riskScore);
        d.matchedInvoiceIds = new String[0];
        for (Reason r : d.reasons) {
            if (r.evidence != null && r.evidence.matchedInvoiceIds != null) {
                d.matchedInvoiceIds = r.evidence.matchedInvoiceIds;
            }
            DecisionType floor = floor(r.code);
            if (floor != null && floor.ordinal() > decision.ordinal()) {
                decision = floor;
            }
        }
        d.decision = decision;
        return d;
    }

    /**
     * The least decision a reason allows whatever the tenant's thresholds, or null. These reasons say
     * that the job could not check the invoice as it should, not how risky it is, so no threshold
     * (a lenient tenant's included) may let it pass unseen: CHANGED_REDELIVERY is HOLD (the earlier
     * decision was made on other payment content), CANDIDATE_CAP at least REVIEW (the duplicate check
     * compared only part of the candidates). An analyst's REASON_SWITCH removes the reason, and with
     * it the floor, before this runs.
     */
    public static DecisionType floor(ReasonCode code) {
        switch (code) {
            case CHANGED_REDELIVERY:
                return DecisionType.HOLD;
            case CANDIDATE_CAP:
                return DecisionType.REVIEW;
            default:
                return null;
        }
    }
}

package io.invoicesieve.detect;

import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;

import java.util.Locale;

/**
 * The reasons that need no state: LOW_CONFIDENCE and LATE_EVENT. Each detector builds its own
 * reason beside its logic (duplicates, amounts, bank, shared); only on the flagged path.
 */
public final class Reasons {

    private Reasons() {}

    public static Reason lowConfidence(double confidence, double threshold) {
        Evidence e = new Evidence();
        e.extractionConfidence = confidence;
        String detail = String.format(Locale.ROOT,
                "Extracted with low confidence %.2f (below %.2f): check the fields against the document",
                confidence, threshold);
        return new Reason(ReasonCode.LOW_CONFIDENCE, 0.5, detail, e);
    }

    public static Reason late(long lateByMillis) {
        Evidence e = new Evidence();
        e.lateByMillis = lateByMillis;
        String detail = String.format(Locale.ROOT,
                "Arrived %d s behind the event-time watermark; scored against the history known then",
                lateByMillis / 1000);
        return new Reason(ReasonCode.LATE_EVENT, 0.0, detail, e);
    }

    public static double round(double value, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(value * f) / f;
    }
}

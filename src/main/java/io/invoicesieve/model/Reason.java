package io.invoicesieve.model;

/** One reason behind a decision: a code, its score, a sentence for the analyst and the evidence. */
public class Reason {

    public ReasonCode code;
    public double score;
    public String detail;
    public Evidence evidence;

    public Reason() {}

    public Reason(ReasonCode code, double score, String detail, Evidence evidence) {
        this.code = code;
        this.score = score;
        this.detail = detail;
        this.evidence = evidence;
    }

    @Override
    public String toString() {
        return code + "(" + score + "): " + detail;
    }
}

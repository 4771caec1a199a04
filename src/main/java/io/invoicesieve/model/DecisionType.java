package io.invoicesieve.model;

/** The one decision each invoice gets. */
public enum DecisionType {
    PASS,
    REVIEW,
    HOLD
}

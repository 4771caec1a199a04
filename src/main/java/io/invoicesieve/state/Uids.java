package io.invoicesieve.state;

/**
 * Operator, source and sink uids. Savepoints map state to operators by these strings: once a
 * version is released, a uid is never renamed or reused (jobs/invoice-sieve/STATE.md has the table
 * and the rules for changing state).
 */
public final class Uids {

    public static final String INVOICE_SOURCE = "invoice-source";
    public static final String ROUTE_DEAD_LETTERS = "route-dead-letters";
    public static final String ACCOUNT_SHARING = "account-sharing";
    public static final String INVOICE_SCORER = "invoice-scorer";
    public static final String FLAGGED_FILTER = "flagged-filter";
    /** Decisions a sink would refuse become dead letters here (sinks/SinkGuard); stateless. */
    public static final String SINK_GUARD = "sink-guard";

    public static final String DECISIONS_FILE_SINK = "decisions-file-sink";
    public static final String DEAD_LETTER_FILE_SINK = "dead-letter-file-sink";
    public static final String DECISIONS_KAFKA_SINK = "decisions-kafka-sink";
    public static final String DEAD_LETTER_KAFKA_SINK = "dead-letter-kafka-sink";
    public static final String DECISIONS_JDBC_SINK = "decisions-jdbc-sink";
    public static final String DECISIONS_OPENSEARCH_SINK = "decisions-opensearch-sink";
    /** backfill --postgres: a run's decisions into backfill_decisions (BATCH jobs, never restored). */
    public static final String BACKFILL_JDBC_SINK = "backfill-jdbc-sink";

    // the analysts' loop (control/): dispositions and controls in, their audit and the queue's disposition out
    public static final String CONTROL_SOURCE = "control-source";
    public static final String CONTROL_AUDIT_JDBC_SINK = "control-audit-jdbc-sink";
    public static final String DISPOSITION_OPENSEARCH_SINK = "disposition-opensearch-sink";

    private Uids() {}
}

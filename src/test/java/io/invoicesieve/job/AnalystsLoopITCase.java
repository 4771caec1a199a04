package io.invoicesieve.job;

import io.invoicesieve.Main;
import io.invoicesieve.cli.InitCommand;
import io.invoicesieve.cli.RunCommand;
import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.ControlOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.CollectingSink;
import io.invoicesieve.testing.ContractSchemas;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.PostgresService;
import io.invoicesieve.testing.SieveJobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static io.invoicesieve.job.ConnectorsTestKit.sqlLong;
import static io.invoicesieve.job.ConnectorsTestKit.sqlStrings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The analysts' loop on real Kafka and PostgreSQL (and OpenSearch, which the production wiring
 * writes to): the production pipeline ({@link RunCommand#pipeline}) runs unbounded; dispositions and
 * controls are written by the {@code disposition} and {@code control} commands while it runs.
 *
 * <ul>
 *   <li>a tenant's HOLD threshold changed mid-stream: the next decision of the tenant uses it;</li>
 *   <li>NOT_DUPLICATE for a pair (A, B): a third copy C of B is still flagged (as B's duplicate), and
 *       the pair is not flagged again (C's match with A, a copy of the same two documents, is gone);</li>
 *   <li>a verified account: the vendor's first invoice to it is not a BANK_CHANGE (another new one is);</li>
 *   <li>all three survive stop-with-savepoint and a restart from it (broadcast state).</li>
 * </ul>
 */
@ExtendWith({KafkaService.Extension.class, PostgresService.Extension.class, OpenSearchService.Extension.class})
class AnalystsLoopITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static final String DATE = "2026-03-02";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private SieveConfig config;
    private KafkaProducer<String, String> producer;
    private int hour;

    @Test
    void dispositionsAndControlsApplyAtRuntimeAndSurviveASavepoint(
            KafkaService kafka, PostgresService postgres, OpenSearchService opensearch, @TempDir Path tmp)
            throws Exception {
        config = ConnectorsTestKit.config("analysts", kafka, postgres, opensearch);
        List<String> init = InitCommand.init(config);
        assertThat(init).anyMatch(l -> l.contains("applied schema versions [1, 2, 3, 4]"))
                // created, or left from an earlier test class on the shared broker (the default names)
                .anyMatch(l -> l.contains("topic " + config.get(ControlOptions.KAFKA_DISPOSITIONS_TOPIC) + " created")
                        || l.contains("topic " + config.get(ControlOptions.KAFKA_DISPOSITIONS_TOPIC) + " exists"));
        producer = producer(config);

        JobClient job = start("phase-1", null);
        try {
            // --- thresholds: T2 is REVIEW (0.65 under the default HOLD 0.8) ...
            invoice("acme", "t-1", "V-T", "INV-T1", "700.00", "ACC-T-0001");
            Decision t2 = awaitDecision("phase-1", invoice("acme", "t-2", "V-T", "INV-T2", "700.00", "ACC-T-0001"));
            assertThat(t2.riskScore).isEqualTo(0.65);
            assertThat(t2.decision).isEqualTo(DecisionType.REVIEW);
            // ... then acme's HOLD threshold goes to 0.6: T3, the same risk, is HOLD
            command("control", "--type", "TENANT_THRESHOLDS", "--tenant", "acme", "--review", "0.3", "--hold", "0.6",
                    "--actor", "ops@acme", "--note", "month-end: hold more", "--id", "ctl-thresholds-1");
            awaitApplied("ctl-thresholds-1");
            // (another vendor's first repeat: a third same-amount invoice of V-T on that date would be V-T's
            // habit, which the high-volume rule no longer flags)
            invoice("acme", "t-3a", "V-T3", "INV-T4", "700.00", "ACC-T-0003");
            Decision t3 = awaitDecision("phase-1", invoice("acme", "t-3", "V-T3", "INV-T3", "700.00", "ACC-T-0003"));
            assertThat(t3.riskScore).isEqualTo(0.65);
            assertThat(t3.decision).isEqualTo(DecisionType.HOLD);

            // --- pairs: B matches A (same amount and date, another number) ...
            invoice("initech", "p-a", "V-P", "INV-500", "1200.00", "ACC-P-0001");
            Decision b = awaitDecision("phase-1", invoice("initech", "p-b", "V-P", "INV-501", "1200.00", "ACC-P-0001"));
            assertThat(b.matchedInvoiceIds).containsExactly("p-a");
            awaitRow("SELECT count(*) FROM decisions WHERE tenant_id = 'initech' AND invoice_id = 'p-b'");
            // ... an analyst says A and B are two different invoices
            command("disposition", "--tenant", "initech", "--invoice", "p-b", "--matched", "p-a",
                    "--verdict", "NOT_DUPLICATE", "--reason", "DUPLICATE_SUSPECT", "--analyst", "ana@initech",
                    "--note", "two deliveries on one day", "--id", "disp-pair-1");
            awaitApplied("disp-pair-1");
            // C, a third copy (of B): still flagged, as B's exact duplicate; the A-B pair is not flagged again
            Decision c = awaitDecision("phase-1", invoice("initech", "p-c", "V-P", "INV-501", "1200.00", "ACC-P-0001"));
            assertThat(codes(c)).contains(ReasonCode.DUPLICATE_EXACT);
            assertThat(c.matchedInvoiceIds).containsExactly("p-b");
            assertThat(c.flagged()).isTrue();

            // --- accounts: three invoices to the usual account, then an analyst verifies the new one
            for (int i = 1; i <= 3; i++) {
                invoice("initech", "k-" + i, "V-K", "INV-K" + i, (100 * i) + ".00", "DE00 1111 0000 0000 0001");
            }
            command("disposition", "--tenant", "initech", "--invoice", "k-3", "--vendor", "V-K",
                    "--verdict", "BANK_ACCOUNT_VERIFIED", "--account", "DE00 2222 0000 0000 0002",
                    "--analyst", "ana@initech", "--note", "bank letter checked by phone", "--id", "disp-acct-1");
            command("disposition", "--tenant", "initech", "--invoice", "k-3", "--vendor", "V-K",
                    "--verdict", "BANK_ACCOUNT_VERIFIED", "--account", "DE00 3333 0000 0000 0003",
                    "--analyst", "ana@initech", "--id", "disp-acct-2");
            awaitApplied("disp-acct-1");
            awaitApplied("disp-acct-2");
            Decision verified = awaitDecision("phase-1",
                    invoice("initech", "k-4", "V-K", "INV-K4", "400.00", "DE00 2222 0000 0000 0002"));
            assertThat(codes(verified)).doesNotContain(ReasonCode.BANK_CHANGE);
            Decision unverified = awaitDecision("phase-1",
                    invoice("initech", "k-5", "V-K", "INV-K5", "500.00", "DE00 9999 0000 0000 0009"));
            assertThat(codes(unverified)).contains(ReasonCode.BANK_CHANGE);

            // the audit trail: who, when, what
            assertThat(sqlStrings(config, "SELECT change_type || ' ' || actor FROM control_changes ORDER BY change_id"))
                    .containsExactly("TENANT_THRESHOLDS ops@acme", "VERIFIED_ACCOUNT ana@initech",
                            "VERIFIED_ACCOUNT ana@initech", "NOT_DUPLICATE_PAIR ana@initech");
            assertThat(sqlStrings(config, "SELECT verdict || ' ' || invoice_id || ' ' || coalesce(matched_invoice_id, '-')"
                    + " FROM dispositions ORDER BY disposition_id"))
                    .containsExactly("BANK_ACCOUNT_VERIFIED k-3 -", "BANK_ACCOUNT_VERIFIED k-3 -", "NOT_DUPLICATE p-b p-a");
            assertThat(sqlLong(config, "SELECT count(*) FROM dispositions WHERE payload::text LIKE '%DE00%'"))
                    .as("accounts only as SHA-256 and masked").isZero();
        } catch (Throwable t) {
            try {
                SieveJobs.cancel(job);
            } catch (Throwable cancel) {
                t.addSuppressed(cancel);
            }
            throw t;
        }
        String savepoint = SieveJobs.stopWithSavepoint(job, tmp.resolve("savepoints"));

        job = start("phase-2", savepoint);
        try {
            // a vendor's first repeat again (a third at V-T or V-T3 would be that vendor's habit)
            invoice("acme", "t-4a", "V-T5", "INV-T6", "700.00", "ACC-T-0005");
            Decision t4 = awaitDecision("phase-2", invoice("acme", "t-4", "V-T5", "INV-T5", "700.00", "ACC-T-0005"));
            assertThat(t4.decision).as("the threshold survived the savepoint").isEqualTo(DecisionType.HOLD);
            Decision d = awaitDecision("phase-2", invoice("initech", "p-d", "V-P", "INV-501", "1200.00", "ACC-P-0001"));
            assertThat(codes(d)).contains(ReasonCode.DUPLICATE_EXACT);
            assertThat(d.matchedInvoiceIds).as("the adjudicated pair survived the savepoint").containsExactly("p-b", "p-c");
            Decision k6 = awaitDecision("phase-2",
                    invoice("initech", "k-6", "V-K", "INV-K6", "600.00", "DE00 3333 0000 0000 0003"));
            assertThat(codes(k6)).as("the verified account survived the savepoint").doesNotContain(ReasonCode.BANK_CHANGE);
            Decision k7 = awaitDecision("phase-2",
                    invoice("initech", "k-7", "V-K", "INV-K7", "700.00", "DE00 8888 0000 0000 0008"));
            assertThat(codes(k7)).contains(ReasonCode.BANK_CHANGE);
        } finally {
            SieveJobs.cancel(job);
            producer.close();
        }
    }

    // ------------------------------------------------------------------------------------ helpers

    private JobClient start(String bucket, String savepoint) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.configure(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        CollectingSink.clear(bucket);
        RunCommand.pipeline(config, env, UnaryOperator.identity())
                .decisionSink(SieveJobs.TEST_SINK_UID, "Collect decisions", new CollectingSink(bucket))
                .build(env);
        return env.executeAsync("analysts " + bucket);
    }

    private static KafkaProducer<String, String> producer(SieveConfig config) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS));
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Sends an invoice an hour after the previous one (never late); returns its id. */
    private String invoice(String tenant, String id, String vendor, String number, String amount, String account)
            throws Exception {
        Instant eventTime = T0.plus(Duration.ofHours(hour++));
        String json = String.format(Locale.ROOT,
                "{\"tenant_id\":\"%s\",\"invoice_id\":\"%s\",\"vendor_id\":\"%s\",\"invoice_number\":\"%s\","
                        + "\"invoice_date\":\"%s\",\"event_time\":\"%s\",\"amount\":\"%s\",\"currency\":\"EUR\","
                        + "\"remit_account\":\"%s\",\"source\":\"edi\"}",
                tenant, id, vendor, number, DATE, eventTime, amount, account);
        producer.send(new ProducerRecord<>(config.get(ConnectorOptions.KAFKA_INPUT_TOPIC), tenant + ":" + vendor, json))
                .get();
        return id;
    }

    private void command(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of(
                "--" + ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key(), config.get(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS),
                "--" + ConnectorOptions.JDBC_URL.key(), config.get(ConnectorOptions.JDBC_URL),
                "--" + ConnectorOptions.JDBC_USER.key(), config.get(ConnectorOptions.JDBC_USER),
                "--" + ConnectorOptions.JDBC_PASSWORD.key(), config.get(ConnectorOptions.JDBC_PASSWORD)));
        assertThat(Main.run(all.toArray(new String[0]))).as(String.join(" ", args)).isZero();
    }

    /** The change is in the audit table (written from the control stream), and applied a moment later. */
    private void awaitApplied(String changeId) throws Exception {
        awaitRow("SELECT count(*) FROM control_changes WHERE change_id = '" + changeId + "'");
        Thread.sleep(1500);
    }

    private void awaitRow(String countQuery) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sqlLong(config, countQuery) == 0) {
            assertThat(System.nanoTime()).as(countQuery).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static Decision awaitDecision(String bucket, String invoiceId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<Decision> found = CollectingSink.get(bucket).stream()
                    .filter(d -> d.invoiceId.equals(invoiceId)).collect(Collectors.toList());
            if (!found.isEmpty()) {
                assertThat(found).hasSize(1);
                ContractSchemas.assertValidDecision(found.get(0));
                return found.get(0);
            }
            assertThat(System.nanoTime()).as("decision of " + invoiceId).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static Set<ReasonCode> codes(Decision d) {
        return Arrays.stream(d.reasons).map((Reason r) -> r.code).collect(Collectors.toSet());
    }
}

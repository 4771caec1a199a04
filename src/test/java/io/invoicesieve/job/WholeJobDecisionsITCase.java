package io.invoicesieve.job;

import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.sources.KafkaInvoiceSource;
import io.invoicesieve.testing.KafkaService;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.ExtendWith;
import java.util.HashMap;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.CollectingSink;
import io.invoicesieve.testing.Fixtures;
import io.invoicesieve.testing.FlinkRest;
import io.invoicesieve.testing.InvoiceJson;
import io.invoicesieve.testing.SieveJobs;

import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * LATE_EVENT and per-tenant thresholds on the whole job's output (parallelism 2, the real source,
 * both keyed stages, the final decision): the exact decision and reasons of every invoice, and no
 * decision more, counted once the job has stopped.
 *
 * <p>Lateness is made deterministic: the invoices come from a Kafka topic (a partition's split never
 * ends, so its watermark stays), and the late ones are produced only once Flink's REST API shows the
 * scorer's input watermark past the first ones' events, so they are behind it whatever the timing.
 */
@ExtendWith(KafkaService.Extension.class)
class WholeJobDecisionsITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static Fixtures.InvoiceBuilder inv(String tenant, String id, String vendor) {
        return invoice(id).tenant(tenant).vendor(vendor).account("ACC-" + tenant + "-" + vendor).number("N-" + id);
    }

    @Test
    void lateEventsAndTenantThresholdsInTheJobsOutput(KafkaService kafka, @InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        List<Invoice> first = new ArrayList<>();
        for (String tenant : List.of("acme", "strict", "lenient")) {
            // LOW_CONFIDENCE alone: risk 0.5
            first.add(inv(tenant, tenant + "-lc", "V-LC").amount("80.00").confidence(0.3).day(1).build());
            // an exact resubmission: risk 0.97
            first.add(inv(tenant, tenant + "-orig", "V-DUP").number("DUP-1").amount("640.00").day(2).build());
            first.add(inv(tenant, tenant + "-resub", "V-DUP").number("DUP-1").amount("640.00").day(4)
                    .invoiceDate(invoice("x").day(2).build().invoiceDate).build());
        }
        // moves the event-time clock to day 30 (on both source subtasks' splits, whichever reads it)
        first.add(inv("acme", "clock", "V-CLOCK").amount("10.00").day(30).build());
        // in event-time order, so that nothing of the first file is late
        first.sort(java.util.Comparator.comparing((Invoice i) -> i.eventTime));

        kafka.createTopic("whole-job-invoices", 2);
        Map<String, String> settings = new HashMap<>();
        settings.put(SieveOptions.TENANT_THRESHOLDS.key(), "strict:0.3:0.45,lenient:0.6:0.98");
        settings.put(SieveOptions.WATERMARK_IDLENESS.key(), "500 ms");
        settings.put(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        settings.put(ConnectorOptions.KAFKA_INPUT_TOPIC.key(), "whole-job-invoices");
        settings.put(ConnectorOptions.KAFKA_GROUP_ID.key(), "whole-job");
        settings.put(ConnectorOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
        SieveConfig config = SieveConfig.of(settings);

        Configuration flink = SieveJobs.flinkConfig("hashmap", null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(2);
        CollectingSink.clear("whole-job");
        InvoiceSievePipeline.with(config)
                .source(KafkaInvoiceSource.builder(config).build())
                .decisionSink("test-decisions", "Collect decisions", new CollectingSink("whole-job"))
                .build(env);
        // a Kafka partition is a split that never ends: its watermark stays, unlike a file's
        produce(kafka, first);
        JobClient job = env.executeAsync("whole job decisions");
        List<Decision> decisions;
        try {
            SieveJobs.await(job, "whole-job", first.size());
            FlinkRest rest = new FlinkRest(cluster);
            long clock = Fixtures.BASE.toEpochMilli() + 30 * DAY - 2 * 60_000 - 1;
            long deadline = System.currentTimeMillis() + 60_000;
            while (rest.inputWatermark(job.getJobID(), "Score invoices") < clock) {
                assertThat(System.currentTimeMillis()).as("scorer watermark reaches day 30").isLessThan(deadline);
                Thread.sleep(50);
            }

            List<Invoice> late = new ArrayList<>();
            late.add(inv("acme", "late-pass", "V-LATE").amount("55.00").day(5).build());
            late.add(inv("acme", "late-resub", "V-DUP").number("DUP-1").amount("640.00").day(6)
                    .invoiceDate(invoice("x").day(2).build().invoiceDate).build());
            late.add(inv("strict", "late-lc", "V-LC2").amount("70.00").confidence(0.3).day(7).build());
            produce(kafka, late);
            SieveJobs.await(job, "whole-job", first.size() + late.size());
        } finally {
            SieveJobs.cancel(job);
        }
        // the job has ended: nothing more can arrive
        decisions = CollectingSink.get("whole-job");

        Map<String, String> actual = new TreeMap<>();
        for (Decision d : decisions) {
            assertThat(actual.put(d.tenantId + ":" + d.invoiceId, describe(d))).as("second decision of %s", d.invoiceId).isNull();
        }
        Map<String, String> expected = new TreeMap<>();
        expected.put("acme:acme-lc", "REVIEW 0.5 [LOW_CONFIDENCE]");
        expected.put("strict:strict-lc", "HOLD 0.5 [LOW_CONFIDENCE]"); // hold from 0.45
        expected.put("lenient:lenient-lc", "PASS 0.5 [LOW_CONFIDENCE]"); // review from 0.6
        for (String tenant : List.of("acme", "strict", "lenient")) {
            expected.put(tenant + ":" + tenant + "-orig", "PASS 0.0 []");
        }
        expected.put("acme:acme-resub", "HOLD 0.97 [DUPLICATE_EXACT]");
        expected.put("strict:strict-resub", "HOLD 0.97 [DUPLICATE_EXACT]");
        expected.put("lenient:lenient-resub", "REVIEW 0.97 [DUPLICATE_EXACT]"); // hold from 0.98
        expected.put("acme:clock", "PASS 0.0 []");
        expected.put("acme:late-pass", "PASS 0.0 [LATE_EVENT] late");
        expected.put("acme:late-resub", "HOLD 0.97 [DUPLICATE_EXACT, LATE_EVENT] late");
        expected.put("strict:late-lc", "HOLD 0.5 [LOW_CONFIDENCE, LATE_EVENT] late");
        assertThat(actual).isEqualTo(expected);

        Decision latePass = decisions.stream().filter(d -> d.invoiceId.equals("late-pass")).findFirst().orElseThrow();
        long lateBy = latePass.reasons[0].evidence.lateByMillis;
        assertThat(lateBy).as("behind the watermark by at least the 25 days to the clock invoice, less the out-of-orderness")
                .isGreaterThanOrEqualTo(25 * DAY - 2 * 60_000 - 1);
        assertThat(latePass.reasons[0].detail).startsWith("Arrived " + (lateBy / 1000) + " s behind the event-time watermark");
    }

    /** Each invoice keyed by tenant and vendor, so that a vendor's invoices stay in order on one partition. */
    private static void produce(KafkaService kafka, List<Invoice> invoices) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (Invoice i : invoices) {
                producer.send(new ProducerRecord<>("whole-job-invoices", i.tenantId + "/" + i.vendorId, InvoiceJson.toJson(i)));
            }
            producer.flush();
        }
    }

    private static String describe(Decision d) {
        return d.decision + " " + d.riskScore + " " + Arrays.stream(d.reasons).map(r -> r.code).toList()
                + (d.late ? " late" : "");
    }
}

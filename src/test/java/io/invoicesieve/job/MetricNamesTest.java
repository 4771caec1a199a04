package io.invoicesieve.job;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.sources.InvoiceLineFormat;
import io.invoicesieve.testing.CollectingSink;
import io.invoicesieve.testing.InvoiceJson;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metric names the operators' dashboards and alerts are built on (k8s-operator/README.md, Metrics;
 * jobs/invoice-sieve/README.md, Metrics; dashboards/invoice-sieve.ndjson), as Flink's Prometheus
 * reporter names them: {@code flink_<logical scope>_<name>} with the key/value groups as labels. The
 * whole job runs once on a MiniCluster with Flink's {@link InMemoryReporter}; every metric is found
 * by that name and its value matches the job's output. Renaming one, or dropping its label, fails here.
 *
 * <p>A key/value group keeps its key in the name: {@code addGroup("decision", "PASS").counter("decisions")}
 * is {@code flink_taskmanager_job_task_operator_decision_decisions{decision="PASS"}}.
 */
class MetricNamesTest {

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    /** What Flink's PrometheusReporter does with a metric's name: scope and name joined by '_'. */
    private static final Pattern UNALLOWED = Pattern.compile("[^a-zA-Z0-9:_]");
    private static final CharacterFilter FILTER = s -> UNALLOWED.matcher(s).replaceAll("_");

    private static String prometheusName(MetricGroup group, String name) {
        String scope = group instanceof LogicalScopeProvider
                ? ((LogicalScopeProvider) group).getLogicalScope(FILTER, '_')
                : ((AbstractMetricGroup<?>) group).getLogicalScope(FILTER, '_');
        return "flink_" + scope + "_" + FILTER.filterCharacters(name);
    }

    /** Prometheus name -> label (the variables the job adds: decision, reason) -> metric, of one job. */
    private static Map<String, Map<String, Metric>> metrics(String jobId) {
        Map<String, Map<String, Metric>> out = new TreeMap<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> g : REPORTER.getMetricsByGroup().entrySet()) {
            Map<String, String> vars = g.getKey().getAllVariables();
            if (!jobId.equals(vars.get("<job_id>"))) {
                continue;
            }
            String label = vars.containsKey("<decision>") ? "decision=" + vars.get("<decision>")
                    : vars.containsKey("<reason>") ? "reason=" + vars.get("<reason>") : "";
            for (Map.Entry<String, Metric> m : g.getValue().entrySet()) {
                out.computeIfAbsent(prometheusName(g.getKey(), m.getKey()), k -> new TreeMap<>())
                        .put(label + "@" + vars.get("<operator_name>"), m.getValue());
            }
        }
        return out;
    }

    private static long count(Map<String, Map<String, Metric>> metrics, String name, String label, String operator) {
        assertThat(metrics).as("metric %s", name).containsKey(name);
        Metric m = metrics.get(name).get(label + "@" + operator);
        assertThat(m).as("%s{%s} of operator %s; there are %s", name, label, operator, metrics.get(name).keySet()).isNotNull();
        return ((Counter) m).getCount();
    }

    @Test
    void everyDocumentedMetricHasItsNameLabelAndValue(@TempDir java.nio.file.Path dir) throws Exception {
        List<Invoice> invoices = new ArrayList<>();
        invoices.add(invoice("a-1").number("INV-1").build());
        invoices.add(invoice("a-2").number("INV-1").day(1).invoiceDate(invoice("x").build().invoiceDate).build());
        invoices.add(invoice("a-3").number("INV-3").amount("77.00").confidence(0.3).day(2).build());
        // replay: the same payload (Fixtures' day() alone would move the invoice date: a changed re-delivery)
        invoices.add(invoice("a-1").number("INV-1").day(3).invoiceDate(invoice("x").build().invoiceDate).build());
        invoices.add(invoice("b-1").vendor("V-2").number("B-1").amount("310.00").day(4).build()); // shared account
        java.nio.file.Path file = dir.resolve("in").resolve("invoices.jsonl");
        InvoiceJson.write(file, invoices, "not json");

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        CollectingSink.clear("metrics");
        InvoiceSievePipeline.with(SieveConfig.defaults())
                .source(FileSource.forRecordStreamFormat(new InvoiceLineFormat(), new Path(dir.resolve("in").toUri())).build())
                .decisionSink("test-decisions", "Collect decisions", new CollectingSink("metrics"))
                .build(env);
        JobExecutionResult result = env.execute("metric names");
        List<Decision> decisions = CollectingSink.get("metrics");
        assertThat(decisions).extracting(d -> d.invoiceId).containsExactlyInAnyOrder("a-1", "a-2", "a-3", "b-1");

        Map<String, Map<String, Metric>> m = metrics(result.getJobID().toString());

        String sharing = "Shared accounts";
        for (DecisionType type : DecisionType.values()) {
            long expected = decisions.stream().filter(d -> d.decision == type).count();
            assertThat(count(m, "flink_taskmanager_job_task_operator_decision_decisions", "decision=" + type, sharing))
                    .as("decisions{decision=%s}", type).isEqualTo(expected);
        }
        assertThat(decisions.stream().map(d -> d.invoiceId + " " + d.decision + " " + Arrays.stream(d.reasons).map(r -> r.code).toList()))
                .containsExactlyInAnyOrder("a-1 PASS []", "a-2 HOLD [DUPLICATE_EXACT]", "a-3 REVIEW [LOW_CONFIDENCE]", "b-1 REVIEW [BANK_SHARED]");
        for (ReasonCode code : ReasonCode.values()) {
            long expected = decisions.stream().flatMap(d -> Arrays.stream(d.reasons)).map((Reason r) -> r.code)
                    .filter(c -> c == code).count();
            assertThat(count(m, "flink_taskmanager_job_task_operator_reason_reasons", "reason=" + code, sharing))
                    .as("reasons{reason=%s}", code).isEqualTo(expected);
        }
        assertThat(count(m, "flink_taskmanager_job_task_operator_reason_reasons", "reason=DUPLICATE_EXACT", sharing)).isEqualTo(1);
        assertThat(count(m, "flink_taskmanager_job_task_operator_reason_reasons", "reason=BANK_SHARED", sharing)).isEqualTo(1);

        String route = "Route dead letters";
        assertThat(count(m, "flink_taskmanager_job_task_operator_deadLetters", "", route)).isEqualTo(1);
        assertThat(count(m, "flink_taskmanager_job_task_operator_invoicesParsed", "", route)).isEqualTo(5);

        String scorer = "Score invoices";
        assertThat(count(m, "flink_taskmanager_job_task_operator_replaysSuppressed", "", scorer)).isEqualTo(1);
        assertThat(count(m, "flink_taskmanager_job_task_operator_lateEvents", "", scorer))
                .isEqualTo(decisions.stream().filter(d -> d.late).count());
        assertThat(count(m, "flink_taskmanager_job_task_operator_duplicateComparisonCapHits", "", scorer)).isZero();
        assertThat(count(m, "flink_taskmanager_job_task_operator_changedRedeliveries", "", scorer)).isZero();
        assertThat(count(m, "flink_taskmanager_job_task_operator_duplicateIndexEvictions", "", scorer)).isZero();
        Metric compared = m.get("flink_taskmanager_job_task_operator_duplicateCandidatesCompared").get("@" + scorer);
        assertThat(compared).isInstanceOf(Histogram.class);
        assertThat(((Histogram) compared).getCount()).as("one update per scored invoice").isEqualTo(4);
    }
}

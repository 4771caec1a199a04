package io.invoicesieve.k8s;

import io.invoicesieve.testing.prometheus.PrometheusRules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s-operator/prometheusrule.yaml with promtool (Debian package {@code prometheus}, which .ci/run
 * installs): {@code promtool check rules} on its spec, {@code promtool test rules} with
 * src/test/prometheus/rules-test.yaml and rules-drift-test.yaml, and every alert has at least one unit test there.
 */
class PrometheusRulesTest {

    private static final Path WORK = Path.of("target", "prometheus-rules");

    @Test
    void promtoolChecksAndTestsTheRules() throws Exception {
        Path promtool = PrometheusRules.promtool();
        assertThat(promtool).as("promtool is not installed: apt-get install -y prometheus (.ci/run does it)").isNotNull();
        PrometheusRules.writeRuleFile(WORK);
        PrometheusRules.Result check = PrometheusRules.run(WORK, List.of(promtool.toString(), "check", "rules", PrometheusRules.RULE_FILE));
        assertThat(check.exitCode()).as(check.output()).isZero();
        // One promtool run per file: promtool 2.42 carries state from one test file into the next
        // (the drift test fails when it follows rules-test.yaml in the same run).
        for (Path tests : PrometheusRules.UNIT_TESTS) {
            Files.copy(tests, WORK.resolve(tests.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            PrometheusRules.Result test = PrometheusRules.run(WORK,
                    List.of(promtool.toString(), "test", "rules", tests.getFileName().toString()));
            assertThat(test.exitCode()).as(tests + ":\n" + test.output()).isZero();
            assertThat(test.output()).contains("SUCCESS");
        }
    }

    @Test
    void everyAlertHasAUnitTest() throws Exception {
        Set<String> tested = new TreeSet<>();
        for (Path file : PrometheusRules.UNIT_TESTS) {
            JsonNode tests = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            for (JsonNode test : tests.path("tests")) {
                for (JsonNode alert : test.path("alert_rule_test")) {
                    if (alert.path("exp_alerts").size() > 0) {
                        tested.add(alert.path("alertname").asText());
                    }
                }
            }
        }
        assertThat(tested).containsAll(PrometheusRules.alertNames());
        assertThat(PrometheusRules.alertNames()).contains("InvoiceSieveHoldSurge", "InvoiceSieveDeadLetterRate",
                "InvoiceSieveJobRestarting", "InvoiceSieveCheckpointsFailing", "InvoiceSieveCheckpointsSlow",
                "InvoiceSieveFanOutCapHits", "InvoiceSieveConsumerLag", "InvoiceSieveDecisionMixDrift");
    }
}

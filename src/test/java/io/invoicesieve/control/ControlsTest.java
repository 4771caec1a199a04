package io.invoicesieve.control;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.config.Thresholds;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.learn.PairFeatures;
import io.invoicesieve.learn.PairModel;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.SeenInvoice;
import io.invoicesieve.testing.ContractSchemas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The controls the operators consult: pair suppression, thresholds, rules-only mode and rollback. */
class ControlsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DetectorSettings SETTINGS = new DetectorSettings(SieveConfig.of(Map.of()), "test");
    private static final int DAY = (int) LocalDate.parse("2026-03-02").toEpochDay();

    private static SeenInvoice invoice(String id, String number, long amountMilli, int day, long time) {
        return DuplicateDetector.probe(id, number, amountMilli, "EUR", day, time);
    }

    private static Reason duplicates(Controls controls, SeenInvoice probe, SeenInvoice... earlier) {
        SeenInvoice[][] buckets = {earlier, null};
        DuplicateDetector.Result result = DuplicateDetector.find(probe, buckets, SETTINGS.lookbackMillis,
                SETTINGS.dateToleranceDays, SETTINGS.maxComparisons);
        return controls.duplicates("t", "v", probe, buckets, result, SETTINGS);
    }

    private static String disposition(String verdict, SeenInvoice a, SeenInvoice b) {
        ObjectNode d = JSON.createObjectNode();
        d.put("disposition_id", "d-" + a.invoiceId + "-" + b.invoiceId);
        d.put("tenant_id", "t");
        d.put("invoice_id", a.invoiceId);
        d.put("vendor_id", "v");
        d.put("verdict", verdict);
        ObjectNode pair = d.putObject("pair");
        for (String side : new String[] {"invoice", "matched"}) {
            SeenInvoice s = side.equals("invoice") ? a : b;
            ObjectNode n = pair.putObject(side);
            n.put("invoice_id", s.invoiceId);
            n.put("invoice_number", s.invoiceNumber);
            n.put("invoice_date", LocalDate.ofEpochDay(s.invoiceDay).toString());
            n.put("amount", io.invoicesieve.detect.Money.fromMilli(s.amountMilli).toPlainString());
            n.put("currency", "EUR");
        }
        d.put("analyst", "ana");
        d.put("decided_at", "2026-03-03T10:00:00Z");
        ContractSchemas.assertValid("disposition.schema.json", d.toString());
        return d.toString();
    }

    @Test
    void anAdjudicatedPairIsNotMatchedAgainButACopyStillIs() {
        SeenInvoice a = invoice("a", "INV-500", 1_200_000, DAY, 1);
        SeenInvoice b = invoice("b", "INV-501", 1_200_000, DAY, 2);
        SeenInvoice c = invoice("c", "INV-501", 1_200_000, DAY, 3);
        Controls controls = new Controls();
        assertThat(duplicates(controls, c, a, b).evidence.matchedInvoiceIds).containsExactly("b", "a");

        controls.apply(ControlCodec.parse(disposition("NOT_DUPLICATE", b, a)));
        Reason r = duplicates(controls, c, a, b);
        assertThat(r.code).isEqualTo(ReasonCode.DUPLICATE_EXACT);
        assertThat(r.evidence.matchedInvoiceIds).containsExactly("b");
        assertThat(r.evidence.matchedInvoiceDates).containsExactly("2026-03-02");
        assertThat(duplicates(controls, b, a)).as("B against A again").isNull();
        assertThat(controls.pairsSuppressed.getCount()).isEqualTo(2);
    }

    @Test
    void tenantThresholdsOverrideTheConfiguredOnesAndRevokeRestoresThem() {
        Controls controls = new Controls();
        Thresholds configured = Thresholds.of(0.5, 0.8);
        String set = "{\"control_id\":\"c1\",\"type\":\"TENANT_THRESHOLDS\",\"tenant_id\":\"acme\","
                + "\"review_threshold\":0.3,\"hold_threshold\":0.6,\"actor\":\"ops\",\"at\":\"2026-03-03T10:00:00Z\"}";
        ContractSchemas.assertValid("control.schema.json", set);
        controls.apply(ControlCodec.parse(set));
        assertThat(controls.thresholds(configured).decide("acme", 0.65)).isEqualTo(DecisionType.HOLD);
        assertThat(controls.thresholds(configured).decide("globex", 0.65)).isEqualTo(DecisionType.REVIEW);
        controls.apply(ControlCodec.parse(set.replace("\"c1\"", "\"c2\"").replace("\"actor\"", "\"revoke\":true,\"actor\"")));
        assertThat(controls.thresholds(configured).decide("acme", 0.65)).isEqualTo(DecisionType.REVIEW);
    }

    private static String model(String version, int labels) {
        double[] zeros = new double[PairFeatures.SIZE];
        double[] ones = new double[PairFeatures.SIZE];
        double[] w = new double[PairFeatures.SIZE];
        java.util.Arrays.fill(ones, 1);
        w[PairFeatures.NAMES.indexOf("rule_score")] = 8; // p = sigmoid(8 * rule score - 4)
        ObjectNode training = JSON.createObjectNode().put("labels", labels).put("positives", labels / 4);
        return new PairModel(version, zeros, ones, w, -4, 0.5, labels).toJson(training).toString();
    }

    private static ControlUpdate control(String json) {
        ContractSchemas.assertValid("control.schema.json", json);
        return ControlCodec.parse(json);
    }

    private static String publish(String id, String version, String artifact) {
        return "{\"control_id\":\"" + id + "\",\"type\":\"MODEL_PUBLISH\",\"model_version\":\"" + version
                + "\",\"model\":" + artifact + ",\"actor\":\"ml\",\"at\":\"2026-03-03T10:00:00Z\"}";
    }

    private static String activate(String id, String version) {
        return "{\"control_id\":\"" + id + "\",\"type\":\"MODEL_ACTIVATE\",\"model_version\":\"" + version
                + "\",\"actor\":\"ml\",\"at\":\"2026-03-03T10:00:00Z\"}";
    }

    @Test
    void rulesOnlyWithoutAModelWithAMissingOrBadOneAndRollbackIsActivatingThePreviousVersion() {
        SeenInvoice a = invoice("a", "INV-500", 1_200_000, DAY, 1);
        SeenInvoice b = invoice("b", "INV-500", 1_200_000, DAY, 2);
        Controls controls = new Controls();
        assertThat(controls.modelActive()).isZero();
        assertThat(controls.modelVersion("rules-1")).isEqualTo("rules-1");
        assertThat(duplicates(controls, b, a).score).isEqualTo(0.97);

        // activating a version nobody published: rules only, and the metric/problem say so
        controls.apply(control(activate("c1", "pairs-2")));
        assertThat(controls.modelActive()).isZero();
        assertThat(controls.modelProblem()).contains("no artifact");
        // a bad artifact (too few labels) is rejected: still rules only
        controls.apply(control(publish("c2", "pairs-2", model("pairs-2", 20))));
        assertThat(controls.rejectedModels.getCount()).isEqualTo(1);
        assertThat(controls.modelActive()).isZero();
        assertThat(controls.modelProblem()).contains("too few labels");
        assertThat(duplicates(controls, b, a).score).isEqualTo(0.97);

        controls.apply(control(publish("c3", "pairs-1", model("pairs-1", 400))));
        controls.apply(control(publish("c4", "pairs-2", model("pairs-2", 400))));
        assertThat(controls.modelActive()).isEqualTo(1);
        assertThat(controls.modelVersion("rules-1")).isEqualTo("pairs-2");
        Reason scored = duplicates(controls, b, a);
        assertThat(scored.score).isEqualTo(Math.round(1000 / (1 + Math.exp(-(8 * 0.97 - 4)))) / 1000.0);
        assertThat(scored.detail).contains("pair model pairs-2");
        assertThat(controls.pairsScored.getCount()).isEqualTo(1);

        // rollback: point at the previous version; then off
        controls.apply(control(activate("c5", "pairs-1")));
        assertThat(controls.modelVersion("rules-1")).isEqualTo("pairs-1");
        controls.apply(control(activate("c6", Controls.RULES_ONLY)));
        assertThat(controls.modelActive()).isZero();
        assertThat(controls.modelVersion("rules-1")).isEqualTo("rules-1");
    }

    @Test
    void aBrokenArtifactIsRefusedWithTheReason() {
        assertThatThrownBy(() -> PairModel.parse("{\"format\":\"other\"}")).hasMessageContaining("format");
        String wrongFeatures = model("x", 400).replace("\"rule_score\"", "\"something_else\"");
        assertThatThrownBy(() -> PairModel.parse(wrongFeatures)).hasMessageContaining("features");
    }

    @Test
    void rebuildFromBroadcastStateActivatesAfterPublishingWhateverTheOrder() {
        Controls controls = new Controls();
        ControlUpdate act = control(activate("c1", "pairs-1"));
        ControlUpdate pub = control(publish("c2", "pairs-1", model("pairs-1", 400)));
        controls.rebuild(Map.of(act.stateKey(), act, pub.stateKey(), pub).entrySet());
        assertThat(controls.modelVersion("rules-1")).isEqualTo("pairs-1");
    }
}

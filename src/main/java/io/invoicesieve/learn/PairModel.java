package io.invoicesieve.learn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A duplicate-pair model: L2-regularised logistic regression over {@link PairFeatures}, standardised
 * by the training set's mean and scale, written by the {@code train} tool as a JSON artifact (format
 * {@value #FORMAT}) and scored here in plain Java: 13 multiply-adds and one exp per candidate pair.
 *
 * <p>{@link #parse} refuses an artifact that is not one (wrong format, other features, non-finite
 * weights, a threshold outside (0, 1)) or that was trained on fewer than {@link #MIN_LABELS} labels:
 * the job then stays in rules-only mode.
 */
public final class PairModel {

    public static final String FORMAT = "invoice-sieve-pair-model/1";
    /** Fewer adjudicated pairs than this (or fewer than MIN_CLASS of either class): not a model. */
    public static final int MIN_LABELS = 100;
    public static final int MIN_CLASS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    public final String version;
    final double[] mean;
    final double[] scale;
    final double[] weights;
    final double bias;
    /** p at or above which a pair is a duplicate. */
    public final double threshold;
    public final int labels;

    public PairModel(String version, double[] mean, double[] scale, double[] weights, double bias, double threshold,
            int labels) {
        this.version = version;
        this.mean = mean;
        this.scale = scale;
        this.weights = weights;
        this.bias = bias;
        this.threshold = threshold;
        this.labels = labels;
    }

    /** This model with another decision threshold. */
    public PairModel withThreshold(double threshold) {
        return new PairModel(version, mean, scale, weights, bias, threshold, labels);
    }

    /** The probability that the pair of these features is a duplicate. */
    public double score(double[] x) {
        double z = bias;
        for (int i = 0; i < weights.length; i++) {
            z += weights[i] * ((x[i] - mean[i]) / scale[i]);
        }
        return 1.0 / (1.0 + Math.exp(-z));
    }

    /** Parses and checks an artifact; throws {@link IllegalArgumentException} saying why it is not usable. */
    public static PairModel parse(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("model artifact is not JSON: " + e.getMessage());
        }
        if (n == null || !FORMAT.equals(n.path("format").asText())) {
            throw new IllegalArgumentException("model artifact format is not " + FORMAT);
        }
        if (!"logistic".equals(n.path("kind").asText())) {
            throw new IllegalArgumentException("unknown model kind '" + n.path("kind").asText() + "'");
        }
        String version = n.path("version").asText("");
        if (version.isEmpty()) {
            throw new IllegalArgumentException("model artifact has no version");
        }
        List<String> features = new ArrayList<>();
        n.path("features").forEach(f -> features.add(f.asText()));
        if (!features.equals(PairFeatures.NAMES)) {
            throw new IllegalArgumentException("model features " + features + " are not the job's " + PairFeatures.NAMES);
        }
        double[] mean = doubles(n, "mean");
        double[] scale = doubles(n, "scale");
        double[] weights = doubles(n, "weights");
        for (double s : scale) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("model scale must be positive");
            }
        }
        double bias = n.path("bias").asDouble(Double.NaN);
        double threshold = n.path("threshold").asDouble(Double.NaN);
        if (!Double.isFinite(bias) || !(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("model bias must be finite and threshold within (0, 1)");
        }
        JsonNode training = n.path("training");
        int labels = training.path("labels").asInt(0);
        int positives = training.path("positives").asInt(0);
        if (labels < MIN_LABELS || positives < MIN_CLASS || labels - positives < MIN_CLASS) {
            throw new IllegalArgumentException("model trained on too few labels (" + labels + " pairs, " + positives
                    + " duplicates; at least " + MIN_LABELS + " and " + MIN_CLASS + " of each class)");
        }
        return new PairModel(version, mean, scale, weights, bias, threshold, labels);
    }

    private static double[] doubles(JsonNode n, String field) {
        JsonNode a = n.path(field);
        if (!a.isArray() || a.size() != PairFeatures.SIZE) {
            throw new IllegalArgumentException("model '" + field + "' must have " + PairFeatures.SIZE + " numbers");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!a.get(i).isNumber() || !Double.isFinite(a.get(i).asDouble())) {
                throw new IllegalArgumentException("model '" + field + "' has a non-finite number");
            }
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    /** The artifact of this model, with the training facts given (labels, positives, metrics). */
    public ObjectNode toJson(ObjectNode training) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("kind", "logistic");
        n.put("version", version);
        ArrayNode f = n.putArray("features");
        PairFeatures.NAMES.forEach(f::add);
        array(n.putArray("mean"), mean);
        array(n.putArray("scale"), scale);
        array(n.putArray("weights"), weights);
        n.put("bias", bias);
        n.put("threshold", threshold);
        n.set("training", training);
        return n;
    }

    private static void array(ArrayNode a, double[] values) {
        for (double v : values) {
            a.add(v);
        }
    }
}

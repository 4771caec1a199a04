package io.invoicesieve.config;

import io.invoicesieve.model.DecisionType;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/** REVIEW and HOLD risk thresholds, with per-tenant overrides. */
public final class Thresholds implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double review;
    private final double hold;
    private final Map<String, double[]> perTenant;

    private Thresholds(double review, double hold, Map<String, double[]> perTenant) {
        this.review = review;
        this.hold = hold;
        this.perTenant = perTenant;
    }

    public static Thresholds of(double review, double hold) {
        return parse(review, hold, "", "thresholds");
    }

    static Thresholds parse(double review, double hold, String tenants, String key) {
        check(review, hold, key);
        Map<String, double[]> perTenant = new HashMap<>();
        if (!tenants.isBlank()) {
            for (String entry : tenants.split(",")) {
                String[] parts = entry.trim().split(":");
                if (parts.length != 3 || parts[0].isBlank()) {
                    throw new IllegalArgumentException(
                            "Setting '" + key + "': entry '" + entry.trim()
                                    + "' is not 'tenant:review:hold'");
                }
                double r;
                double h;
                try {
                    r = Double.parseDouble(parts[1]);
                    h = Double.parseDouble(parts[2]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "Setting '" + key + "': entry '" + entry.trim() + "' has a non-numeric threshold");
                }
                check(r, h, key + "' for tenant '" + parts[0]);
                perTenant.put(parts[0].trim(), new double[] {r, h});
            }
        }
        return new Thresholds(review, hold, perTenant);
    }

    private static void check(double review, double hold, String key) {
        if (!(review > 0 && review <= 1 && hold > 0 && hold <= 1)) {
            throw new IllegalArgumentException(
                    "Setting '" + key + "': thresholds must be within (0, 1]");
        }
        if (review > hold) {
            throw new IllegalArgumentException(
                    "Setting '" + key + "': the REVIEW threshold " + review
                            + " is above the HOLD threshold " + hold);
        }
    }

    /**
     * These thresholds with per-tenant overrides set at runtime (control/Controls: the control stream's
     * TENANT_THRESHOLDS), which win over the configured ones. {@code overrides}: tenant -> {review, hold}.
     */
    public Thresholds withTenants(Map<String, double[]> overrides) {
        Map<String, double[]> merged = new HashMap<>(perTenant);
        merged.putAll(overrides);
        return new Thresholds(review, hold, merged);
    }

    public DecisionType decide(String tenantId, double risk) {
        double[] t = perTenant.get(tenantId);
        double r = t == null ? review : t[0];
        double h = t == null ? hold : t[1];
        if (risk >= h) {
            return DecisionType.HOLD;
        }
        return risk >= r ? DecisionType.REVIEW : DecisionType.PASS;
    }
}

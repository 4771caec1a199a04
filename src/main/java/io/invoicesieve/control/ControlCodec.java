package io.invoicesieve.control;

import io.invoicesieve.model.ReasonCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * Reads dispositions (contract/disposition.schema.json) and controls (contract/control.schema.json)
 * into {@link ControlUpdate}s. Not on the invoices' hot path (a control change is rare), so it uses
 * Jackson's tree model. A record that is not valid throws {@link IllegalArgumentException} naming why.
 */
public final class ControlCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The reason-score of a VENDOR_RISK when a FRAUD disposition does not say more. */
    public static final double FRAUD_RISK = 0.6;

    private ControlCodec() {}

    public static ControlUpdate parse(byte[] json) {
        return parse(new String(json, StandardCharsets.UTF_8));
    }

    /** A disposition (has disposition_id) or a control (has control_id). */
    public static ControlUpdate parse(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        ControlUpdate u = n.has("disposition_id") ? disposition(n) : control(n);
        u.json = json;
        return u;
    }

    private static ControlUpdate disposition(JsonNode n) {
        ControlUpdate u = new ControlUpdate();
        u.origin = "disposition";
        u.id = required(n, "disposition_id");
        u.tenantId = required(n, "tenant_id");
        u.invoiceId = required(n, "invoice_id");
        u.vendorId = required(n, "vendor_id");
        u.verdict = required(n, "verdict");
        u.actor = required(n, "analyst");
        u.at = instant(n, "decided_at");
        u.note = text(n, "note");
        u.reasonCode = reasonCode(n);
        u.modelVersion = text(n, "model_version");
        switch (u.verdict) {
            case "NOT_DUPLICATE":
                u.type = ControlType.NOT_DUPLICATE_PAIR;
                pair(n, u);
                break;
            case "CONFIRMED_DUPLICATE":
                u.type = ControlType.LABEL;
                pair(n, u);
                break;
            case "FALSE_POSITIVE":
                u.type = ControlType.LABEL;
                if (n.has("pair")) {
                    pair(n, u);
                }
                break;
            case "FRAUD":
                u.type = ControlType.VENDOR_RISK;
                u.risk = FRAUD_RISK;
                break;
            case "BANK_ACCOUNT_VERIFIED":
                u.type = ControlType.VERIFIED_ACCOUNT;
                account(n, u);
                break;
            case "SAME_SUPPLIER":
                u.type = ControlType.SAME_SUPPLIER;
                u.otherVendorId = required(n, "other_vendor_id");
                break;
            case "DIFFERENT_SUPPLIERS":
                u.type = ControlType.DIFFERENT_SUPPLIERS;
                u.otherVendorId = required(n, "other_vendor_id");
                break;
            default:
                throw new IllegalArgumentException("unknown verdict '" + u.verdict + "'");
        }
        return u;
    }

    private static ControlUpdate control(JsonNode n) {
        ControlUpdate u = new ControlUpdate();
        u.origin = "control";
        u.id = required(n, "control_id");
        String type = required(n, "type");
        try {
            u.type = ControlType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown control type '" + type + "'");
        }
        if (u.type == ControlType.LABEL) {
            throw new IllegalArgumentException("unknown control type '" + type + "'");
        }
        u.actor = required(n, "actor");
        u.at = instant(n, "at");
        u.note = text(n, "note");
        u.revoke = n.path("revoke").asBoolean(false);
        u.tenantId = text(n, "tenant_id");
        u.vendorId = text(n, "vendor_id");
        u.otherVendorId = text(n, "other_vendor_id");
        u.modelVersion = text(n, "model_version");
        u.reasonCode = reasonCode(n);
        switch (u.type) {
            case TENANT_THRESHOLDS:
                need(u.tenantId, "tenant_id");
                u.reviewThreshold = number(n, "review_threshold");
                u.holdThreshold = number(n, "hold_threshold");
                if (!(u.reviewThreshold > 0 && u.reviewThreshold <= 1 && u.holdThreshold > 0 && u.holdThreshold <= 1
                        && u.reviewThreshold <= u.holdThreshold)) {
                    throw new IllegalArgumentException("thresholds must be within (0, 1] and review <= hold");
                }
                break;
            case REASON_SWITCH:
                need(u.tenantId, "tenant_id");
                need(u.reasonCode, "reason_code");
                if (!n.path("enabled").isBoolean()) {
                    throw new IllegalArgumentException("missing boolean 'enabled'");
                }
                u.enabled = n.get("enabled").asBoolean();
                break;
            case VERIFIED_ACCOUNT:
                need(u.tenantId, "tenant_id");
                need(u.vendorId, "vendor_id");
                account(n, u);
                break;
            case SAME_SUPPLIER:
            case DIFFERENT_SUPPLIERS:
                need(u.tenantId, "tenant_id");
                need(u.vendorId, "vendor_id");
                need(u.otherVendorId, "other_vendor_id");
                break;
            case NOT_DUPLICATE_PAIR:
                need(u.tenantId, "tenant_id");
                need(u.vendorId, "vendor_id");
                pair(n, u);
                break;
            case VENDOR_RISK:
                need(u.tenantId, "tenant_id");
                need(u.vendorId, "vendor_id");
                u.risk = number(n, "risk");
                if (!(u.risk >= 0 && u.risk <= 1)) {
                    throw new IllegalArgumentException("risk must be within [0, 1]");
                }
                break;
            case MODEL_PUBLISH:
                need(u.modelVersion, "model_version");
                if (!n.path("model").isObject()) {
                    throw new IllegalArgumentException("missing object 'model'");
                }
                u.model = n.get("model").toString();
                break;
            case MODEL_ACTIVATE:
                need(u.modelVersion, "model_version");
                break;
            default:
                throw new IllegalStateException(u.type.name());
        }
        return u;
    }

    private static void pair(JsonNode n, ControlUpdate u) {
        JsonNode pair = n.path("pair");
        if (!pair.isObject()) {
            throw new IllegalArgumentException("missing object 'pair'");
        }
        JsonNode a = pair.path("invoice");
        JsonNode b = pair.path("matched");
        if (!a.isObject() || !b.isObject()) {
            throw new IllegalArgumentException("'pair' needs 'invoice' and 'matched'");
        }
        if (u.invoiceId == null) {
            u.invoiceId = required(a, "invoice_id");
        }
        u.matchedInvoiceId = required(b, "invoice_id");
        u.fingerprint = fingerprint(a);
        u.matchedFingerprint = fingerprint(b);
    }

    private static String fingerprint(JsonNode invoice) {
        try {
            return PairKeys.fingerprint(required(invoice, "invoice_number"), required(invoice, "amount"),
                    required(invoice, "currency"), required(invoice, "invoice_date"));
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith("missing")) {
                throw e;
            }
            throw new IllegalArgumentException("bad pair invoice: " + e.getMessage());
        }
    }

    private static void account(JsonNode n, ControlUpdate u) {
        u.accountSha256 = required(n, "account_sha256").toLowerCase(Locale.ROOT);
        if (!u.accountSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("account_sha256 is not a SHA-256 in hex");
        }
        u.accountMasked = text(n, "account_masked");
    }

    private static String reasonCode(JsonNode n) {
        String code = text(n, "reason_code");
        if (code != null) {
            try {
                ReasonCode.valueOf(code);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown reason_code '" + code + "'");
            }
        }
        return code;
    }

    private static void need(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
    }

    private static String required(JsonNode n, String field) {
        String v = text(n, field);
        need(v, field);
        return v;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("'" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("missing number '" + field + "'");
        }
        return v.asDouble();
    }

    private static long instant(JsonNode n, String field) {
        String v = required(n, field);
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + field + "' is not an RFC 3339 date-time: " + v);
        }
    }
}

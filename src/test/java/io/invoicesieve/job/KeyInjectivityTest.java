package io.invoicesieve.job;

import io.invoicesieve.detect.bank.Accounts;
import io.invoicesieve.functions.AccountSharing;
import io.invoicesieve.functions.InvoiceScorer;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.sinks.KafkaSinks;
import io.invoicesieve.sinks.OpenSearchDecisionSink;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenants are kept apart by every composite key: no two different inputs the parser accepts share a
 * keyed-state key (InvoiceScorer.key, AccountSharing.key), a Kafka key, an OpenSearch document id or
 * a trace id. Property style: adversarial ids made of separators, escapes, look-alikes and unicode,
 * each pair that a key could confuse, and the crafted collisions of the issue.
 */
class KeyInjectivityTest {

    /** Pieces of adversarial ids: every separator the keys use, escapes, look-alikes, unicode. */
    private static final String[] ATOMS = {
        "a", "b", "c", "acme", "x", "1", ":", "\u001f", "\u001e", "#", "\\", "\\u001f", "\"", "/", ".", "-", "_",
        "\u00e9", "\uD83D\uDE00", "\uFF1A", "\u2028", " ", "\u0000", "\uD800", "x:1", "%3A", "\u0085", "\u007f",
    };

    private final InvoiceParser parser = new InvoiceParser();

    @Test
    void theCraftedCollisionsOfTheIssueCannotBothGetIn() {
        // tenant a<US>b / vendor c and tenant a / vendor b<US>c: one scorer key before
        assertThat(distinct(
                invoice("a\u001fb", "c", "i-1", null), invoice("a", "b\u001fc", "i-1", null))).isTrue();
        // acme:x + 1 and acme + x:1: one document id and Kafka key before (a PASS deleted the other's flag)
        assertThat(distinct(invoice("acme:x", "V", "1", null), invoice("acme", "V", "x:1", null))).isTrue();
        // an account "#FZ-1" and the invoice FZ-1 without one: one account-sharing key before
        assertThat(distinct(invoice("a", "V", "i-2", "#FZ-1"), invoice("a", "V", "FZ-1", null))).isTrue();
    }

    @Test
    void noTwoAcceptedInputsShareAnyKey() {
        Random random = new Random(20261201);
        Map<String, String> scorer = new HashMap<>();
        Map<String, String> sharing = new HashMap<>();
        Map<String, String> kafka = new HashMap<>();
        Map<String, String> document = new HashMap<>();
        Map<String, String> trace = new HashMap<>();
        List<String> collisions = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            String tenant = random.nextInt(4) == 0 ? "acme" : id(random);
            String vendor = id(random);
            String invoiceId = id(random);
            String account = random.nextInt(3) == 0 ? null : id(random);
            Invoice inv = parse(tenant, vendor, invoiceId, account);
            if (inv == null) {
                continue;
            }
            accepted++;
            Decision d = decision(inv);
            String accountKey = Accounts.normalize(inv.remitAccount);
            check(collisions, scorer, "InvoiceScorer.key", InvoiceScorer.key(inv), inv.tenantId + " | " + inv.vendorId);
            check(collisions, sharing, "AccountSharing.key", AccountSharing.key(inv.tenantId, accountKey, inv.invoiceId),
                    inv.tenantId + " | " + (accountKey == null ? "no account, invoice " + inv.invoiceId : "account " + accountKey));
            check(collisions, kafka, "Kafka key", KafkaSinks.decisionKey(d), inv.tenantId + " | " + inv.invoiceId);
            check(collisions, document, "document id", OpenSearchDecisionSink.documentId(d), inv.tenantId + " | " + inv.invoiceId);
            check(collisions, trace, "trace id", InvoiceParser.traceId(inv.tenantId, inv.invoiceId), inv.tenantId + " | " + inv.invoiceId);
        }
        assertThat(accepted).as("adversarial inputs the parser accepted").isGreaterThan(10_000);
        assertThat(collisions).isEmpty();
    }

    private static void check(List<String> collisions, Map<String, String> seen, String what, String key, String parts) {
        String before = seen.putIfAbsent(key, parts);
        if (before != null && !before.equals(parts) && collisions.size() < 10) {
            collisions.add(what + " " + printable(key) + " for both [" + printable(before) + "] and [" + printable(parts) + "]");
        }
    }

    /** True when the parser rejects one of the two, or no key of theirs is equal while its parts differ. */
    private boolean distinct(String[] a, String[] b) {
        Invoice x = parse(a[0], a[1], a[2], a[3]);
        Invoice y = parse(b[0], b[1], b[2], b[3]);
        if (x == null || y == null) {
            return true;
        }
        String ax = Accounts.normalize(x.remitAccount);
        String ay = Accounts.normalize(y.remitAccount);
        boolean sameVendor = x.tenantId.equals(y.tenantId) && x.vendorId.equals(y.vendorId);
        boolean sameAccountKey = x.tenantId.equals(y.tenantId)
                && (ax == null ? ay == null && x.invoiceId.equals(y.invoiceId) : ax.equals(ay));
        boolean sameInvoice = x.tenantId.equals(y.tenantId) && x.invoiceId.equals(y.invoiceId);
        return InvoiceScorer.key(x).equals(InvoiceScorer.key(y)) == sameVendor
                && AccountSharing.key(x.tenantId, ax, x.invoiceId).equals(AccountSharing.key(y.tenantId, ay, y.invoiceId)) == sameAccountKey
                && KafkaSinks.decisionKey(decision(x)).equals(KafkaSinks.decisionKey(decision(y))) == sameInvoice
                && OpenSearchDecisionSink.documentId(decision(x)).equals(OpenSearchDecisionSink.documentId(decision(y))) == sameInvoice;
    }

    private static String[] invoice(String tenant, String vendor, String invoiceId, String account) {
        return new String[] {tenant, vendor, invoiceId, account};
    }

    private static String id(Random random) {
        StringBuilder b = new StringBuilder();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            b.append(ATOMS[random.nextInt(ATOMS.length)]);
        }
        return b.toString();
    }

    private Invoice parse(String tenant, String vendor, String invoiceId, String account) {
        String json = "{\"tenant_id\":" + quote(tenant) + ",\"invoice_id\":" + quote(invoiceId) + ",\"vendor_id\":" + quote(vendor)
                + ",\"invoice_number\":\"N-1\",\"invoice_date\":\"2026-03-02\",\"event_time\":\"2026-03-02T09:00:00Z\","
                + "\"amount\":\"10.00\",\"currency\":\"EUR\",\"remit_account\":" + (account == null ? "null" : quote(account)) + "}";
        InboundRecord r = parser.parseRecord(json, "file:line 1");
        return r.invoice;
    }

    /** A JSON string with every character escaped that JSON requires (lone surrogates written as \\uXXXX). */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static Decision decision(Invoice inv) {
        Decision d = new Decision();
        d.tenantId = inv.tenantId;
        d.invoiceId = inv.invoiceId;
        d.vendorId = inv.vendorId;
        return d;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("<U+%04X>", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}

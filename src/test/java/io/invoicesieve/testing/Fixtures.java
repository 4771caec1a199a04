package io.invoicesieve.testing;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.serde.InvoiceParser;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/** Test data: a fixed base instant and an invoice builder. */
public final class Fixtures {

    public static final Instant BASE = Instant.parse("2026-03-02T09:00:00Z");
    public static final long DAY = Duration.ofDays(1).toMillis();

    /**
     * {@code sieve.duplicates.cross-vendor.order-hold} of the streaming ITCases. Their invoices are
     * dated around March 2026 and run months later, so every one is a replay, and at an account two
     * vendor ids use its decision would wait for the watermark, or for the 10 min default when the
     * input goes idle at the end of a test. One second keeps their waits short and still takes the
     * hold's path (state, timers, savepoints, rescaling); the hold itself is tested by OrderHoldTest
     * (harness) and AccuracyITCase (bounded input, the default).
     */
    public static final Map<String, String> STREAMING_TEST_SETTINGS =
            Map.of(SieveOptions.DUPLICATE_CROSS_VENDOR_ORDER_HOLD.key(), "1 s");

    private Fixtures() {}

    public static SieveConfig config(Map<String, String> settings) {
        return SieveConfig.of(settings);
    }

    public static DetectorSettings settings() {
        return new DetectorSettings(SieveConfig.defaults(), "test");
    }

    public static DetectorSettings settings(Map<String, String> settings) {
        return new DetectorSettings(SieveConfig.of(settings), "test");
    }

    public static InvoiceBuilder invoice(String invoiceId) {
        return new InvoiceBuilder(invoiceId);
    }

    /** Builds invoices; defaults: tenant acme, vendor V-1001, 1250.00 EUR, account DE89...3000. */
    public static final class InvoiceBuilder {
        private final Invoice inv = new Invoice();

        InvoiceBuilder(String invoiceId) {
            inv.tenantId = "acme";
            inv.invoiceId = invoiceId;
            inv.vendorId = "V-1001";
            inv.invoiceNumber = "INV-2026-0042";
            inv.eventTime = BASE;
            inv.invoiceDate = LocalDate.ofInstant(BASE, ZoneOffset.UTC);
            inv.amount = new BigDecimal("1250.00");
            inv.currency = "EUR";
            inv.remitAccount = "DE89370400440532013000";
            inv.source = "edi";
        }

        public InvoiceBuilder tenant(String tenant) {
            inv.tenantId = tenant;
            return this;
        }

        public InvoiceBuilder vendor(String vendor) {
            inv.vendorId = vendor;
            return this;
        }

        public InvoiceBuilder number(String number) {
            inv.invoiceNumber = number;
            return this;
        }

        public InvoiceBuilder amount(String amount) {
            inv.amount = new BigDecimal(amount);
            return this;
        }

        public InvoiceBuilder currency(String currency) {
            inv.currency = currency;
            return this;
        }

        public InvoiceBuilder account(String account) {
            inv.remitAccount = account;
            return this;
        }

        /** Event time {@code days} after the base (fractions allowed); invoice date follows. */
        public InvoiceBuilder day(double days) {
            inv.eventTime = BASE.plusMillis((long) (days * DAY));
            inv.invoiceDate = LocalDate.ofInstant(inv.eventTime, ZoneOffset.UTC);
            return this;
        }

        public InvoiceBuilder invoiceDate(LocalDate date) {
            inv.invoiceDate = date;
            return this;
        }

        public InvoiceBuilder description(String description) {
            inv.description = description;
            return this;
        }

        public InvoiceBuilder confidence(Double confidence) {
            inv.extractionConfidence = confidence;
            return this;
        }

        public Invoice build() {
            inv.traceId = InvoiceParser.traceId(inv.tenantId, inv.invoiceId);
            return inv;
        }
    }
}

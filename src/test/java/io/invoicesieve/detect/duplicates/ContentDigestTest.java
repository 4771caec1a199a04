package io.invoicesieve.detect.duplicates;

import io.invoicesieve.model.Invoice;

import org.apache.flink.shaded.guava31.com.google.common.hash.Hashing;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/** The content digest: SipHash-2-4 as specified, and exactly the payment fields in it. */
class ContentDigestTest {

    @Test
    void sipHashIsTheReferenceFunction() {
        // the paper's test vector: key 00..0f, message 00..0e
        byte[] m = new byte[15];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) i;
        }
        long k0 = 0x0706050403020100L;
        long k1 = 0x0f0e0d0c0b0a0908L;
        assertThat(ContentDigest.sipHash24(k0, k1, m, 15)).isEqualTo(0xa129ca6149be45e5L);
        // and Guava's implementation on every length around the 8-byte words
        SplittableRandom r = new SplittableRandom(7);
        for (int n = 0; n < 100; n++) {
            byte[] data = new byte[n];
            for (int i = 0; i < n; i++) {
                data[i] = (byte) r.nextInt(256);
            }
            long a = r.nextLong();
            long b = r.nextLong();
            assertThat(ContentDigest.sipHash24(a, b, data, n)).as("length %d", n)
                    .isEqualTo(Hashing.sipHash24(a, b).hashBytes(data).asLong());
        }
    }

    @Test
    void everyPaymentFieldChangesTheDigest() {
        long base = ContentDigest.of(invoice("a-1").build());
        assertChanges(base, i -> i.amount = new BigDecimal("1250.01"));
        assertChanges(base, i -> i.currency = "USD");
        assertChanges(base, i -> i.remitAccount = "DE89370400440532013001");
        assertChanges(base, i -> i.remitBankCode = "COBADEFFXXX");
        assertChanges(base, i -> i.invoiceNumber = "INV-2026-0043");
        assertChanges(base, i -> i.invoiceDate = i.invoiceDate.plusDays(1));
        assertChanges(base, i -> i.vendorId = "V-1002");
        assertChanges(base, i -> i.remitAccount = null);
    }

    @Test
    void whatDoesNotChangeThePaymentKeepsTheDigest() {
        long base = ContentDigest.of(invoice("a-1").build());
        assertKeeps(base, i -> i.amount = new BigDecimal("1250"));
        assertKeeps(base, i -> i.amount = new BigDecimal("1250.000"));
        assertKeeps(base, i -> i.remitAccount = "de89 3704 0044 0532 0130 00");
        assertKeeps(base, i -> i.eventTime = Instant.parse("2026-05-01T00:00:00Z"));
        assertKeeps(base, i -> i.source = "portal");
        assertKeeps(base, i -> i.description = "re-sent");
        assertKeeps(base, i -> i.extractionConfidence = 0.4);
        assertKeeps(base, i -> i.dueDate = LocalDate.of(2026, 6, 1));
        assertKeeps(base, i -> i.poNumber = "PO-1");
    }

    @Test
    void fieldsDoNotRunIntoEachOther() {
        Invoice a = invoice("a-1").number("12").build();
        a.currency = "3EU";
        Invoice b = invoice("a-1").number("123").build();
        b.currency = "EU";
        assertThat(ContentDigest.of(a)).isNotEqualTo(ContentDigest.of(b));
        assertThat(ContentDigest.hex(0x1fL)).isEqualTo("000000000000001f");
        assertThat(ContentDigest.hex(-1L)).isEqualTo("ffffffffffffffff");
    }

    private static void assertChanges(long base, Consumer<Invoice> change) {
        Invoice inv = invoice("a-1").build();
        change.accept(inv);
        assertThat(ContentDigest.of(inv)).as(inv.toString()).isNotEqualTo(base);
    }

    private static void assertKeeps(long base, Consumer<Invoice> change) {
        Invoice inv = invoice("a-1").build();
        change.accept(inv);
        assertThat(ContentDigest.of(inv)).as(inv.toString()).isEqualTo(base);
    }
}

package io.invoicesieve.serde;

import java.util.UUID;

/**
 * Trace ids: a stable UUID per (tenant, invoice), so a re-delivery, a restart or a replay traces to the
 * same id. Until 0.1.0 this was {@code UUID.nameUUIDFromBytes} (a version-3 UUID, MD5): about 8% of the
 * job's CPU in the last profile (benchmarks/REPORT.md). Nothing needs a cryptographic hash here (the id
 * is not a secret and not an authenticator), so now it is MurmurHash3 x64 128 (seed 0) over the UTF-16LE
 * code units of {@code tenantId + U+001F + invoiceId}, hashed straight from the strings (no byte array),
 * written as an RFC 9562 version-8 UUID (custom layout: the 4 version and 2 variant bits overwritten,
 * 122 hash bits kept).
 *
 * <p>Injective enough: the tenant id cannot contain U+001F, so each pair is one input; two distinct
 * inputs share an id with probability about 2^-122 per pair, so among n ids the chance of any collision
 * is about n^2 / 2^123: 10^-13 for 10^12 invoices.
 */
public final class TraceIds {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final char SEPARATOR = '\u001f';

    private TraceIds() {}

    /** The trace id of (tenant, invoice) as a UUID string. */
    public static String of(String tenantId, String invoiceId) {
        return uuid(tenantId, invoiceId).toString();
    }

    /** The trace id of (tenant, invoice). */
    public static UUID uuid(String tenantId, String invoiceId) {
        long[] h = murmur3(tenantId, invoiceId);
        long msb = (h[0] & ~0xF000L) | 0x8000L; // version 8
        long lsb = (h[1] & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // variant 10
        return new UUID(msb, lsb);
    }

    /** MurmurHash3 x64 128, seed 0, of the UTF-16LE bytes of {@code a + U+001F + b}: {h1, h2}. */
    static long[] murmur3(String a, String b) {
        int na = a.length();
        int n = na + 1 + b.length();
        long h1 = 0;
        long h2 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long k1 = chars4(a, b, na, i);
            long k2 = chars4(a, b, na, i + 4);
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int rest = n - i; // 0..7 chars = 0..14 bytes
        if (rest > 0) {
            long k1 = 0;
            long k2 = 0;
            for (int j = 0; j < rest; j++) {
                long c = charAt(a, b, na, i + j);
                if (j < 4) {
                    k1 |= c << (16 * j);
                } else {
                    k2 |= c << (16 * (j - 4));
                }
            }
            if (rest > 4) {
                k2 *= C2;
                k2 = Long.rotateLeft(k2, 33);
                k2 *= C1;
                h2 ^= k2;
            }
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
        }
        long len = 2L * n;
        h1 ^= len;
        h2 ^= len;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        h2 += h1;
        return new long[] {h1, h2};
    }

    private static long chars4(String a, String b, int na, int i) {
        return charAt(a, b, na, i)
                | (long) charAt(a, b, na, i + 1) << 16
                | (long) charAt(a, b, na, i + 2) << 32
                | (long) charAt(a, b, na, i + 3) << 48;
    }

    private static char charAt(String a, String b, int na, int i) {
        return i < na ? a.charAt(i) : i == na ? SEPARATOR : b.charAt(i - na - 1);
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}

package io.invoicesieve.detect.duplicates;

import io.invoicesieve.model.Invoice;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * The 64-bit digest of what a payment depends on, so that a re-delivery of a known invoice_id can be
 * told apart from a changed one ({@link ReplayFilter}) without keeping the payload.
 *
 * <p>Covered, each normalized the way a payment would read it: vendor_id, invoice_number (as given:
 * a changed character is another document), invoice_date, amount (its numeric value: "1250.00" and
 * 1250 are one amount), currency, remit_account (upper case without spaces, dashes and dots, as
 * {@code detect/bank/Accounts.normalize}) and remit_bank_code (the same). Not covered, because they
 * do not change who is paid how much: event_time, source, description, po_number, due_date,
 * extraction_confidence, unknown fields. vendor_id is part of the scorer's key, so within a key it
 * never differs; it is covered so that the digest means the same outside the key.
 *
 * <p>SipHash-2-4 (Aumasson and Bernstein, 2012) with a fixed, public key over a length-prefixed
 * UTF-8 encoding of the fields (no two field lists encode alike). It is a change detector, not an
 * authenticator: the key is not secret, and 64 bits means that whoever controls <em>both</em>
 * deliveries could search for two payloads with one digest (about 2^32 trials, the birthday bound of
 * any 64-bit digest); a change of a delivery someone else made needs a second preimage (about 2^64).
 * Unlike MurmurHash or FNV, SipHash has no known structural collisions.
 */
public final class ContentDigest {

    // "invoice-sieve/cd" as two little-endian words: fixed so that digests in state survive restarts
    private static final long K0 = 0x2d6563696f766e69L;
    private static final long K1 = 0x64632f6576656973L;

    private ContentDigest() {}

    /** The digest of the invoice's payment fields. */
    public static long of(Invoice inv) {
        Encoder e = new Encoder();
        e.field(inv.vendorId);
        e.field(inv.invoiceNumber);
        e.field(inv.invoiceDate == null ? null : inv.invoiceDate.toString());
        e.field(amount(inv.amount));
        e.field(inv.currency);
        e.field(normalize(inv.remitAccount));
        e.field(normalize(inv.remitBankCode));
        return sipHash24(K0, K1, e.bytes, e.length);
    }

    /** 16 lower-case hex digits, as the evidence carries it. */
    public static String hex(long digest) {
        String h = Long.toHexString(digest);
        return "0000000000000000".substring(h.length()) + h;
    }

    private static String amount(BigDecimal amount) {
        return amount == null ? null : amount.stripTrailingZeros().toPlainString();
    }

    /** As {@code detect/bank/Accounts.normalize}, which this room may not import. */
    static String normalize(String account) {
        if (account == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(account.length());
        for (int i = 0; i < account.length(); i++) {
            char c = account.charAt(i);
            if (c != ' ' && c != '-' && c != '.' && c != '\t') {
                out.append(Character.toUpperCase(c));
            }
        }
        return out.length() == 0 ? null : out.toString();
    }

    /** Each field as its UTF-8 length (-1: absent) then its bytes. */
    private static final class Encoder {
        byte[] bytes = new byte[128];
        int length;

        void field(String value) {
            if (value == null) {
                putInt(-1);
                return;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            putInt(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, bytes, length, utf8.length);
            length += utf8.length;
        }

        private void putInt(int v) {
            ensure(4);
            bytes[length++] = (byte) v;
            bytes[length++] = (byte) (v >>> 8);
            bytes[length++] = (byte) (v >>> 16);
            bytes[length++] = (byte) (v >>> 24);
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    /** SipHash-2-4 of {@code data[0, length)} with the key (k0, k1), words read little-endian. */
    static long sipHash24(long k0, long k1, byte[] data, int length) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        int end = length - (length % 8);
        for (int i = 0; i < end; i += 8) {
            long m = word(data, i, 8);
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        long m = ((long) length << 56) | word(data, end, length - end);
        v3 ^= m;
        for (int r = 0; r < 2; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= m;
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static long word(byte[] data, int from, int n) {
        long w = 0;
        for (int i = n - 1; i >= 0; i--) {
            w = (w << 8) | (data[from + i] & 0xffL);
        }
        return w;
    }
}

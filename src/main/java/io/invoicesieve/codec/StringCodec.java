package io.invoicesieve.codec;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Strings in the byte format of Flink's {@code StringValue} (and {@code StringSerializer}), read and
 * written in bulk. The format: the length plus one as a variable-length int (7 bits a byte, 0 for
 * null), then each char as a variable-length int, so an ASCII char is one byte. Every serializer of
 * ours writes its strings in it, the record serializers in flight and the state serializers on disk,
 * so that savepoints written by 0.1.0 read unchanged.
 *
 * <p>Why not {@code StringValue} itself: it reads and writes one byte per interface call, through a
 * thread-local char buffer, and builds the string from chars. On RocksDB every state read and write
 * runs it for every string of the value. That was the largest single cost of a RocksDB run
 * (benchmarks/REPORT.md, round seven). Here an ASCII string, which every id, number, currency and
 * key of a real ledger is, costs one bulk copy each way. Any other string falls back to the char
 * loop, and yields the same bytes.
 */
public final class StringCodec {

    private static final int HIGH_BIT = 0x80;

    /** What the JDK's ASCII decoder puts for a byte beyond ASCII. */
    private static final char NOT_ASCII = '\ufffd';

    private StringCodec() {}

    /**
     * {@code len} bytes at {@code from} as a string if they are all ASCII, else null. The JDK's
     * ASCII decoder checks the bytes with a vectorized intrinsic and copies them as they are into a
     * Latin-1 string; on a byte beyond ASCII it puts {@link #NOT_ASCII}, which a Latin-1 string
     * cannot hold, so {@code indexOf} answers at once for the ASCII case. Why: a duplicate-index
     * bucket of a high-volume vendor holds up to a couple of hundred entries of four strings each,
     * read on every invoice, and the byte-by-byte check of each was the largest self time of a RocksDB run's
     * scoring thread (benchmarks/REPORT.md, round ten).
     */
    static String ascii(byte[] bytes, int from, int len) {
        String s = new String(bytes, from, len, StandardCharsets.US_ASCII);
        return s.indexOf(NOT_ASCII) < 0 ? s : null;
    }

    /** The index of the first byte in {@code [from, to)} with its high bit set, or {@code to}. */
    static int firstWide(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) {
                return i;
            }
        }
        return to;
    }

    /** Writes {@code s} (null allowed) exactly as {@code StringValue.writeString} does. */
    public static void write(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.write(0);
            return;
        }
        int len = s.length();
        writeVarInt(len + 1, out);
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) >= HIGH_BIT) {
                writeChars(s, i, out);
                return;
            }
        }
        // an ASCII string is stored as its Latin-1 bytes: one copy, one bulk write
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The chars of {@code s} from the first non-ASCII one: the ASCII prefix in bulk, then char by char. */
    private static void writeChars(String s, int firstWide, DataOutputView out) throws IOException {
        if (firstWide > 0) {
            out.write(s.substring(0, firstWide).getBytes(StandardCharsets.ISO_8859_1));
        }
        for (int i = firstWide; i < s.length(); i++) {
            writeVarInt(s.charAt(i), out);
        }
    }

    private static void writeVarInt(int v, DataOutputView out) throws IOException {
        while (v >= HIGH_BIT) {
            out.write(v | HIGH_BIT);
            v >>>= 7;
        }
        out.write(v);
    }

    /** Reads a string written by {@link #write} or by {@code StringValue.writeString}; null if it was null. */
    public static String read(DataInputView in) throws IOException {
        int len = readVarInt(in);
        if (len == 0) {
            return null;
        }
        len -= 1;
        // every char takes at least one byte: the next len bytes belong to this string
        byte[] bytes = new byte[len];
        in.readFully(bytes);
        String ascii = ascii(bytes, 0, len);
        return ascii != null ? ascii : readChars(bytes, firstWide(bytes, 0, len), len, in);
    }

    /**
     * The rest of a string with a char beyond ASCII at {@code firstWide}: the bytes already read
     * decode first, then the stream. The wide chars took more than one byte each, so the string's
     * last bytes are still in the stream.
     */
    private static String readChars(byte[] bytes, int firstWide, int len, DataInputView in) throws IOException {
        char[] chars = new char[len];
        for (int i = 0; i < firstWide; i++) {
            chars[i] = (char) bytes[i];
        }
        int pos = firstWide;
        for (int i = firstWide; i < len; i++) {
            int c = pos < len ? bytes[pos++] & 0xff : in.readUnsignedByte();
            if (c >= HIGH_BIT) {
                c &= 0x7f;
                int shift = 7;
                int curr;
                while ((curr = pos < len ? bytes[pos++] & 0xff : in.readUnsignedByte()) >= HIGH_BIT) {
                    c |= (curr & 0x7f) << shift;
                    shift += 7;
                }
                c |= curr << shift;
            }
            chars[i] = (char) c;
        }
        return new String(chars);
    }

    private static int readVarInt(DataInputView in) throws IOException {
        int v = in.readUnsignedByte();
        if (v < HIGH_BIT) {
            return v;
        }
        v &= 0x7f;
        int shift = 7;
        int curr;
        while ((curr = in.readUnsignedByte()) >= HIGH_BIT) {
            v |= (curr & 0x7f) << shift;
            shift += 7;
        }
        return v | (curr << shift);
    }

    /** An array of strings (null allowed, as count -1; elements may be null): the count, then each. */
    public static void writeArray(String[] values, DataOutputView out) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        for (String v : values) {
            write(v, out);
        }
    }

    /** Reads what {@link #writeArray} wrote. */
    public static String[] readArray(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            values[i] = read(in);
        }
        return values;
    }
}

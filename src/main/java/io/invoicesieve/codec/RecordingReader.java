package io.invoicesieve.codec;

import org.apache.flink.core.memory.DataInputView;

import java.io.IOException;
import java.util.Arrays;

/**
 * Reads fields from a {@link DataInputView} and keeps the bytes it read, so that a value read back
 * unchanged can be written again as one bulk copy of those bytes instead of field by field. Strings
 * are in {@link StringCodec}'s format (Flink's {@code StringValue}), numbers big-endian as
 * {@code DataInput} writes them: {@link #recorded} is byte for byte what was read.
 *
 * <p>Why: on RocksDB a duplicate-index bucket is read, one entry appended and written back on every
 * invoice. Re-encoding each of its entries' four strings was a tenth of the scoring thread's samples
 * (benchmarks/REPORT.md, round nine); copying the recorded bytes of the unchanged entries is not.
 *
 * <p>Not thread-safe: one instance per deserialization call.
 */
public final class RecordingReader {

    private static final int HIGH_BIT = 0x80;

    private byte[] buf = new byte[128];
    /** End of the current record in {@link #buf}, which starts at 0. */
    private int pos;

    /** Starts a new record: {@link #recorded} returns what is read from here on. */
    public void begin() {
        pos = 0;
    }

    /** The bytes read since {@link #begin}, as a new array. */
    public byte[] recorded() {
        return Arrays.copyOf(buf, pos);
    }

    /** Reads a string written by {@link StringCodec#write}; null if it was null. */
    public String readString(DataInputView in) throws IOException {
        int len = readVarInt(in);
        if (len == 0) {
            return null;
        }
        len -= 1;
        // every char takes at least one byte: the next len bytes belong to this string
        ensure(len);
        int from = pos;
        in.readFully(buf, pos, len);
        pos += len;
        String ascii = StringCodec.ascii(buf, from, len);
        return ascii != null ? ascii : readChars(from, StringCodec.firstWide(buf, from, from + len), len, in);
    }

    /**
     * The rest of a string with a char beyond ASCII at {@code firstWide}: the bytes already read
     * decode first, then the stream, whose bytes are recorded too.
     */
    private String readChars(int from, int firstWide, int len, DataInputView in) throws IOException {
        char[] chars = new char[len];
        int i = 0;
        for (int p = from; p < firstWide; p++) {
            chars[i++] = (char) buf[p];
        }
        int p = firstWide;
        for (; i < len; i++) {
            int c = p < pos ? buf[p++] & 0xff : record(in, p++);
            if (c >= HIGH_BIT) {
                c &= 0x7f;
                int shift = 7;
                int curr;
                while ((curr = p < pos ? buf[p++] & 0xff : record(in, p++)) >= HIGH_BIT) {
                    c |= (curr & 0x7f) << shift;
                    shift += 7;
                }
                c |= curr << shift;
            }
            chars[i] = (char) c;
        }
        return new String(chars);
    }

    /** Reads one byte from the stream into the record, at {@code p} (which is the end of the record). */
    private int record(DataInputView in, int p) throws IOException {
        ensure(1);
        int b = in.readUnsignedByte();
        buf[p] = (byte) b;
        pos = p + 1;
        return b;
    }

    /** Reads a long as {@code DataInput.readLong} does. */
    public long readLong(DataInputView in) throws IOException {
        ensure(8);
        in.readFully(buf, pos, 8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    /** Reads an int as {@code DataInput.readInt} does. */
    public int readInt(DataInputView in) throws IOException {
        ensure(4);
        in.readFully(buf, pos, 4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    private int readVarInt(DataInputView in) throws IOException {
        int v = record(in, pos);
        if (v < HIGH_BIT) {
            return v;
        }
        v &= 0x7f;
        int shift = 7;
        int curr;
        while ((curr = record(in, pos)) >= HIGH_BIT) {
            v |= (curr & 0x7f) << shift;
            shift += 7;
        }
        return v | (curr << shift);
    }

    /** Room for {@code n} more bytes; what the record holds keeps its positions. */
    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, pos + n));
        }
    }
}

package io.invoicesieve.serde;

import io.invoicesieve.codec.StringCodec;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;

/** Field writers shared by the hand-written record serializers: nulls allowed everywhere. */
final class SerializerIO {

    private static final long NULL_LONG = Long.MIN_VALUE;

    private SerializerIO() {}

    static void writeString(String s, DataOutputView out) throws IOException {
        StringCodec.write(s, out); // writes null as length 0
    }

    static String readString(DataInputView in) throws IOException {
        return StringCodec.read(in);
    }

    static void writeInstant(Instant t, DataOutputView out) throws IOException {
        if (t == null) {
            out.writeLong(NULL_LONG);
            return;
        }
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    static Instant readInstant(DataInputView in) throws IOException {
        long seconds = in.readLong();
        return seconds == NULL_LONG ? null : Instant.ofEpochSecond(seconds, in.readInt());
    }

    static void writeDate(LocalDate d, DataOutputView out) throws IOException {
        out.writeLong(d == null ? NULL_LONG : d.toEpochDay());
    }

    static LocalDate readDate(DataInputView in) throws IOException {
        long day = in.readLong();
        return day == NULL_LONG ? null : LocalDate.ofEpochDay(day);
    }

    static void writeDecimal(BigDecimal d, DataOutputView out) throws IOException {
        if (d == null) {
            out.writeByte(0);
            return;
        }
        BigInteger unscaled = d.unscaledValue();
        if (unscaled.bitLength() < 63) {
            out.writeByte(1);
            out.writeLong(unscaled.longValue());
        } else {
            out.writeByte(2);
            byte[] bytes = unscaled.toByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        out.writeInt(d.scale());
    }

    static BigDecimal readDecimal(DataInputView in) throws IOException {
        byte tag = in.readByte();
        if (tag == 0) {
            return null;
        }
        if (tag == 1) {
            long unscaled = in.readLong();
            return BigDecimal.valueOf(unscaled, in.readInt());
        }
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new BigDecimal(new BigInteger(bytes), in.readInt());
    }

    static void writeStrings(String[] values, DataOutputView out) throws IOException {
        StringCodec.writeArray(values, out);
    }

    static String[] readStrings(DataInputView in) throws IOException {
        return StringCodec.readArray(in);
    }

    static void writeDouble(Double d, DataOutputView out) throws IOException {
        out.writeBoolean(d != null);
        if (d != null) {
            out.writeDouble(d);
        }
    }

    static Double readDouble(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }

    static void writeInteger(Integer i, DataOutputView out) throws IOException {
        out.writeBoolean(i != null);
        if (i != null) {
            out.writeInt(i);
        }
    }

    static Integer readInteger(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readInt() : null;
    }

    static void writeLongObject(Long l, DataOutputView out) throws IOException {
        out.writeBoolean(l != null);
        if (l != null) {
            out.writeLong(l);
        }
    }

    static Long readLongObject(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }
}

package io.invoicesieve.codec;

import io.invoicesieve.testing.RandomStrings;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RecordingReader} reads what {@link StringCodec} and {@code DataOutput} wrote, and the bytes
 * it records are exactly the bytes of each record: written back, they are the stream again.
 */
class RecordingReaderTest {

    /** A record: a string, a long, a string, an int, as a duplicate-index entry mixes them. */
    private record Fields(String a, long b, String c, int d) {}

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 20261203})
    void readsTheValuesAndRecordsTheirBytesRecordByRecord(long seed) throws IOException {
        Random random = new Random(seed);
        List<Fields> records = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            records.add(new Fields(RandomStrings.next(random), random.nextLong(),
                    random.nextInt(10) == 0 ? null : RandomStrings.next(random), random.nextInt()));
        }
        // the buffer's growth, the lengths of two and three bytes, a wide char at the very end
        records.add(new Fields("x".repeat(127), Long.MIN_VALUE, "é".repeat(300) + "ascii tail", Integer.MIN_VALUE));
        records.add(new Fields("x".repeat(20_000), -1L, "ascii head" + "€".repeat(300), -1));
        records.add(new Fields("", 0L, "ab\uffff", 0));

        DataOutputSerializer out = new DataOutputSerializer(64);
        List<byte[]> written = new ArrayList<>();
        for (Fields f : records) {
            int from = out.length();
            StringCodec.write(f.a(), out);
            out.writeLong(f.b());
            StringCodec.write(f.c(), out);
            out.writeInt(f.d());
            written.add(Arrays.copyOfRange(out.getSharedBuffer(), from, out.length()));
        }

        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        RecordingReader reader = new RecordingReader();
        DataOutputSerializer again = new DataOutputSerializer(64);
        for (int i = 0; i < records.size(); i++) {
            reader.begin();
            Fields back = new Fields(reader.readString(in), reader.readLong(in), reader.readString(in), reader.readInt(in));
            assertThat(back).isEqualTo(records.get(i));
            byte[] recorded = reader.recorded();
            assertThat(recorded).as("record %d", i).isEqualTo(written.get(i));
            again.write(recorded);
        }
        assertThat(in.available()).as("nothing read beyond the last record").isZero();
        assertThat(again.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }

    @Test
    void readsNoFurtherThanItsFieldsAndEachRecordIsAFreshArray() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StringCodec.write("INV-1", out);
        out.writeInt(0x5eed);
        StringCodec.write("INV-2", out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        RecordingReader reader = new RecordingReader();
        reader.begin();
        assertThat(reader.readString(in)).isEqualTo("INV-1");
        byte[] first = reader.recorded();
        assertThat(in.readInt()).as("a field read past the reader stays in the stream").isEqualTo(0x5eed);
        reader.begin();
        assertThat(reader.readString(in)).isEqualTo("INV-2");
        assertThat(reader.recorded()).containsExactly(6, 'I', 'N', 'V', '-', '2');
        assertThat(first).containsExactly(6, 'I', 'N', 'V', '-', '1');
    }

    @Test
    void aTruncatedRecordFailsInsteadOfReadingOn() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StringCodec.write("INV-2026-0001", out);
        byte[] bytes = out.getCopyOfBuffer();
        RecordingReader reader = new RecordingReader();
        assertThatThrownBy(() -> reader.readString(new DataInputDeserializer(bytes, 0, bytes.length - 3)))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader.readLong(new DataInputDeserializer(new byte[7])))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void aWideCharIsFoundAtEveryPositionOfTheEightByteWords() throws IOException {
        // the ASCII check reads eight bytes at a time: a wide char in each lane of a word, and in the tail
        for (int len = 1; len <= 25; len++) {
            for (int at = 0; at < len; at++) {
                char[] chars = "abcdefghijklmnopqrstuvwxy".substring(0, len).toCharArray();
                chars[at] = at % 2 == 0 ? '\u00e9' : '\u20ac';
                String s = new String(chars);
                DataOutputSerializer out = new DataOutputSerializer(64);
                StringCodec.write(s, out);
                StringCodec.write("tail", out);
                byte[] bytes = out.getCopyOfBuffer();
                RecordingReader reader = new RecordingReader();
                DataInputDeserializer in = new DataInputDeserializer(bytes);
                reader.begin();
                assertThat(reader.readString(in)).as("length %d, wide at %d", len, at).isEqualTo(s);
                assertThat(reader.readString(in)).isEqualTo("tail");
                assertThat(reader.recorded()).isEqualTo(bytes);
                assertThat(StringCodec.read(new DataInputDeserializer(bytes))).isEqualTo(s);
            }
        }
    }
}

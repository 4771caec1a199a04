package io.invoicesieve.codec;

import io.invoicesieve.testing.RandomStrings;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link StringCodec} writes the bytes {@code StringValue} writes and reads what it wrote, for every
 * kind of string: savepoints of 0.1.0 were written by {@code StringValue}, and the two must never
 * diverge.
 */
class StringCodecTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 20261202})
    void sameBytesAsStringValueBothWays(long seed) throws IOException {
        Random random = new Random(seed);
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            strings.add(RandomStrings.next(random));
        }
        strings.add(null);
        strings.add("");
        strings.add("x".repeat(127)); // length + 1 = 128: the length takes two bytes
        strings.add("x".repeat(16_383)); // three bytes
        strings.add("x".repeat(20_000)); // three bytes, the middle one not zero
        strings.add("é".repeat(300) + "ascii tail");
        strings.add("ascii head" + "€".repeat(300));

        DataOutputSerializer ours = new DataOutputSerializer(64);
        DataOutputSerializer flinks = new DataOutputSerializer(64);
        for (String s : strings) {
            StringCodec.write(s, ours);
            ours.writeInt(0x5eed); // what follows a string must stay where it is
            StringValue.writeString(s, flinks);
            flinks.writeInt(0x5eed);
        }
        assertThat(ours.getCopyOfBuffer()).isEqualTo(flinks.getCopyOfBuffer());

        DataInputDeserializer in = new DataInputDeserializer(flinks.getCopyOfBuffer());
        DataInputDeserializer back = new DataInputDeserializer(flinks.getCopyOfBuffer());
        for (String s : strings) {
            assertThat(StringCodec.read(in)).isEqualTo(s);
            assertThat(in.readInt()).isEqualTo(0x5eed);
            assertThat(StringValue.readString(back)).isEqualTo(s);
            assertThat(back.readInt()).isEqualTo(0x5eed);
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void arraysKeepNullsAndOrder() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StringCodec.writeArray(new String[] {"a", null, "ü", ""}, out);
        StringCodec.writeArray(null, out);
        StringCodec.writeArray(new String[0], out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThat(StringCodec.readArray(in)).containsExactly("a", null, "ü", "");
        assertThat(StringCodec.readArray(in)).isNull();
        assertThat(StringCodec.readArray(in)).isEmpty();
        assertThat(in.available()).isZero();
    }

    @Test
    void aTruncatedStringFailsInsteadOfReadingOn() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StringCodec.write("INV-2026-0001", out);
        byte[] bytes = out.getCopyOfBuffer();
        DataInputDeserializer in = new DataInputDeserializer(bytes, 0, bytes.length - 3);
        assertThatThrownBy(() -> StringCodec.read(in)).isInstanceOf(java.io.EOFException.class);
    }
}

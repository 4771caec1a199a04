package io.invoicesieve.testing;

import java.util.Random;

/** Random strings across the boundaries of Flink's {@code StringValue} char encoding, for the codec tests. */
public final class RandomStrings {

    /** ASCII, Latin-1, 2- and 3-byte chars, surrogate pairs: the boundaries of the char encoding. */
    private static final char[] ALPHABET = {
        'A', 'z', '0', '-', ' ', 0, 0x7f, 0x80, 0xe9, 0xff, 0x100, 0x3fff, 0x4000, 0x20ac, 0xd83d, 0xde00, 0xffff
    };

    private RandomStrings() {}

    /** Mostly short (under 24 chars), a quarter up to 400; half printable ASCII, half from the boundaries. */
    public static String next(Random random) {
        int len = random.nextInt(4) == 0 ? random.nextInt(400) : random.nextInt(24);
        boolean ascii = random.nextBoolean();
        StringBuilder b = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            b.append(ascii ? (char) (0x20 + random.nextInt(0x5f)) : ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return b.toString();
    }
}

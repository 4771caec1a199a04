package io.invoicesieve.detect.duplicates;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Objects;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class InvoiceNumbersTest {

    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource({
        "F/2026/04394, F-2026-4394",
        "No. SI 4614, SI 004614",
        "2026-04-0264, 2026 04 264",
        "INV 0000123456, 123456",
        "A1B2C3D4, 1-2-3-4",
    })
    void sameDigitGroupsAreTheSameSkeleton(String a, String b) {
        assertThat(InvoiceNumbers.sameDigitSkeleton(a, b)).isTrue();
        assertThat(InvoiceNumbers.sameDigitSkeleton(b, a)).isTrue();
    }

    @ParameterizedTest(name = "{0} !~ {1}")
    @CsvSource({
        "F/2026/04394, F-2026-4395",
        "2026-04-264, 20264264",
        "SI 4614, SI 4614 2",
        "SI 4614 2, SI 4614",
        "123, 123",
        "A-1-2-3, 1.2.3",
        "ABC, DEF",
        "'', ''",
        "100, 1-00",
        "0000, 0-0-0-0",
    })
    void otherDigitGroupsOrTooFewDigitsAreNot(String a, String b) {
        assertThat(InvoiceNumbers.sameDigitSkeleton(a, b)).isFalse();
        assertThat(InvoiceNumbers.sameDigitSkeleton(b, a)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 20261204L, 7L, 424242L})
    void sameDigitSkeletonAgreesWithComparingTheSkeletons(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int same = 0;
        for (int n = 0; n < 50_000; n++) {
            String a = number(random);
            // half of the pairs are the same digits re-typed, so that both answers are exercised
            String b = random.nextBoolean() ? number(random) : retyped(a, random);
            String skeleton = InvoiceNumbers.digitSkeleton(a);
            boolean expected = skeleton != null && Objects.equals(skeleton, InvoiceNumbers.digitSkeleton(b));
            assertThat(InvoiceNumbers.sameDigitSkeleton(a, b)).as("%s ~ %s", a, b).isEqualTo(expected);
            same += expected ? 1 : 0;
        }
        assertThat(same).as("pairs with the same skeleton").isGreaterThan(10_000);
    }

    /** A number as vendors type them: letters, separators, digit runs with and without leading zeros. */
    private static String number(SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        int parts = 1 + random.nextInt(5);
        for (int p = 0; p < parts; p++) {
            switch (random.nextInt(4)) {
                case 0:
                    out.append("INV-SI/ F.#".charAt(random.nextInt(11)));
                    break;
                case 1:
                    out.append("0".repeat(random.nextInt(3)));
                    // fall through: a digit run after its zeros
                default:
                    int digits = 1 + random.nextInt(6);
                    for (int d = 0; d < digits; d++) {
                        out.append((char) ('0' + random.nextInt(random.nextInt(4) == 0 ? 2 : 10)));
                    }
            }
        }
        return out.toString();
    }

    /** {@code number} typed again: other separators and letters, leading zeros added or dropped. */
    private static String retyped(String number, SplittableRandom random) {
        StringBuilder out = new StringBuilder();
        boolean inRun = false;
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            if (digit && !inRun && random.nextInt(3) == 0) {
                out.append('0');
            }
            if (!digit) {
                int r = random.nextInt(3);
                out.append(r == 0 ? "" : r == 1 ? "-" : String.valueOf(c));
            } else {
                out.append(c);
            }
            inRun = digit;
        }
        return out.toString();
    }

    @Test
    void digitSkeletonDropsLeadingZerosPerGroup() {
        assertThat(InvoiceNumbers.digitSkeleton("F/2026/04394")).isEqualTo("2026.4394");
        assertThat(InvoiceNumbers.digitSkeleton("SI 004614")).isEqualTo("4614");
        assertThat(InvoiceNumbers.digitSkeleton("A-1-2")).isNull();
    }
}

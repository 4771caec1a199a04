package io.invoicesieve.serde;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Rfc3339Test {

    @Test
    void agreesWithJavaTimeOnRandomDateTimes() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            long second = 946_684_800L + (long) (random.nextDouble() * 1_600_000_000L);
            int nanos = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(57) - 28) * 30 * 60);
            OffsetDateTime t = Instant.ofEpochSecond(second, nanos).atOffset(offset);
            String text = t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            assertThat(Rfc3339.instant(text)).as(text).isEqualTo(t.toInstant());
            String date = t.toLocalDate().toString();
            assertThat(Rfc3339.date(date)).isEqualTo(LocalDate.parse(date));
        }
        assertThat(Rfc3339.instant("2026-11-03t10:15:00z")).isEqualTo(Instant.parse("2026-11-03T10:15:00Z"));
        assertThat(Rfc3339.instant("2026-11-03T10:15:00.5-02:30")).isEqualTo(Instant.parse("2026-11-03T12:45:00.5Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2026-11-03T10:15:00", "2026-11-03 10:15:00Z", "2026-11-03T24:00:00Z", "2026-11-03T10:60:00Z",
        "2026-11-03T10:15:60Z", "2026-02-30T10:15:00Z", "2026-11-03T10:15:00.Z", "2026-11-03T10:15:00.1234567890Z",
        "2026-11-03T10:15:00+0100", "2026-11-03T10:15:00+01", "2026-11-03T10:15:00+19:00", "2026-11-03T10:15:00Zx",
        "26-11-03T10:15:00Z", "2026-1-03T10:15:00Z", "2026-11-03T1:15:00Z", "２０２６-11-03T10:15:00Z", ""
    })
    void rejectsWhatIsNotRfc3339WithOffset(String text) {
        assertThat(Rfc3339.instant(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "02/11/2026", "2026-11-3", "+2026-11-03"})
    void rejectsInvalidDates(String text) {
        assertThat(Rfc3339.date(text)).isNull();
    }

    @Test
    void formatsAsInstantToStringDoes() {
        Random random = new Random(7);
        char[] out = new char[Rfc3339.MAX_FORMATTED];
        // years 0000-9999, every fraction shape: none, milli, micro, nano
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long second = min + (long) (random.nextDouble() * (max - min));
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(second, nanos);
            int n = Rfc3339.format(t, out);
            assertThat(new String(out, 0, n)).isEqualTo(t.toString());
        }
        for (String edge : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z", "2024-02-29T12:00:00.000001Z", "2026-12-06T21:03:32.100Z",
                "2026-12-06T21:03:32.000000001Z"}) {
            Instant t = Instant.parse(edge);
            int n = Rfc3339.format(t, out);
            assertThat(new String(out, 0, n)).isEqualTo(t.toString()).isEqualTo(edge);
        }
        // outside 0000-9999 Instant.toString signs the year: left to it
        assertThat(Rfc3339.format(Instant.parse("+10000-01-01T00:00:00Z"), out)).isEqualTo(-1);
        assertThat(Rfc3339.format(Instant.parse("-0001-12-31T23:59:59Z"), out)).isEqualTo(-1);
        assertThat(Rfc3339.format(Instant.MAX, out)).isEqualTo(-1);
        assertThat(Rfc3339.format(Instant.MIN, out)).isEqualTo(-1);
    }
}

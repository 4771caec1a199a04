package io.invoicesieve.serde;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Strict parsers for the two time formats of the contract, written out because java.time's
 * formatters resolve every field through hash maps: they were 15% of the job's CPU in the
 * profile (benchmarks/REPORT.md). Same acceptance as {@code DateTimeFormatter.ISO_OFFSET_DATE_TIME}
 * and {@code uuuu-MM-dd} for what the contract allows; anything else returns null.
 */
final class Rfc3339 {

    private Rfc3339() {}

    /** {@code YYYY-MM-DD}, or null. */
    static LocalDate date(String s) {
        if (s.length() != 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        if (year < 0 || month < 0 || day < 0) {
            return null;
        }
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * {@code YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)}: an RFC 3339 date-time with its
     * mandatory offset, or null.
     */
    static Instant instant(String s) {
        int n = s.length();
        if (n < 20) {
            return null;
        }
        LocalDate date = date(s.substring(0, 10));
        char t = s.charAt(10);
        if (date == null || (t != 'T' && t != 't') || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            i++;
            int start = i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            int count = i - start;
            if (count == 0 || count > 9) {
                return null;
            }
            nanos = digits(s, start, count);
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        if (i >= n) {
            return null;
        }
        int offsetSeconds;
        char sign = s.charAt(i);
        if ((sign == 'Z' || sign == 'z') && i + 1 == n) {
            offsetSeconds = 0;
        } else if ((sign == '+' || sign == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 18 || om < 0 || om > 59) {
                return null;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
            if (Math.abs(offsetSeconds) > 18 * 3600) {
                return null;
            }
        } else {
            return null;
        }
        long epochSecond = date.toEpochDay() * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    /** Characters {@link #format} may write: {@code YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ}. */
    static final int MAX_FORMATTED = 30;

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
    private static final long FIRST_SECOND_OF_0000 = -62_167_219_200L;
    private static final long LAST_SECOND_OF_9999 = 253_402_300_799L;

    /**
     * Writes {@code instant} as {@link Instant#toString()} does ({@code DateTimeFormatter.ISO_INSTANT}:
     * UTC, seconds always, the fraction in groups of three digits and only when not zero) into
     * {@code out} from 0, and returns the length; -1 for a year outside 0000-9999, which the caller
     * leaves to {@code Instant.toString}. Every decision carries two instants and often more in its
     * evidence; the formatter's field resolution was 3 % of a run's samples, in the sinks' threads.
     */
    static int format(Instant instant, char[] out) {
        long epochSecond = instant.getEpochSecond();
        if (epochSecond < FIRST_SECOND_OF_0000 || epochSecond > LAST_SECOND_OF_9999) {
            return -1;
        }
        long epochDay = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        put(out, 0, date.getYear(), 4);
        out[4] = '-';
        put(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        put(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, secondOfDay % 60, 2);
        int n = 19;
        int nano = instant.getNano();
        if (nano != 0) {
            out[n++] = '.';
            if (nano % 1_000_000 == 0) {
                put(out, n, nano / 1_000_000, 3);
                n += 3;
            } else if (nano % 1000 == 0) {
                put(out, n, nano / 1000, 6);
                n += 6;
            } else {
                put(out, n, nano, 9);
                n += 9;
            }
        }
        out[n++] = 'Z';
        return n;
    }

    /** {@code value} as exactly {@code width} decimal digits, zero-padded, at out[from]. */
    private static void put(char[] out, int from, int value, int width) {
        for (int i = from + width - 1; i >= from; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The non-negative number in s[from, from + count), or -1 if any character is not a digit. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}

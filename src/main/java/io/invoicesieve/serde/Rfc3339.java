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

package io.invoicesieve.detect.duplicates;

/**
 * Normal forms of vendor invoice numbers, so that a re-keyed or mis-read number meets its original
 * under the same blocking key.
 *
 * <p>{@link #normalize} upper-cases, drops everything but letters and digits, folds the characters
 * OCR and typists confuse onto one representative (O/Q/D to 0, I/L to 1, S to 5, B to 8, Z to 2,
 * G to 6) and strips leading zeros from every digit run. "INV-0O42", "inv 0042" and "INV42" all
 * become "1NV42".
 */
public final class InvoiceNumbers {

    private InvoiceNumbers() {}

    public static String normalize(String number) {
        int n = number.length();
        char[] folded = new char[n];
        int len = 0;
        for (int i = 0; i < n; i++) {
            char c = fold(number.charAt(i));
            if (c != 0) {
                folded[len++] = c;
            }
        }
        StringBuilder out = new StringBuilder(len);
        int i = 0;
        while (i < len) {
            if (isDigit(folded[i])) {
                int end = i;
                while (end < len && isDigit(folded[end])) {
                    end++;
                }
                int start = i;
                while (start < end - 1 && folded[start] == '0') {
                    start++;
                }
                out.append(folded, start, end - start);
                i = end;
            } else {
                out.append(folded[i++]);
            }
        }
        return out.toString();
    }

    /**
     * Like {@link #normalize}, but leading zeros are dropped from each digit run as typed, before the
     * separators go: "2026-04-0264" and "2026-04-264" are both "20264264", "F/2O26/3249" and
     * "F20263249" both "F20263249", "Y2171 71" and "Y-21-7171" both "Y217171". The blocking key of
     * the cross-vendor match, where a number is typed again by hand under the other vendor id.
     */
    public static String grouped(String number) {
        int n = number.length();
        StringBuilder out = new StringBuilder(n);
        int i = 0;
        while (i < n) {
            char c = fold(number.charAt(i));
            if (c == 0) {
                i++;
                continue;
            }
            if (!isDigit(c)) {
                out.append(c);
                i++;
                continue;
            }
            int start = out.length();
            while (i < n) {
                char d = fold(number.charAt(i));
                if (d == 0 || !isDigit(d)) {
                    break;
                }
                if (!(d == '0' && out.length() == start)) {
                    out.append(d);
                }
                i++;
            }
            if (out.length() == start) {
                out.append('0');
            }
        }
        return out.toString();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Folds one character; 0 for characters that are dropped. */
    static char fold(char c) {
        if (c >= 'a' && c <= 'z') {
            c = (char) (c - 32);
        }
        switch (c) {
            case 'O':
            case 'Q':
            case 'D':
                return '0';
            case 'I':
            case 'L':
                return '1';
            case 'S':
                return '5';
            case 'B':
                return '8';
            case 'Z':
                return '2';
            case 'G':
                return '6';
            default:
                if (c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
                    return c;
                }
                return 0;
        }
    }

    /**
     * The digit groups of the number as typed, each without leading zeros, joined by dots:
     * "F/2026/04394" and "F-2026-4394" are both "2026.4394", "No. SI 4614" and "SI 004614" both
     * "4614". Null when the number has fewer than four digits, too few to identify anything.
     */
    public static String digitSkeleton(String number) {
        StringBuilder out = new StringBuilder(number.length());
        int digits = 0;
        int i = 0;
        int n = number.length();
        while (i < n) {
            if (!isDigit(number.charAt(i))) {
                i++;
                continue;
            }
            int end = i;
            while (end < n && isDigit(number.charAt(end))) {
                end++;
            }
            int start = i;
            while (start < end - 1 && number.charAt(start) == '0') {
                start++;
            }
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(number, start, end);
            digits += end - start;
            i = end;
        }
        return digits < 4 ? null : out.toString();
    }

    /**
     * Whether two numbers as typed have the same {@link #digitSkeleton} (not null): the same digit
     * groups in the same order, each without leading zeros, at least four digits in all. Compares
     * the groups in place, without building either skeleton: it runs for every candidate of the
     * same amount near the probe's date, hundreds per invoice of a high-volume vendor.
     */
    public static boolean sameDigitSkeleton(String a, String b) {
        int na = a.length();
        int nb = b.length();
        int i = 0;
        int j = 0;
        int digits = 0;
        while (true) {
            while (i < na && !isDigit(a.charAt(i))) {
                i++;
            }
            while (j < nb && !isDigit(b.charAt(j))) {
                j++;
            }
            if (i == na || j == nb) {
                return i == na && j == nb && digits >= 4;
            }
            int endA = i;
            while (endA < na && isDigit(a.charAt(endA))) {
                endA++;
            }
            int endB = j;
            while (endB < nb && isDigit(b.charAt(endB))) {
                endB++;
            }
            while (i < endA - 1 && a.charAt(i) == '0') {
                i++;
            }
            while (j < endB - 1 && b.charAt(j) == '0') {
                j++;
            }
            int len = endA - i;
            if (len != endB - j || !a.regionMatches(i, b, j, len)) {
                return false;
            }
            digits += len;
            i = endA;
            j = endB;
        }
    }

    /**
     * Whether one normalized number is the other with a prefix or suffix of at most
     * {@code maxAffix} characters added ("AR-AMC1234" and "AMC1234"); the shorter keeps at least
     * four characters so that short numbers do not match everything.
     */
    public static boolean affixVariant(String a, String b, int maxAffix) {
        String shorter = a.length() <= b.length() ? a : b;
        String longer = a.length() <= b.length() ? b : a;
        int extra = longer.length() - shorter.length();
        if (extra == 0 || extra > maxAffix || shorter.length() < 4) {
            return false;
        }
        return longer.startsWith(shorter) || longer.endsWith(shorter);
    }

    /** Whether two amounts (same sign, same currency) differ by a typing slip. */
    public static boolean amountTypo(long a, long b) {
        if (a == b || a <= 0 || b <= 0) {
            return false;
        }
        long diff = Math.abs(a - b);
        long max = Math.max(a, b);
        // off by a small amount: up to 1% (a penny upwards)
        if (diff * 100 <= max) {
            return true;
        }
        return transposition(Long.toString(a), Long.toString(b));
    }

    /** Whether b is a with two adjacent digits swapped. */
    static boolean transposition(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        int first = -1;
        for (int i = 0; i < a.length(); i++) {
            if (a.charAt(i) != b.charAt(i)) {
                first = i;
                break;
            }
        }
        if (first < 0 || first + 1 >= a.length()) {
            return false;
        }
        return a.charAt(first) == b.charAt(first + 1)
                && a.charAt(first + 1) == b.charAt(first)
                && a.substring(first + 2).equals(b.substring(first + 2));
    }
}

package io.invoicesieve.tools.generator;

import java.util.SplittableRandom;

/** Vendor invoice-number formats and the ways people and OCR re-key them. */
final class InvoiceNumbers {

    /** Number of formats {@link #format} knows. */
    static final int STYLES = 10;

    private static final char[][] OCR_CONFUSIONS = {
        {'0', 'O'}, {'O', '0'}, {'o', '0'}, {'1', 'I'}, {'1', 'l'}, {'I', '1'}, {'l', '1'},
        {'5', 'S'}, {'S', '5'}, {'8', 'B'}, {'B', '8'}, {'2', 'Z'}, {'Z', '2'}, {'6', 'G'}, {'G', '6'}
    };
    private static final String[] ADDED_PREFIXES = {"AR-", "INV-", "INV ", "No. ", "#", "RE-", "N"};
    private static final String[] ADDED_SUFFIXES = {"A", "-1", "/R", "B", "-COPY", " 2"};

    private InvoiceNumbers() {
    }

    /**
     * Formats a sequence number in one of the vendor styles, e.g. "INV-2026-0042", "AMC1234", "00012345",
     * "F/2026/123", "2026-03-0042", "SI 004512", "A-77-1203".
     */
    static String format(int style, String prefix, int branch, long seq, int year, int month) {
        StringBuilder sb = new StringBuilder(20);
        switch (style) {
            case 0 -> {
                sb.append("INV-").append(year).append('-');
                pad(sb, seq, 4);
            }
            case 1 -> {
                sb.append(prefix);
                pad(sb, seq, 4);
            }
            case 2 -> pad(sb, seq, 8);
            case 3 -> sb.append("F/").append(year).append('/').append(seq);
            case 4 -> {
                sb.append(year).append('-');
                pad(sb, month, 2);
                sb.append('-');
                pad(sb, seq, 4);
            }
            case 5 -> {
                sb.append("SI ");
                pad(sb, seq, 6);
            }
            case 6 -> {
                sb.append(prefix.charAt(0)).append('-').append(branch).append('-');
                pad(sb, seq, 4);
            }
            case 7 -> sb.append(seq);
            case 8 -> {
                sb.append("INV");
                pad(sb, seq, 6);
            }
            default -> {
                sb.append(prefix).append('-');
                pad(sb, seq, 5);
            }
        }
        return sb.toString();
    }

    static void pad(StringBuilder sb, long v, int width) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(s);
    }

    /**
     * Re-keys a number the way a clerk or an OCR engine would: one (sometimes two) of character
     * confusions, separator changes, spaces, case, leading zeros, prefix or suffix added or dropped.
     * Never returns the input itself; may return a string that only differs in case.
     */
    static String rekey(String number, SplittableRandom rnd) {
        String s = number;
        int edits = rnd.nextDouble() < 0.2 ? 2 : 1;
        for (int attempt = 0; attempt < 30 && (edits > 0 || s.equals(number)); attempt++) {
            String t = mutate(s, rnd);
            if (t != null && !t.isEmpty() && t.length() <= 64 && !t.equals(s)) {
                s = t;
                edits--;
            }
        }
        if (s.equals(number)) {
            s = number + "A";
        }
        return s;
    }

    private static String mutate(String s, SplittableRandom rnd) {
        switch (rnd.nextInt(9)) {
            case 0, 1 -> { // OCR confusion of one character
                int start = rnd.nextInt(s.length());
                for (int k = 0; k < s.length(); k++) {
                    int i = (start + k) % s.length();
                    char c = s.charAt(i);
                    int first = rnd.nextInt(OCR_CONFUSIONS.length);
                    for (int j = 0; j < OCR_CONFUSIONS.length; j++) {
                        char[] pair = OCR_CONFUSIONS[(first + j) % OCR_CONFUSIONS.length];
                        if (pair[0] == c) {
                            return s.substring(0, i) + pair[1] + s.substring(i + 1);
                        }
                    }
                }
                return null;
            }
            case 2 -> { // separator changed or removed
                int i = indexOfSeparator(s, rnd);
                if (i < 0) {
                    return null;
                }
                String[] repl = {"", "-", "/", " ", ".", "_"};
                String r = repl[rnd.nextInt(repl.length)];
                return s.substring(0, i) + r + s.substring(i + 1);
            }
            case 3 -> { // all separators removed
                StringBuilder sb = new StringBuilder(s.length());
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (Character.isLetterOrDigit(c)) {
                        sb.append(c);
                    }
                }
                return sb.toString();
            }
            case 4 -> { // case
                String lower = s.toLowerCase(java.util.Locale.ROOT);
                return lower.equals(s) ? s.toUpperCase(java.util.Locale.ROOT) : lower;
            }
            case 5 -> { // leading zeros of the last digit run added or dropped
                int end = s.length();
                while (end > 0 && !Character.isDigit(s.charAt(end - 1))) {
                    end--;
                }
                int begin = end;
                while (begin > 0 && Character.isDigit(s.charAt(begin - 1))) {
                    begin--;
                }
                if (begin == end) {
                    return null;
                }
                String digits = s.substring(begin, end);
                String changed;
                if (digits.length() > 1 && digits.charAt(0) == '0') {
                    int z = 0;
                    while (z < digits.length() - 1 && digits.charAt(z) == '0') {
                        z++;
                    }
                    changed = digits.substring(rnd.nextBoolean() ? z : 1);
                } else {
                    changed = (rnd.nextBoolean() ? "0" : "00") + digits;
                }
                return s.substring(0, begin) + changed + s.substring(end);
            }
            case 6 -> { // prefix added, or the leading letters dropped
                int letters = 0;
                while (letters < s.length() && !Character.isDigit(s.charAt(letters))) {
                    letters++;
                }
                if (letters > 0 && letters < s.length() && rnd.nextBoolean()) {
                    return s.substring(letters);
                }
                return ADDED_PREFIXES[rnd.nextInt(ADDED_PREFIXES.length)] + s;
            }
            case 7 -> { // suffix added or a trailing letter dropped
                char last = s.charAt(s.length() - 1);
                if (Character.isLetter(last) && s.length() > 1) {
                    return s.substring(0, s.length() - 1);
                }
                return s + ADDED_SUFFIXES[rnd.nextInt(ADDED_SUFFIXES.length)];
            }
            default -> { // a space inserted
                if (s.length() < 2) {
                    return null;
                }
                int i = 1 + rnd.nextInt(s.length() - 1);
                return s.substring(0, i) + ' ' + s.substring(i);
            }
        }
    }

    private static int indexOfSeparator(String s, SplittableRandom rnd) {
        int count = 0;
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isLetterOrDigit(s.charAt(i))) {
                count++;
            }
        }
        if (count == 0) {
            return -1;
        }
        int pick = rnd.nextInt(count);
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isLetterOrDigit(s.charAt(i)) && pick-- == 0) {
                return i;
            }
        }
        return -1;
    }
}

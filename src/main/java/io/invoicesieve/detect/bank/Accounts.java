package io.invoicesieve.detect.bank;

import io.invoicesieve.state.AccountHistory;

/** Remit account helpers. */
public final class Accounts {

    private Accounts() {}

    /** Upper case without spaces, dashes and dots, so that "DE89 3704 ..." meets "DE893704...". */
    public static String normalize(String account) {
        if (account == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(account.length());
        for (int i = 0; i < account.length(); i++) {
            char c = account.charAt(i);
            if (c == ' ' || c == '-' || c == '.' || c == '\t') {
                continue;
            }
            out.append(Character.toUpperCase(c));
        }
        return out.length() == 0 ? null : out.toString();
    }

    /** Last four characters only: enough for an analyst to recognise, not enough to pay. */
    public static String mask(String account) {
        int n = account.length();
        return n <= 4 ? "****" : "****" + account.substring(n - 4);
    }

    public static int indexOf(AccountHistory[] entries, String id) {
        if (entries != null) {
            for (int i = 0; i < entries.length; i++) {
                if (entries[i].id.equals(id)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Records one use of {@code id} at {@code time}; returns the (possibly new) array. */
    public static AccountHistory[] touch(AccountHistory[] entries, String id, long time) {
        int i = indexOf(entries, id);
        if (i >= 0) {
            AccountHistory e = entries[i];
            e.count++;
            e.firstSeen = Math.min(e.firstSeen, time);
            e.lastSeen = Math.max(e.lastSeen, time);
            return entries;
        }
        int n = entries == null ? 0 : entries.length;
        AccountHistory[] grown = new AccountHistory[n + 1];
        if (n > 0) {
            System.arraycopy(entries, 0, grown, 0, n);
        }
        grown[n] = new AccountHistory(id, time, time, 1);
        return grown;
    }

    /** Drops entries last seen before {@code minLastSeen}; null when none remain. */
    public static AccountHistory[] evict(AccountHistory[] entries, long minLastSeen) {
        if (entries == null) {
            return null;
        }
        int kept = 0;
        for (AccountHistory e : entries) {
            if (e.lastSeen >= minLastSeen) {
                kept++;
            }
        }
        if (kept == entries.length) {
            return entries;
        }
        if (kept == 0) {
            return null;
        }
        AccountHistory[] out = new AccountHistory[kept];
        int j = 0;
        for (AccountHistory e : entries) {
            if (e.lastSeen >= minLastSeen) {
                out[j++] = e;
            }
        }
        return out;
    }

    public static long minLastSeen(AccountHistory[] entries) {
        long min = Long.MAX_VALUE;
        for (AccountHistory e : entries) {
            min = Math.min(min, e.lastSeen);
        }
        return min;
    }
}

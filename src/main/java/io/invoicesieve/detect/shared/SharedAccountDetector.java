package io.invoicesieve.detect.shared;

import io.invoicesieve.detect.bank.Accounts;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.AccountProfile;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;

import java.time.Instant;
import java.util.Locale;

/**
 * BANK_SHARED, keyed by (tenant_id, remit account): a second vendor asking to be paid to an
 * account another vendor of the tenant already uses (a duplicate vendor record, or a fraudster's
 * account). The vendors of the account with first and last use, each until
 * {@code sieve.bank.retention} after its last use, are in the key's {@link AccountProfile} (state
 * {@code account-profile}; {@code account-vendors} until 0.1.0), beside the key's cleanup timer that
 * purges them ({@code functions/AccountState}, shared with the cross-vendor duplicate index): the
 * caller reads the profile once per decision and writes it back. Shared by the running operator and its warm start, so that a bootstrapped savepoint
 * holds exactly what the job would have built.
 *
 * <p>Bounded: the profile lists at most {@link #MAX_VENDORS} vendors. An account used by
 * more (a factoring company's or a payment provider's collection account: thousands of vendors)
 * drops the least recently active vendor into {@code account-vendors-evicted}, one aggregate (how
 * many, their earliest first and latest last use) that expires when the last of them would have. The
 * state stays a few KB per account instead of growing with every vendor for two years, and the
 * reason names at most {@link #MAX_VENDORS} vendors plus the count. The price: a vendor dropped from
 * the list that comes back is "new" again, so it gets BANK_SHARED again and is counted twice in
 * {@code other_vendor_count}; on an account with that many vendors every decision of a vendor not
 * recently active on it is a BANK_SHARED anyway. Normal accounts (a few vendors) never touch the
 * second state.
 */
public final class SharedAccountDetector {

    /** Most vendors a profile lists per account (and a BANK_SHARED reason names). */
    public static final int MAX_VENDORS = 32;

    private final ValueState<AccountHistory> evicted;
    private final long retentionMillis;

    public SharedAccountDetector(RuntimeContext ctx, long retentionMillis) {
        this.evicted = ctx.getState(Descriptors.accountVendorsEvicted());
        this.retentionMillis = retentionMillis;
    }

    /** Whether a vendor other than {@code vendorId} uses the account. */
    public static boolean othersUse(AccountProfile p, String vendorId) {
        AccountHistory[] known = p.vendors;
        return known != null && (known.length > 1 || known.length == 1 && !known[0].id.equals(vendorId));
    }

    /**
     * The BANK_SHARED reason when other vendors already use the account (null otherwise); then
     * remembers this vendor's use in {@code p} (written back by the caller).
     */
    public Reason check(AccountProfile p, String accountKey, String vendorId, long time) throws Exception {
        AccountHistory[] known = p.vendors;
        if (known != null && known.length > MAX_VENDORS) {
            // a longer list restored from a savepoint of 0.1.0
            known = bounded(known);
        }
        Reason found = null;
        if (known != null && Accounts.indexOf(known, vendorId) < 0) {
            String[] others = new String[known.length];
            long first = Long.MAX_VALUE;
            for (int i = 0; i < known.length; i++) {
                others[i] = known[i].id;
                first = Math.min(first, known[i].firstSeen);
            }
            // the second state only on this (flagged) path and when the list overflows
            AccountHistory gone = evicted.value();
            int count = others.length;
            if (gone != null) {
                count += gone.count;
                first = Math.min(first, gone.firstSeen);
            }
            found = reason(accountKey, others, count, first);
        }
        p.vendors = bounded(Accounts.touch(known, vendorId, time));
        return found;
    }

    /** Remembers the vendor's use of the account in {@code p} without checking it (warm start). */
    public void remember(AccountProfile p, String vendorId, long time) throws Exception {
        p.vendors = bounded(Accounts.touch(p.vendors, vendorId, time));
    }

    /**
     * At most {@link #MAX_VENDORS} entries: the least recently active beyond that go into the
     * evicted aggregate (also trims a longer list restored from a savepoint of 0.1.0).
     */
    private AccountHistory[] bounded(AccountHistory[] entries) throws Exception {
        if (entries.length <= MAX_VENDORS) {
            return entries;
        }
        AccountHistory[] byActivity = entries.clone();
        // most recently active first; on ties the earlier first use stays
        java.util.Arrays.sort(byActivity, (a, b) -> a.lastSeen != b.lastSeen
                ? Long.compare(b.lastSeen, a.lastSeen) : Long.compare(a.firstSeen, b.firstSeen));
        AccountHistory gone = evicted.value();
        if (gone == null) {
            gone = new AccountHistory(null, Long.MAX_VALUE, Long.MIN_VALUE, 0);
        }
        for (int i = MAX_VENDORS; i < byActivity.length; i++) {
            gone.count++;
            gone.firstSeen = Math.min(gone.firstSeen, byActivity[i].firstSeen);
            gone.lastSeen = Math.max(gone.lastSeen, byActivity[i].lastSeen);
        }
        evicted.update(gone);
        AccountHistory[] kept = new AccountHistory[MAX_VENDORS];
        int j = 0;
        // keep the list in its order (first use), without the evicted
        for (AccountHistory e : entries) {
            if (j < MAX_VENDORS && isKept(e, byActivity)) {
                kept[j++] = e;
            }
        }
        return kept;
    }

    private static boolean isKept(AccountHistory e, AccountHistory[] byActivity) {
        for (int i = 0; i < MAX_VENDORS; i++) {
            if (byActivity[i] == e) {
                return true;
            }
        }
        return false;
    }

    /** Evicts vendors unused for the retention before {@code timestamp} from {@code p}; returns the next expiry. */
    public long purge(AccountProfile p, long timestamp) throws Exception {
        long minLastSeen = timestamp - retentionMillis;
        AccountHistory gone = evicted.value();
        long next = Long.MAX_VALUE;
        if (gone != null) {
            if (gone.lastSeen < minLastSeen) {
                // every vendor counted here was last seen before: all of them have expired
                evicted.clear();
            } else {
                next = gone.lastSeen + retentionMillis;
            }
        }
        AccountHistory[] kept = Accounts.evict(p.vendors, minLastSeen);
        p.vendors = kept;
        if (kept == null) {
            return next;
        }
        return Math.min(next, Accounts.minLastSeen(kept) + retentionMillis);
    }

    static Reason reason(String account, String[] otherVendors, long firstSeen) {
        return reason(account, otherVendors, otherVendors.length, firstSeen);
    }

    /** {@code otherCount}: all other vendors, of which {@code otherVendors} are the ones still listed. */
    static Reason reason(String account, String[] otherVendors, int otherCount, long firstSeen) {
        Evidence e = new Evidence();
        e.account = Accounts.mask(account);
        e.otherVendorIds = otherVendors;
        e.otherVendorCount = otherCount;
        if (firstSeen > 0 && firstSeen != Long.MAX_VALUE) {
            e.firstSeen = Instant.ofEpochMilli(firstSeen).toString();
        }
        String detail = otherCount > otherVendors.length
                ? String.format(Locale.ROOT,
                        "Remit account %s is already used by %d other vendors in this tenant, recently by %s",
                        e.account, otherCount, String.join(", ", otherVendors))
                : String.format(Locale.ROOT,
                        "Remit account %s is already used by vendor%s %s in this tenant",
                        e.account, otherVendors.length > 1 ? "s" : "", String.join(", ", otherVendors));
        return new Reason(ReasonCode.BANK_SHARED, 0.7, detail, e);
    }
}

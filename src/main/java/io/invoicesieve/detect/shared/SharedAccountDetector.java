package io.invoicesieve.detect.shared;

import io.invoicesieve.detect.bank.Accounts;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.Descriptors;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;

import java.time.Instant;
import java.util.Locale;

/**
 * BANK_SHARED, keyed by (tenant_id, remit account): a second vendor asking to be paid to an
 * account another vendor of the tenant already uses (a duplicate vendor record, or a fraudster's
 * account). State {@code account-vendors}: the vendors of the account with first and last use,
 * each until {@code sieve.bank.retention} after its last use, purged by the key's event-time
 * {@code cleanup-timer} ({@code functions/AccountState}, shared with the cross-vendor duplicate
 * index). Shared by the running operator and its warm start, so that a bootstrapped savepoint
 * holds exactly what the job would have built.
 */
public final class SharedAccountDetector {

    private final ValueState<AccountHistory[]> vendors;
    private final long retentionMillis;

    public SharedAccountDetector(RuntimeContext ctx, long retentionMillis) {
        this.vendors = ctx.getState(Descriptors.accountVendors());
        this.retentionMillis = retentionMillis;
    }

    /**
     * The BANK_SHARED reason when other vendors already use the account (null otherwise); then
     * remembers this vendor's use.
     */
    public Reason check(String accountKey, String vendorId, long time) throws Exception {
        AccountHistory[] known = vendors.value();
        Reason found = null;
        if (known != null && Accounts.indexOf(known, vendorId) < 0) {
            String[] others = new String[known.length];
            long first = Long.MAX_VALUE;
            for (int i = 0; i < known.length; i++) {
                others[i] = known[i].id;
                first = Math.min(first, known[i].firstSeen);
            }
            found = reason(accountKey, others, first);
        }
        vendors.update(Accounts.touch(known, vendorId, time));
        return found;
    }

    /** Remembers the vendor's use of the account without checking it (warm start). */
    public void remember(String vendorId, long time) throws Exception {
        vendors.update(Accounts.touch(vendors.value(), vendorId, time));
    }

    /** Evicts vendors unused for the retention before {@code timestamp}; returns the next expiry. */
    public long purge(long timestamp) throws Exception {
        AccountHistory[] kept = Accounts.evict(vendors.value(), timestamp - retentionMillis);
        if (kept == null) {
            vendors.clear();
            return Long.MAX_VALUE;
        }
        vendors.update(kept);
        return Accounts.minLastSeen(kept) + retentionMillis;
    }

    static Reason reason(String account, String[] otherVendors, long firstSeen) {
        Evidence e = new Evidence();
        e.account = Accounts.mask(account);
        e.otherVendorIds = otherVendors;
        if (firstSeen > 0) {
            e.firstSeen = Instant.ofEpochMilli(firstSeen).toString();
        }
        String detail = String.format(Locale.ROOT,
                "Remit account %s is already used by vendor%s %s in this tenant",
                e.account, otherVendors.length > 1 ? "s" : "", String.join(", ", otherVendors));
        return new Reason(ReasonCode.BANK_SHARED, 0.7, detail, e);
    }
}

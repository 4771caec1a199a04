package io.invoicesieve.detect.bank;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.Reasons;
import io.invoicesieve.detect.amounts.RobustStats;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.VendorProfile;


import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * BANK_CHANGE: the first invoice of a vendor asking payment to a remit account it never used,
 * once the vendor has {@code sieve.bank.min-history} invoices with an account; a HOLD when that
 * invoice is also at least twice the vendor's median amount. State: the vendor's accounts in its
 * {@link VendorProfile} ({@code vendor-accounts} until 0.1.0) (a handful: one value, one read), each until {@code sieve.bank.retention}
 * after its last use.
 */
public final class BankChangeDetector {

    private final DetectorSettings settings;

    public BankChangeDetector(DetectorSettings settings) {
        this.settings = settings;
    }

    /**
     * Adds BANK_CHANGE to {@code found} when {@code account} (normalized, or null) is new for the
     * vendor, then remembers its use. {@code stats} are the vendor's amount statistics before this
     * invoice.
     */
    public void check(VendorProfile profile, String account, long amountMilli, RobustStats stats, long time,
            List<Reason> found) {
        if (account == null) {
            return;
        }
        AccountHistory[] known = profile.accounts;
        if (known != null && Accounts.indexOf(known, account) < 0) {
            int withAccount = 0;
            for (AccountHistory k : known) {
                withAccount += k.count;
            }
            if (withAccount >= settings.bankMinHistory) {
                double ratio = stats.size >= 3 && amountMilli > 0
                        ? Math.exp(Math.log(amountMilli / 1000.0) - stats.median)
                        : Double.NaN;
                found.add(reason(account, known, withAccount, ratio, ratio >= 2.0));
            }
        }
        profile.accounts = Accounts.touch(known, account, time);
    }

    /** Remembers the use of the account without checking it (warm start). */
    public void remember(VendorProfile profile, String account, long time) {
        if (account != null) {
            profile.accounts = Accounts.touch(profile.accounts, account, time);
        }
    }

    /** Forgets accounts unused for the retention before {@code timestamp}; returns the next expiry. */
    public long purge(VendorProfile profile, long timestamp) {
        AccountHistory[] accounts = Accounts.evict(profile.accounts, timestamp - settings.bankRetentionMillis);
        profile.accounts = accounts;
        if (accounts == null) {
            return Long.MAX_VALUE;
        }
        return Accounts.minLastSeen(accounts) + settings.bankRetentionMillis;
    }

    static Reason reason(
            String account, AccountHistory[] known, int invoicesWithAccount, double ratioToMedian, boolean highAmount) {
        Evidence e = new Evidence();
        e.account = Accounts.mask(account);
        e.knownAccounts = known == null ? 0 : known.length;
        e.vendorInvoicesWithAccount = invoicesWithAccount;
        if (known != null && known.length > 0) {
            AccountHistory usual = known[0];
            for (AccountHistory k : known) {
                if (k.count > usual.count) {
                    usual = k;
                }
            }
            e.firstSeen = Instant.ofEpochMilli(usual.firstSeen).toString();
            e.lastSeen = Instant.ofEpochMilli(usual.lastSeen).toString();
        }
        if (!Double.isNaN(ratioToMedian)) {
            e.ratioToMedian = Reasons.round(ratioToMedian, 3);
        }
        String detail = String.format(Locale.ROOT,
                "First invoice asking payment to account %s, never used by this vendor in %d earlier invoices",
                e.account, invoicesWithAccount);
        if (highAmount) {
            detail += String.format(Locale.ROOT, ", for %.1fx the vendor's median amount: the first payment to a new account waits", ratioToMedian);
        }
        return new Reason(ReasonCode.BANK_CHANGE, highAmount ? 0.9 : 0.6, detail, e);
    }
}

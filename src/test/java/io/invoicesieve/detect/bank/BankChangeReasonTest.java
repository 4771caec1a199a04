package io.invoicesieve.detect.bank;

import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountHistory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** BANK_CHANGE's reason: REVIEW (0.6), or HOLD (0.9) for a high amount; evidence names the usual account. */
class BankChangeReasonTest {

    private static final long DAY = 86_400_000L;

    @Test
    void aPlainBankChange() {
        AccountHistory[] known = {
            new AccountHistory("DE11", 0, 5 * DAY, 1), new AccountHistory("DE22", DAY, 9 * DAY, 3), new AccountHistory("DE33", 0, DAY, 3)
        };
        Reason r = BankChangeDetector.reason("GB29NWBK60161331926819", known, 7, 1.04, false);
        assertThat(r.code).isEqualTo(ReasonCode.BANK_CHANGE);
        assertThat(r.score).isEqualTo(0.6);
        assertThat(r.evidence.account).isEqualTo("****6819");
        assertThat(r.evidence.knownAccounts).isEqualTo(3);
        assertThat(r.evidence.vendorInvoicesWithAccount).isEqualTo(7);
        // the usual account: the most used, the first of equals
        assertThat(r.evidence.firstSeen).isEqualTo("1970-01-02T00:00:00Z");
        assertThat(r.evidence.lastSeen).isEqualTo("1970-01-10T00:00:00Z");
        assertThat(r.evidence.ratioToMedian).isEqualTo(1.04);
        assertThat(r.detail).isEqualTo(
                "First invoice asking payment to account ****6819, never used by this vendor in 7 earlier invoices");
    }

    @Test
    void aHighAmountHolds() {
        AccountHistory[] known = {new AccountHistory("DE11", 0, DAY, 4)};
        Reason r = BankChangeDetector.reason("GB29NWBK60161331926819", known, 4, 3.21, true);
        assertThat(r.score).isEqualTo(0.9);
        assertThat(r.evidence.ratioToMedian).isEqualTo(3.21);
        assertThat(r.evidence.firstSeen).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(r.detail).endsWith(
                "in 4 earlier invoices, for 3.2x the vendor's median amount: the first payment to a new account waits");
    }

    @Test
    void withoutAmountStatisticsThereIsNoRatio() {
        Reason r = BankChangeDetector.reason("GB29NWBK60161331926819", null, 3, Double.NaN, false);
        assertThat(r.evidence.ratioToMedian).isNull();
        assertThat(r.evidence.knownAccounts).isZero();
        assertThat(r.evidence.firstSeen).isNull();
        Reason none = BankChangeDetector.reason("GB29NWBK60161331926819", new AccountHistory[0], 3, 1.0, false);
        assertThat(none.evidence.knownAccounts).isZero();
        assertThat(none.evidence.firstSeen).isNull();
    }
}

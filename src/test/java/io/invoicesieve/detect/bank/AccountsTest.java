package io.invoicesieve.detect.bank;

import io.invoicesieve.state.AccountHistory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Remit-account helpers: normalizing, masking, and the small per-key arrays of uses. */
class AccountsTest {

    @Test
    void normalizeDropsSeparatorsAndUpperCases() {
        assertThat(Accounts.normalize("de89 3704-0044.0532\t013000")).isEqualTo("DE89370400440532013000");
        assertThat(Accounts.normalize(null)).isNull();
        assertThat(Accounts.normalize(" -.\t")).as("nothing left").isNull();
        assertThat(Accounts.normalize("")).isNull();
    }

    @Test
    void maskKeepsTheLastFour() {
        assertThat(Accounts.mask("DE89370400440532013000")).isEqualTo("****3000");
        assertThat(Accounts.mask("12345")).isEqualTo("****2345");
        assertThat(Accounts.mask("1234")).isEqualTo("****");
        assertThat(Accounts.mask("12")).isEqualTo("****");
    }

    @Test
    void touchAddsOrCounts() {
        AccountHistory[] a = Accounts.touch(null, "A", 100);
        assertThat(a).hasSize(1);
        assertThat(a[0].id).isEqualTo("A");
        assertThat(a[0].count).isEqualTo(1);
        a = Accounts.touch(a, "B", 200);
        assertThat(a).extracting(e -> e.id).containsExactly("A", "B");
        assertThat(Accounts.indexOf(a, "A")).isZero();
        assertThat(Accounts.indexOf(a, "B")).isEqualTo(1);
        assertThat(Accounts.indexOf(a, "C")).isEqualTo(-1);
        assertThat(Accounts.indexOf(null, "A")).isEqualTo(-1);
        AccountHistory[] same = Accounts.touch(a, "B", 50);
        assertThat(same).isSameAs(a);
        assertThat(a[1].count).isEqualTo(2);
        assertThat(a[1].firstSeen).isEqualTo(50);
        assertThat(a[1].lastSeen).isEqualTo(200);
        Accounts.touch(a, "B", 300);
        assertThat(a[1].firstSeen).isEqualTo(50);
        assertThat(a[1].lastSeen).isEqualTo(300);
        assertThat(a[1].count).isEqualTo(3);
    }

    @Test
    void evictKeepsWhatWasSeenAtOrAfterTheBound() {
        AccountHistory[] a = {
            new AccountHistory("A", 0, 100, 1), new AccountHistory("B", 0, 200, 1), new AccountHistory("C", 0, 300, 1)
        };
        assertThat(Accounts.evict(a, 100)).as("nothing older: the same array").isSameAs(a);
        AccountHistory[] kept = Accounts.evict(a, 200);
        assertThat(kept).extracting(e -> e.id).containsExactly("B", "C");
        assertThat(Accounts.evict(a, 201)).extracting(e -> e.id).containsExactly("C");
        assertThat(Accounts.evict(a, 301)).isNull();
        assertThat(Accounts.evict(null, 0)).isNull();
        assertThat(Accounts.minLastSeen(a)).isEqualTo(100);
        assertThat(Accounts.minLastSeen(new AccountHistory[] {a[2], a[1]})).isEqualTo(200);
    }
}

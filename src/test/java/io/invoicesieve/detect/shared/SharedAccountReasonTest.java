package io.invoicesieve.detect.shared;

import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** BANK_SHARED's reason: 0.7, the other vendors named, the account masked. */
class SharedAccountReasonTest {

    @Test
    void oneOtherVendor() {
        Reason r = SharedAccountDetector.reason("DE89370400440532013000", new String[] {"V-1"}, 86_400_000L);
        assertThat(r.code).isEqualTo(ReasonCode.BANK_SHARED);
        assertThat(r.score).isEqualTo(0.7);
        assertThat(r.evidence.account).isEqualTo("****3000");
        assertThat(r.evidence.otherVendorIds).containsExactly("V-1");
        assertThat(r.evidence.firstSeen).isEqualTo("1970-01-02T00:00:00Z");
        assertThat(r.detail).isEqualTo("Remit account ****3000 is already used by vendor V-1 in this tenant");
    }

    @Test
    void severalOtherVendors() {
        Reason r = SharedAccountDetector.reason("DE89370400440532013000", new String[] {"V-1", "V-2"}, 1);
        assertThat(r.detail).isEqualTo("Remit account ****3000 is already used by vendors V-1, V-2 in this tenant");
        assertThat(r.evidence.firstSeen).isEqualTo("1970-01-01T00:00:00.001Z");
        assertThat(SharedAccountDetector.reason("DE89370400440532013000", new String[] {"V-1"}, 0).evidence.firstSeen)
                .isNull();
    }
}

package io.invoicesieve.detect;

import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/** The stateless reasons and the amount conversions, with their exact texts and values. */
class ReasonsAndMoneyTest {

    @Test
    void lateEventInformsWithScoreZero() {
        Reason r = Reasons.late(90_500);
        assertThat(r.code).isEqualTo(ReasonCode.LATE_EVENT);
        assertThat(r.score).isZero();
        assertThat(r.evidence.lateByMillis).isEqualTo(90_500);
        assertThat(r.detail).isEqualTo(
                "Arrived 90 s behind the event-time watermark; scored against the history known then");
    }

    @Test
    void lowConfidenceScoresHalf() {
        Reason r = Reasons.lowConfidence(0.41, 0.7);
        assertThat(r.code).isEqualTo(ReasonCode.LOW_CONFIDENCE);
        assertThat(r.score).isEqualTo(0.5);
        assertThat(r.evidence.extractionConfidence).isEqualTo(0.41);
        assertThat(r.detail).isEqualTo(
                "Extracted with low confidence 0.41 (below 0.70): check the fields against the document");
    }

    @Test
    void roundKeepsTheGivenDigits() {
        assertThat(Reasons.round(0.123456, 4)).isEqualTo(0.1235);
        assertThat(Reasons.round(6.808, 2)).isEqualTo(6.81);
        assertThat(Reasons.round(-2.5, 0)).isEqualTo(-2.0);
        assertThat(Reasons.round(1234.5678, 1)).isEqualTo(1234.6);
    }

    @Test
    void milliAmounts() {
        assertThat(Money.toMilli(new BigDecimal("1250.00"))).isEqualTo(1_250_000);
        assertThat(Money.toMilli(new BigDecimal("1.2345"))).isEqualTo(1234);
        assertThat(Money.fromMilli(1_250_000)).isEqualTo(new BigDecimal("1250.00"));
        assertThat(Money.fromMilli(1_250_000).toPlainString()).isEqualTo("1250.00");
        assertThat(Money.fromMilli(1234).toPlainString()).isEqualTo("1.234");
        assertThat(Money.fromMilli(1230).toPlainString()).as("two fraction digits kept").isEqualTo("1.23");
        assertThat(Money.fromMilli(1200).toPlainString()).isEqualTo("1.20");
        assertThat(Money.display(1_250_000, "EUR")).isEqualTo("1,250.00 EUR");
        assertThat(Money.display(1234, "KWD")).isEqualTo("1.234 KWD");
        assertThat(Money.plain(new BigDecimal("12.50"))).isEqualTo("12.50");
    }
}

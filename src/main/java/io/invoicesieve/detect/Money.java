package io.invoicesieve.detect;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Amount conversions shared by the detectors. */
public final class Money {

    private static final ThreadLocal<DecimalFormat> DISPLAY =
            ThreadLocal.withInitial(
                    () -> new DecimalFormat("#,##0.00#", DecimalFormatSymbols.getInstance(Locale.ROOT)));

    private Money() {}

    /** Thousandths of the currency unit, exact for every ISO 4217 minor unit. */
    public static long toMilli(BigDecimal amount) {
        return amount.movePointRight(3).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** Back to a decimal with at least two fraction digits: 1250000 -> 1250.00, 1234 -> 1.234. */
    public static BigDecimal fromMilli(long milli) {
        BigDecimal value = BigDecimal.valueOf(milli, 3).stripTrailingZeros();
        return value.scale() < 2 ? value.setScale(2) : value;
    }

    /** "1,250.00 EUR", for the analyst's sentence. */
    public static String display(long milli, String currency) {
        return DISPLAY.get().format(BigDecimal.valueOf(milli, 3)) + " " + currency;
    }

    /** Plain decimal string of the contract: "1250.00". */
    public static String plain(BigDecimal amount) {
        return amount.toPlainString();
    }
}

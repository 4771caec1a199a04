package io.invoicesieve.tools.generator;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Realistic remit accounts: IBANs with valid check digits for European currencies, account plus routing
 * number for USD and CAD. Banks come from a small pool per country, so many vendors share a bank code
 * (a shared bank code is not a signal, a shared account is).
 */
final class BankAccounts {

    /** One remit account as printed on an invoice. */
    record Account(String number, String bankCode) {
    }

    private record Bank(String bic, String national) {
    }

    private static final String[] BANK_NAMES = {
        "COBA", "DEUT", "INGB", "BNPA", "SOGE", "RABO", "ABNA", "BARC", "HSBC", "LOYD", "NWBK",
        "UBSW", "CRES", "NDEA", "HAND", "PKOP", "BREX", "CHAS", "BOFA", "CITI", "WFBI", "ROYC", "TDOM"
    };

    private final SplittableRandom rnd;
    private final Set<String> issued = new HashSet<>();
    private final java.util.Map<String, Bank[]> banksByCountry = new java.util.HashMap<>();

    BankAccounts(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    /** A new account, never issued before by this instance, in a country that fits the currency. */
    Account newAccount(String currency) {
        String country = countryFor(currency);
        for (;;) {
            Account a = create(country);
            if (issued.add(a.number())) {
                return a;
            }
        }
    }

    private String countryFor(String currency) {
        return switch (currency) {
            case "EUR" -> new String[] {"DE", "DE", "FR", "NL", "ES", "IT"}[rnd.nextInt(6)];
            case "GBP" -> "GB";
            case "USD" -> "US";
            case "CHF" -> "CH";
            case "SEK" -> "SE";
            case "PLN" -> "PL";
            case "CAD" -> "CA";
            default -> "DE";
        };
    }

    private Bank bank(String country) {
        Bank[] banks = banksByCountry.computeIfAbsent(country, c -> {
            Bank[] b = new Bank[4 + rnd.nextInt(5)];
            for (int i = 0; i < b.length; i++) {
                String name = BANK_NAMES[rnd.nextInt(BANK_NAMES.length)];
                String loc = "" + (char) ('A' + rnd.nextInt(26)) + (char) ('A' + rnd.nextInt(26));
                String branch = rnd.nextInt(3) == 0 ? "XXX" : "";
                String national = switch (c) {
                    case "US" -> digits(9);
                    case "CA" -> digits(8);
                    case "GB" -> name + digits(6);
                    case "NL" -> name;
                    case "DE" -> digits(8);
                    default -> digits(5);
                };
                b[i] = new Bank(name + c + loc + branch, national);
            }
            return b;
        });
        // Skewed: the first banks of the pool are the big ones.
        int i = Math.min(banks.length - 1, (int) (banks.length * rnd.nextDouble() * rnd.nextDouble()));
        return banks[i];
    }

    private Account create(String country) {
        Bank bank = bank(country);
        switch (country) {
            case "US":
                return new Account(digits(8 + rnd.nextInt(5)), bank.national());
            case "CA":
                return new Account(digits(7 + rnd.nextInt(5)), bank.national());
            default:
                String bban = switch (country) {
                    case "DE" -> bank.national() + digits(10);
                    case "FR" -> bank.national() + digits(5) + digits(11) + digits(2);
                    case "NL" -> bank.national() + digits(10);
                    case "ES" -> digits(4) + digits(16);
                    case "IT" -> (char) ('A' + rnd.nextInt(26)) + digits(10) + digits(12);
                    case "GB" -> bank.national() + digits(8);
                    case "CH" -> digits(17);
                    case "SE" -> digits(20);
                    case "PL" -> digits(24);
                    default -> digits(18);
                };
                return new Account(iban(country, bban), bank.bic());
        }
    }

    private String digits(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) ('0' + rnd.nextInt(10));
        }
        return new String(c);
    }

    /** IBAN with ISO 13616 mod-97 check digits. */
    static String iban(String country, String bban) {
        String rearranged = bban + country + "00";
        int mod = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char ch = rearranged.charAt(i);
            if (Character.isDigit(ch)) {
                mod = (mod * 10 + (ch - '0')) % 97;
            } else {
                int v = Character.toUpperCase(ch) - 'A' + 10;
                mod = (mod * 100 + v) % 97;
            }
        }
        int check = 98 - mod;
        return country + (check < 10 ? "0" : "") + check + bban;
    }
}

/**
 * Deterministic, labelled synthetic invoice events for tests, sample data, accuracy reports and
 * benchmarks.
 *
 * <p>{@link io.invoicesieve.tools.generator.InvoiceGenerator#generate} writes {@code invoices.jsonl} and
 * {@code truth.csv} ({@code line,invoice_id,tenant_id,vendor_id,kind,original_invoice_id,other_vendor_id,
 * low_confidence,late,replay}, one row per line, line 1-based). {@code original_invoice_id} is set for the
 * four DUP_* kinds and for CREDIT_NOTE (the credited invoice); {@code other_vendor_id} only for
 * BANK_SHARED. MALFORMED rows leave every column but line and kind empty.
 *
 * <p>What a detector author should know:
 * <ul>
 *   <li>Resubmissions arrive 1 hour to 85 days after their original (12% within a day, 63% 1-30 days, 25%
 *       30-85 days), at the usual hours of their channel, often through another channel. Clean invoices
 *       arrive 0-10 days after their invoice date, so a resubmission's invoice date is often old.</li>
 *   <li>Clean traps: RECURRING (same amount every month, consecutive numbers), MILD_VARIATION (1.5x-2.2x
 *       the vendor median, also for vendors with a small spread), CREDIT_NOTE (negative, sometimes the
 *       exact negated amount of its original), the same number at another vendor or tenant, the same vendor
 *       id in another tenant, vendors with two accounts from the start, vendors whose amounts are whole
 *       numbers (equal amounts are common), vendors billing in two currencies.</li>
 *   <li>Normal amounts are log-normal per vendor (median 50-50,000, sigma 0.05-0.6) truncated at 3.5
 *       sigma; AMOUNT_ANOMALY is at least max(8, e^(4.5 sigma)) times the median, or 1/30-1/80 of it.</li>
 *   <li>BANK_CHANGE: later invoices on the new account are CLEAN. BANK_SHARED: the account is also new for
 *       the vendor; in half the cases the vendor keeps using it (CLEAN afterwards).</li>
 *   <li>Replays are byte-identical copies of an earlier line, 1 minute to 2 days later in delivery.</li>
 *   <li>AP-ledger shapes, on top of {@code --invoices}: high-volume suppliers (HIGH_VOLUME: ~5 a day, most at
 *       {@code --high-volume-price-points} fixed prices, sequential numbers, one account); vendor twins (a
 *       second id of the same supplier sharing its accounts and number series, its first use of each account
 *       BANK_SHARED) with DUP_CROSS_VENDOR entries (80% same number, 85% same date); reversals (a full credit
 *       note naming the invoice, then REENTRY, sometimes DUP_AFTER_REVERSAL); DUP_AFTER_PARTIAL_CREDIT;
 *       DUP_CREDIT_NOTE.</li>
 *   <li>Delivery: non-late records are at most {@code outOfOrderSeconds} behind the highest event time
 *       delivered before them; late ones 1-10 hours behind their event time.</li>
 * </ul>
 */
package io.invoicesieve.tools.generator;

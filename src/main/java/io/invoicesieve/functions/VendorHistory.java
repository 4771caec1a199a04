package io.invoicesieve.functions;

import io.invoicesieve.detect.Accounts;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.DuplicateDetector;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.AmountHistory;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.SeenInvoice;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The keyed state of one (tenant, vendor) and how it is remembered and purged. Shared by the
 * scorer and by the State Processor API bootstrap, so that a warm-started savepoint holds exactly
 * what the running job would have built from the same invoices.
 *
 * <ul>
 *   <li>{@code invoice-ids}: invoice_id -> event time of its first delivery, for
 *       {@code sieve.replay.retention}: a re-delivery yields no second decision. Kept per vendor so
 *       that the vendor's invoices reach the scorer in the order of their source partition: a
 *       separate stage keyed by invoice_id would reshuffle them, and "which of two is the
 *       resubmission" would depend on network buffers;
 *   <li>{@code duplicate-index}: blocking key -> the invoices under it, for
 *       {@code sieve.duplicates.lookback}; a MapState so that RocksDB reads two small values per
 *       invoice, not the vendor's whole history;
 *   <li>{@code amount-history}: currency -> recent log-amounts, for {@code sieve.amount.window};
 *   <li>{@code vendor-accounts}: the vendor's remit accounts (a handful), until
 *       {@code sieve.bank.retention} after their last use;
 *   <li>{@code cleanup-timer}: one event-time timer per key, at the first multiple of
 *       {@code sieve.state.cleanup-interval} after the earliest expiry; it purges all of them and
 *       re-arms, or clears the key when nothing is left. A purge visits all of the vendor's state,
 *       so it runs weekly rather than daily by default.
 * </ul>
 */
public final class VendorHistory {

    private final DetectorSettings settings;
    final MapState<String, Long> invoiceIds;
    final MapState<String, SeenInvoice[]> duplicateIndex;
    final MapState<String, AmountHistory> amountHistory;
    final ValueState<AccountHistory[]> vendorAccounts;
    final ValueState<Long> cleanupTimer;

    public VendorHistory(RuntimeContext ctx, DetectorSettings settings) {
        this.settings = settings;
        this.invoiceIds = ctx.getMapState(Descriptors.invoiceIds());
        this.duplicateIndex = ctx.getMapState(Descriptors.duplicateIndex());
        this.amountHistory = ctx.getMapState(Descriptors.amountHistory());
        this.vendorAccounts = ctx.getState(Descriptors.vendorAccounts());
        this.cleanupTimer = ctx.getState(Descriptors.cleanupTimer());
    }

    /**
     * Records the delivery of {@code invoiceId}; false when it was delivered before (a replay) and
     * is still remembered.
     */
    public boolean firstDelivery(String invoiceId, long time) throws Exception {
        if (invoiceIds.contains(invoiceId)) {
            return false;
        }
        invoiceIds.put(invoiceId, time);
        return true;
    }

    /** Candidate buckets of the probe's blocking keys: by normalized number, by amount. */
    public SeenInvoice[][] candidates(SeenInvoice probe) throws Exception {
        return new SeenInvoice[][] {
            duplicateIndex.get(DuplicateDetector.numberKey(probe.normalizedNumber)),
            duplicateIndex.get(DuplicateDetector.amountKey(probe.currency, probe.amountMilli))
        };
    }

    /** Indexes the probe under its blocking keys (positive amounts only: credit notes are never matched). */
    public void index(SeenInvoice probe, SeenInvoice[][] buckets, long watermark) throws Exception {
        if (probe.amountMilli <= 0) {
            return;
        }
        long minTime = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : watermark - settings.lookbackMillis;
        // bound a bucket at a few caps' worth: a vendor billing one amount daily fills it slowly
        int maxBucket = 4 * settings.maxComparisons;
        duplicateIndex.put(DuplicateDetector.numberKey(probe.normalizedNumber), append(buckets[0], probe, minTime, maxBucket));
        duplicateIndex.put(DuplicateDetector.amountKey(probe.currency, probe.amountMilli), append(buckets[1], probe, minTime, maxBucket));
    }

    public AmountHistory amounts(String currency) throws Exception {
        return amountHistory.get(currency);
    }

    public void rememberAmount(String currency, AmountHistory history, long amountMilli, long time) throws Exception {
        if (amountMilli <= 0) {
            return;
        }
        if (history == null) {
            history = AmountHistory.withCapacity(settings.amountMaxSamples);
        }
        history.add(Math.log(amountMilli / 1000.0), (int) Math.floorDiv(time, EventTimes.DAY));
        amountHistory.put(currency, history);
    }

    public AccountHistory[] accounts() throws Exception {
        return vendorAccounts.value();
    }

    public void rememberAccount(AccountHistory[] known, String normalizedAccount, long time) throws Exception {
        if (normalizedAccount != null) {
            vendorAccounts.update(Accounts.touch(known, normalizedAccount, time));
        }
    }

    /** The event time of the pending cleanup timer, or null when none is pending. */
    public Long pendingCleanup() throws Exception {
        return cleanupTimer.value();
    }

    /** Makes sure a cleanup timer is pending no later than this invoice's earliest expiry. */
    public void scheduleCleanup(TimerService timers, long time) throws Exception {
        long watermark = timers.currentWatermark();
        long retention = Math.min(Math.min(settings.lookbackMillis, settings.replayRetentionMillis),
                Math.min(settings.amountWindowMillis, settings.bankRetentionMillis));
        long due = EventTimes.ceil(EventTimes.saturatedAdd(Math.max(time, watermark), retention), interval());
        Long pending = cleanupTimer.value();
        if (pending == null || due < pending) {
            if (pending != null) {
                timers.deleteEventTimeTimer(pending);
            }
            timers.registerEventTimeTimer(due);
            cleanupTimer.update(due);
        }
    }

    /** Purges what expired by {@code timestamp} and re-arms the timer, or leaves the key empty. */
    public void cleanup(long firedAt, TimerService timers) throws Exception {
        // purge up to the watermark, not just the timer's time: after a jump of the watermark one
        // purge does the work of many, and at the end of a bounded input everything goes at once
        long timestamp = Math.max(firedAt, timers.currentWatermark());
        if (timestamp == Long.MAX_VALUE) {
            invoiceIds.clear();
            duplicateIndex.clear();
            amountHistory.clear();
            vendorAccounts.clear();
            cleanupTimer.clear();
            return;
        }
        long next = Long.MAX_VALUE;

        long minDelivered = timestamp - settings.replayRetentionMillis;
        List<String> forgotten = new ArrayList<>();
        for (Map.Entry<String, Long> id : invoiceIds.entries()) {
            if (id.getValue() < minDelivered) {
                forgotten.add(id.getKey());
            } else {
                next = Math.min(next, id.getValue() + settings.replayRetentionMillis);
            }
        }
        for (String id : forgotten) {
            invoiceIds.remove(id);
        }

        long minIndexed = timestamp - settings.lookbackMillis;
        List<String> emptied = new ArrayList<>();
        List<Map.Entry<String, SeenInvoice[]>> shrunk = new ArrayList<>();
        Iterator<Map.Entry<String, SeenInvoice[]>> entries = duplicateIndex.iterator();
        while (entries.hasNext()) {
            Map.Entry<String, SeenInvoice[]> entry = entries.next();
            SeenInvoice[] bucket = entry.getValue();
            SeenInvoice[] kept = retain(bucket, minIndexed);
            if (kept.length == 0) {
                emptied.add(entry.getKey());
                continue;
            }
            if (kept.length < bucket.length) {
                shrunk.add(Map.entry(entry.getKey(), kept));
            }
            for (SeenInvoice s : kept) {
                next = Math.min(next, s.eventTime + settings.lookbackMillis);
            }
        }
        for (String key : emptied) {
            duplicateIndex.remove(key);
        }
        for (Map.Entry<String, SeenInvoice[]> e : shrunk) {
            duplicateIndex.put(e.getKey(), e.getValue());
        }

        int minDay = (int) Math.floorDiv(timestamp - settings.amountWindowMillis, EventTimes.DAY);
        List<String> currencies = new ArrayList<>();
        for (String currency : amountHistory.keys()) {
            currencies.add(currency);
        }
        for (String currency : currencies) {
            AmountHistory history = amountHistory.get(currency);
            if (history.evictBefore(minDay)) {
                amountHistory.put(currency, history);
                next = Math.min(next, history.oldestDay() * EventTimes.DAY + settings.amountWindowMillis);
            } else {
                amountHistory.remove(currency);
            }
        }

        AccountHistory[] accounts = Accounts.evict(vendorAccounts.value(), timestamp - settings.bankRetentionMillis);
        if (accounts == null) {
            vendorAccounts.clear();
        } else {
            vendorAccounts.update(accounts);
            next = Math.min(next, Accounts.minLastSeen(accounts) + settings.bankRetentionMillis);
        }

        if (next == Long.MAX_VALUE) {
            cleanupTimer.clear();
        } else {
            long due = Math.max(EventTimes.ceil(next, interval()), timestamp + interval());
            timers.registerEventTimeTimer(due);
            cleanupTimer.update(due);
        }
    }

    private long interval() {
        return Math.max(EventTimes.DAY, settings.cleanupIntervalMillis);
    }

    private static SeenInvoice[] retain(SeenInvoice[] bucket, long minTime) {
        int kept = 0;
        for (SeenInvoice s : bucket) {
            if (s.eventTime >= minTime) {
                kept++;
            }
        }
        if (kept == bucket.length) {
            return bucket;
        }
        SeenInvoice[] out = new SeenInvoice[kept];
        int j = 0;
        for (SeenInvoice s : bucket) {
            if (s.eventTime >= minTime) {
                out[j++] = s;
            }
        }
        return out;
    }

    static SeenInvoice[] append(SeenInvoice[] bucket, SeenInvoice probe, long minTime, int maxSize) {
        SeenInvoice[] kept = bucket == null ? new SeenInvoice[0] : retain(bucket, minTime);
        int skip = Math.max(0, kept.length + 1 - maxSize);
        SeenInvoice[] out = new SeenInvoice[kept.length - skip + 1];
        System.arraycopy(kept, skip, out, 0, kept.length - skip);
        out[out.length - 1] = probe;
        return out;
    }
}

package io.invoicesieve.detect.duplicates;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.EventTimes;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.ExpiryBucket;
import io.invoicesieve.state.SeenInvoice;
import io.invoicesieve.state.VendorProfile;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * State {@code expiry-index} (since 0.2.0): what a vendor's first deliveries left in
 * {@code invoice-deliveries} ({@link ReplayFilter}) and {@code duplicate-index}
 * ({@link DuplicateIndex}), by week of event time, so that a purge reads what expired and nothing
 * else. Until 0.1.0 a purge scanned every id and every bucket of the vendor each cleanup interval,
 * whatever had expired: on RocksDB that is a read of each entry, on the heap an iteration of each.
 *
 * <p>The week the vendor's latest invoices are in (the open week) is kept in {@code vendor-profile},
 * which every first delivery reads and writes anyway: an invoice costs no extra state access. When an
 * invoice of a later week arrives, the open week goes to {@code expiry-index} with one write. Only an
 * invoice of an earlier week than the open one (out of order across a week's end) reads and writes
 * its week there.
 *
 * <p>A purge at time T takes the weeks in order: the keys of a week whose end is a lookback before
 * T are expired (each key's bucket drops what is older than the lookback, {@link DuplicateIndex#expire}),
 * the ids of a week whose end is a replay retention before T are forgotten, and a week with both
 * stages done is removed. The profile records the stored weeks and how far each stage got, so a purge
 * reads one value per expired week. An entry therefore lives until the first purge after its week's
 * end plus the retention: up to a week longer than its own time plus the retention would give.
 *
 * <p>A key whose entries predate the index (restored from 0.1.0, or a profile of the first 0.2.0
 * format) is indexed once, on its first touch ({@link #build}): one scan, as one purge used to be.
 */
public final class ExpiryIndex {

    /** The length of a week bucket. */
    public static final long WEEK = 7 * EventTimes.DAY;

    private final MapState<Integer, ExpiryBucket> buckets;
    private final long lookbackMillis;
    private final long retentionMillis;

    public ExpiryIndex(RuntimeContext ctx, DetectorSettings settings) {
        this.buckets = ctx.getMapState(Descriptors.expiryIndex());
        this.lookbackMillis = settings.lookbackMillis;
        this.retentionMillis = settings.replayRetentionMillis;
    }

    /** The week of event time {@code time}. */
    public static int week(long time) {
        long w = Math.floorDiv(time, WEEK);
        return (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE - 1, w));
    }

    /** The end of {@code week} (the start of the next one). */
    public static long end(int week) {
        return (week + 1L) * WEEK;
    }

    /** The earliest time a purge can remove what an invoice delivered at {@code time} leaves. */
    public long earliestExpiry(long time) {
        return EventTimes.saturatedAdd(end(week(time)), Math.min(lookbackMillis, retentionMillis));
    }

    /**
     * Records a first delivery: its id and, when it was indexed (not a zero amount), its
     * duplicate-index keys.
     */
    public void record(VendorProfile p, long time, String invoiceId, String numberKey, String amountKey)
            throws Exception {
        // a week whose stages have run already would never be purged again: an invoice that old
        // goes to the first week that will be
        int floor = Math.max(p.keysPurgedThrough, p.idsPurgedThrough);
        int w = floor == VendorProfile.NO_WEEK ? week(time) : Math.max(week(time), floor + 1);
        ExpiryBucket bucket;
        if (p.openWeek == VendorProfile.NO_WEEK || w > p.openWeek) {
            flushOpen(p);
            p.openWeek = w;
            bucket = p.open;
        } else if (w == p.openWeek) {
            bucket = p.open;
        } else {
            int at = Arrays.binarySearch(p.weeks, w);
            bucket = at >= 0 ? buckets.get(w) : null;
            if (bucket == null) {
                bucket = new ExpiryBucket();
            }
            if (at < 0) {
                p.weeks = insert(p.weeks, -at - 1, w);
            }
        }
        bucket.addId(invoiceId);
        if (numberKey != null) {
            bucket.addKey(numberKey);
            bucket.addKey(amountKey);
        }
        if (bucket != p.open) {
            buckets.put(w, bucket);
        }
    }

    private void flushOpen(VendorProfile p) throws Exception {
        if (!p.open.isEmpty()) {
            buckets.put(p.openWeek, p.open);
            p.weeks = insert(p.weeks, p.weeks.length, p.openWeek);
            p.open = new ExpiryBucket();
        }
    }

    /**
     * Expires the duplicate-index entries and forgets the ids of the weeks due by {@code timestamp}.
     *
     * @return the time the next week is due, or {@code Long.MAX_VALUE} when nothing is indexed
     */
    public long purge(VendorProfile p, long timestamp, ReplayFilter replays, DuplicateIndex duplicates)
            throws Exception {
        Set<String> keys = new LinkedHashSet<>();
        List<String> ids = new ArrayList<>();
        long next = Long.MAX_VALUE;
        int removed = 0;
        for (int w : p.weeks) {
            long keysDue = EventTimes.saturatedAdd(end(w), lookbackMillis);
            long idsDue = EventTimes.saturatedAdd(end(w), retentionMillis);
            boolean keysDone = w <= p.keysPurgedThrough;
            boolean idsDone = w <= p.idsPurgedThrough;
            boolean keysNow = !keysDone && keysDue <= timestamp;
            boolean idsNow = !idsDone && idsDue <= timestamp;
            if (keysNow || idsNow) {
                ExpiryBucket bucket = buckets.get(w);
                if (bucket != null) {
                    if (keysNow) {
                        keys.addAll(Arrays.asList(bucket.keys));
                    }
                    if (idsNow) {
                        ids.addAll(Arrays.asList(bucket.ids));
                    }
                }
                if (keysNow) {
                    p.keysPurgedThrough = w;
                    keysDone = true;
                }
                if (idsNow) {
                    p.idsPurgedThrough = w;
                    idsDone = true;
                }
            }
            if (keysDone && idsDone) {
                // both stages run in week order, so the weeks done with both are a prefix
                buckets.remove(w);
                removed++;
                continue;
            }
            next = Math.min(next, Math.min(keysDone ? Long.MAX_VALUE : keysDue, idsDone ? Long.MAX_VALUE : idsDue));
            if (!keysDone && !idsDone) {
                // neither stage is due here, so neither is in any later week
                break;
            }
            // one stage is done (the keys, with the lookback shorter than the retention): a later
            // week may be due for it
        }
        if (removed > 0) {
            p.weeks = Arrays.copyOfRange(p.weeks, removed, p.weeks.length);
        }
        if (p.openWeek != VendorProfile.NO_WEEK) {
            long keysDue = EventTimes.saturatedAdd(end(p.openWeek), lookbackMillis);
            long idsDue = EventTimes.saturatedAdd(end(p.openWeek), retentionMillis);
            next = drain(p.open.keys, keysDue, timestamp, keys, p.open::clearKeys, next);
            next = drain(p.open.ids, idsDue, timestamp, ids, p.open::clearIds, next);
        }
        duplicates.expire(keys, timestamp);
        replays.forget(ids);
        return next;
    }

    /**
     * One stage of the open week: its entries move to {@code into} (and {@code clear} empties them)
     * when {@code due} by {@code timestamp}; returns {@code next}, or {@code due} when that is earlier
     * and the stage waits.
     */
    private static long drain(String[] open, long due, long timestamp, Collection<String> into, Runnable clear,
            long next) {
        if (open.length == 0) {
            return next;
        }
        if (due > timestamp) {
            return Math.min(next, due);
        }
        into.addAll(Arrays.asList(open));
        clear.run();
        return next;
    }

    /**
     * Indexes what the key holds already (a key from before the index): one scan of its ids and
     * buckets. The latest week becomes the open one.
     */
    public void build(VendorProfile p, ReplayFilter replays, DuplicateIndex duplicates) throws Exception {
        TreeMap<Integer, ExpiryBucket> weeks = new TreeMap<>();
        for (Map.Entry<String, long[]> id : replays.firstDeliveries()) {
            weeks.computeIfAbsent(week(id.getValue()[ReplayFilter.FIRST_AT]), w -> new ExpiryBucket())
                    .addId(id.getKey());
        }
        for (Map.Entry<String, SeenInvoice[]> bucket : duplicates.entries()) {
            for (SeenInvoice s : bucket.getValue()) {
                weeks.computeIfAbsent(week(s.eventTime), w -> new ExpiryBucket()).addKey(bucket.getKey());
            }
        }
        p.openWeek = VendorProfile.NO_WEEK;
        p.open = new ExpiryBucket();
        p.weeks = new int[0];
        p.keysPurgedThrough = VendorProfile.NO_WEEK;
        p.idsPurgedThrough = VendorProfile.NO_WEEK;
        if (weeks.isEmpty()) {
            return;
        }
        Map.Entry<Integer, ExpiryBucket> last = weeks.pollLastEntry();
        int[] stored = new int[weeks.size()];
        int i = 0;
        for (Map.Entry<Integer, ExpiryBucket> w : weeks.entrySet()) {
            buckets.put(w.getKey(), w.getValue());
            stored[i++] = w.getKey();
        }
        p.weeks = stored;
        p.openWeek = last.getKey();
        p.open = last.getValue();
    }

    /** {@code a} with {@code w} inserted at {@code at}. */
    private static int[] insert(int[] a, int at, int w) {
        int[] out = new int[a.length + 1];
        System.arraycopy(a, 0, out, 0, at);
        out[at] = w;
        System.arraycopy(a, at, out, at + 1, a.length - at);
        return out;
    }
}

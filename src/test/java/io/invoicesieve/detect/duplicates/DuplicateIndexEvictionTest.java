package io.invoicesieve.detect.duplicates;

import io.invoicesieve.state.SeenInvoice;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the bucket bound keeps: each group's earliest arrivals; the newest of a largest group goes. */
class DuplicateIndexEvictionTest {

    private static SeenInvoice seen(String id, String number, long amountMilli, int day, long time) {
        return DuplicateDetector.probe(id, number, amountMilli, "EUR", day, time);
    }

    @Test
    void aNumberBucketDropsItsNewestSameAmountClonesAndKeepsEveryAmount() {
        SeenInvoice[] bucket = null;
        bucket = DuplicateIndex.append(bucket, seen("orig", "INV-1", 1_000_000, 100, 1), Long.MIN_VALUE, 4, false);
        bucket = DuplicateIndex.append(bucket, seen("typo", "INV-1", 1_000_090, 100, 2), Long.MIN_VALUE, 4, false);
        for (int i = 0; i < 10; i++) {
            bucket = DuplicateIndex.append(bucket, seen("clone-" + i, "INV-1", 1_000_000, 100, 3 + i), Long.MIN_VALUE, 4, false);
        }
        SeenInvoice last = seen("other-amount", "INV-1", 2_000_000, 100, 20);
        bucket = DuplicateIndex.append(bucket, last, Long.MIN_VALUE, 4, false);
        assertThat(bucket).extracting(s -> s.invoiceId).containsExactly("orig", "typo", "clone-0", "other-amount");
    }

    @Test
    void anAmountBucketThinsItsMostCrowdedDateFromItsNewest() {
        SeenInvoice[] bucket = null;
        bucket = DuplicateIndex.append(bucket, seen("early", "A-1", 5_000, 100, 1), Long.MIN_VALUE, 5, true);
        bucket = DuplicateIndex.append(bucket, seen("other-day", "A-2", 5_000, 130, 2), Long.MIN_VALUE, 5, true);
        for (int i = 0; i < 20; i++) {
            bucket = DuplicateIndex.append(bucket, seen("flood-" + i, "F-" + i, 5_000, 100, 3 + i), Long.MIN_VALUE, 5, true);
        }
        assertThat(bucket).extracting(s -> s.invoiceId).containsExactly("early", "other-day", "flood-0", "flood-1", "flood-2");
        // a new date is not the most crowded: it gets in, the crowded date gives up its newest
        bucket = DuplicateIndex.append(bucket, seen("new-day", "A-3", 5_000, 140, 30), Long.MIN_VALUE, 5, true);
        assertThat(bucket).extracting(s -> s.invoiceId).containsExactly("early", "other-day", "flood-0", "flood-1", "new-day");
    }

    @Test
    void expiredEntriesGoFirstAndABucketWithinTheBoundIsKeptAsIs() {
        SeenInvoice[] bucket = null;
        bucket = DuplicateIndex.append(bucket, seen("old", "A-1", 5_000, 100, 1), Long.MIN_VALUE, 2, true);
        bucket = DuplicateIndex.append(bucket, seen("mid", "A-2", 5_000, 100, 50), Long.MIN_VALUE, 2, true);
        bucket = DuplicateIndex.append(bucket, seen("new", "A-3", 5_000, 100, 100), 10, 2, true);
        assertThat(bucket).extracting(s -> s.invoiceId).containsExactly("mid", "new");
    }
}

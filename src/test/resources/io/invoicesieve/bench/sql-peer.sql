-- The SQL peer of the job's duplicate check (SqlBaselineBenchmark, benchmarks/sql-peer.md): the
-- vendor's invoices in one table, and one stored function call per invoice that inserts it, reads its
-- candidates, applies the rules of DuplicateDetector.match and returns the verdict. The client
-- computes the invoice number's normal forms (InvoiceNumbers.normalize, digitSkeleton) as the
-- job does, so both compare the same keys.

DROP FUNCTION IF EXISTS check_invoice;
DROP FUNCTION IF EXISTS match_kind;
DROP FUNCTION IF EXISTS affix_variant;
DROP FUNCTION IF EXISTS amount_typo;
DROP TABLE IF EXISTS invoices;

CREATE TABLE invoices (
    tenant_id text NOT NULL,
    invoice_id text NOT NULL,
    vendor_id text NOT NULL,
    invoice_number text NOT NULL,
    normalized_number text NOT NULL,
    digit_skeleton text,
    amount_milli bigint NOT NULL,
    currency text NOT NULL,
    invoice_day int NOT NULL,
    event_time bigint NOT NULL,
    -- reversed by a credit note of its full amount: its re-entry is no duplicate
    reversed boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, invoice_id)
);
-- the number bucket: every invoice of the vendor under the normalized number, in the lookback
CREATE INDEX invoices_number ON invoices (tenant_id, vendor_id, normalized_number, event_time);
-- the amount bucket: the vendor's invoices of this currency and amount, dated within the tolerance
CREATE INDEX invoices_amount ON invoices (tenant_id, vendor_id, currency, amount_milli, invoice_day);

-- InvoiceNumbers.affixVariant with DuplicateDetector.MAX_AFFIX = 4: one normalized number is the
-- other with a prefix or suffix of 1 to 4 characters; the shorter keeps at least four.
CREATE FUNCTION affix_variant(a text, b text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT length(l) - length(s) BETWEEN 1 AND 4 AND length(s) >= 4
        AND (starts_with(l, s) OR right(l, length(s)) = s)
    FROM (SELECT CASE WHEN length(a) <= length(b) THEN a ELSE b END AS s,
                 CASE WHEN length(a) <= length(b) THEN b ELSE a END AS l) x
$$;

-- InvoiceNumbers.amountTypo: two positive amounts that differ by at most 1 %, or by two adjacent
-- digits swapped.
CREATE FUNCTION amount_typo(a bigint, b bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT a <> b AND a > 0 AND b > 0
        AND (abs(a - b) * 100 <= greatest(a, b)
             OR EXISTS (SELECT 1 FROM generate_series(1, length(a::text) - 1) i
                        WHERE overlay(a::text PLACING substr(a::text, i + 1, 1) || substr(a::text, i, 1)
                                      FROM i FOR 2) = b::text))
$$;

-- DuplicateDetector.match: how the probe (p_) resubmits the candidate (c_), as MatchKind's
-- ordinal + 1 (1 EXACT, 2 NUMBER_EQUIVALENT, 3 NUMBER_AFFIX, 4 AMOUNT_TYPO,
-- 5 SAME_AMOUNT_AND_DATE), or NULL. Credit notes only match credit notes.
CREATE FUNCTION match_kind(p_number text, p_normalized text, p_skeleton text, p_amount bigint,
                           p_currency text, p_day int, c_number text, c_normalized text,
                           c_skeleton text, c_amount bigint, c_currency text, c_day int,
                           tolerance int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p_currency <> c_currency OR sign(p_amount) <> sign(c_amount) OR c_amount = 0 THEN NULL
        WHEN p_amount = c_amount THEN CASE
            WHEN p_number = c_number AND p_day = c_day THEN 1
            WHEN p_normalized = c_normalized THEN 2
            WHEN abs(p_day - c_day) <= tolerance
                 AND (affix_variant(p_normalized, c_normalized) OR p_skeleton = c_skeleton) THEN 3
            WHEN p_day = c_day THEN 5
        END
        WHEN p_normalized = c_normalized AND abs(p_day - c_day) <= tolerance
             AND amount_typo(abs(p_amount), abs(c_amount)) THEN 4
    END
$$;

-- One call per invoice: inserts it (an invoice_id already stored is a replay: nothing else
-- happens), finds the strongest match among the vendor's invoices under its number (any date) and
-- under its amount (dated within the tolerance), all within the lookback by event time, drops a
-- same-amount-and-date match that is the vendor's habit at that amount (DuplicateDetector
-- .sameDayRepeats), and when a credit note matches nothing, marks the invoice it reverses
-- (DuplicateDetector.reversedBy). Verdict: REPLAY, NONE or the MatchKind name; original_id is the
-- earliest invoice of the strongest match.
CREATE FUNCTION check_invoice(p_tenant text, p_invoice text, p_vendor text, p_number text,
                              p_normalized text, p_skeleton text, p_amount bigint, p_currency text,
                              p_day int, p_event_time bigint, p_description text,
                              p_lookback bigint, p_tolerance int, p_habit int,
                              OUT verdict text, OUT original_id text)
LANGUAGE plpgsql AS $$
DECLARE
    v_kind int;
    v_repeats bigint;
    v_reversed text;
BEGIN
    IF p_amount = 0 THEN
        -- zero amounts are never payment duplicates, and the job does not index them
        verdict := 'NONE';
        RETURN;
    END IF;
    INSERT INTO invoices (tenant_id, invoice_id, vendor_id, invoice_number, normalized_number,
                          digit_skeleton, amount_milli, currency, invoice_day, event_time)
    VALUES (p_tenant, p_invoice, p_vendor, p_number, p_normalized, p_skeleton, p_amount, p_currency,
            p_day, p_event_time)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        verdict := 'REPLAY';
        RETURN;
    END IF;

    SELECT c.kind, c.invoice_id INTO v_kind, original_id
    FROM (SELECT match_kind(p_number, p_normalized, p_skeleton, p_amount, p_currency, p_day,
                            i.invoice_number, i.normalized_number, i.digit_skeleton, i.amount_milli,
                            i.currency, i.invoice_day, p_tolerance) AS kind,
                 i.invoice_id, i.event_time
          FROM invoices i
          WHERE i.tenant_id = p_tenant AND i.vendor_id = p_vendor
            AND i.normalized_number = p_normalized
            AND i.event_time BETWEEN p_event_time - p_lookback AND p_event_time + p_lookback
            AND i.invoice_id <> p_invoice AND NOT i.reversed
          UNION ALL
          SELECT match_kind(p_number, p_normalized, p_skeleton, p_amount, p_currency, p_day,
                            i.invoice_number, i.normalized_number, i.digit_skeleton, i.amount_milli,
                            i.currency, i.invoice_day, p_tolerance),
                 i.invoice_id, i.event_time
          FROM invoices i
          WHERE i.tenant_id = p_tenant AND i.vendor_id = p_vendor
            AND i.currency = p_currency AND i.amount_milli = p_amount
            AND i.invoice_day BETWEEN p_day - p_tolerance AND p_day + p_tolerance
            AND i.normalized_number <> p_normalized
            AND i.event_time BETWEEN p_event_time - p_lookback AND p_event_time + p_lookback
            AND i.invoice_id <> p_invoice AND NOT i.reversed) c
    WHERE c.kind IS NOT NULL
    ORDER BY c.kind, c.event_time
    LIMIT 1;

    IF v_kind = 5 THEN
        -- per invoice date, the other numbers under which the vendor billed this amount
        SELECT coalesce(sum(d.numbers - 1), 0) INTO v_repeats
        FROM (SELECT count(DISTINCT i.normalized_number) AS numbers
              FROM invoices i
              WHERE i.tenant_id = p_tenant AND i.vendor_id = p_vendor
                AND i.currency = p_currency AND i.amount_milli = p_amount
                AND i.event_time BETWEEN p_event_time - p_lookback AND p_event_time + p_lookback
                AND i.invoice_id <> p_invoice AND NOT i.reversed
              GROUP BY i.invoice_day) d;
        IF v_repeats >= p_habit THEN
            v_kind := NULL;
            original_id := NULL;
        END IF;
    END IF;
    IF v_kind IS NOT NULL THEN
        verdict := (ARRAY['EXACT', 'NUMBER_EQUIVALENT', 'NUMBER_AFFIX', 'AMOUNT_TYPO',
                          'SAME_AMOUNT_AND_DATE'])[v_kind];
        RETURN;
    END IF;
    verdict := 'NONE';

    IF p_amount < 0 THEN
        -- the invoice this credit note reverses: the latest one it names (same number, or its number
        -- in the description), else the only invoice of that amount in the lookback
        SELECT r.invoice_id INTO v_reversed
        FROM (SELECT i.invoice_id, i.event_time,
                     i.normalized_number = p_normalized
                         OR (length(i.normalized_number) >= 4
                             AND strpos(p_description, i.normalized_number) > 0) AS named,
                     count(*) OVER () AS live
              FROM invoices i
              WHERE i.tenant_id = p_tenant AND i.vendor_id = p_vendor
                AND i.currency = p_currency AND i.amount_milli = -p_amount
                AND i.event_time BETWEEN p_event_time - p_lookback AND p_event_time + p_lookback
                AND NOT i.reversed) r
        WHERE r.named OR r.live = 1
        ORDER BY r.named DESC, r.event_time DESC
        LIMIT 1;
        IF FOUND THEN
            UPDATE invoices SET reversed = true WHERE tenant_id = p_tenant AND invoice_id = v_reversed;
        END IF;
    END IF;
END
$$;

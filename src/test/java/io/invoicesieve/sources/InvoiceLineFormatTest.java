package io.invoicesieve.sources;

import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.testing.ContractSchemas;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The FileSource's view of a JSON-lines file: line ends, BOM, huge lines, and origins after a restore. */
class InvoiceLineFormatTest {

    private static final String VALID =
            "{\"tenant_id\":\"acme\",\"invoice_id\":\"ID\",\"vendor_id\":\"V-1\",\"invoice_number\":\"INV-1\","
                    + "\"invoice_date\":\"2026-03-02\",\"event_time\":\"2026-03-02T09:00:00Z\",\"amount\":\"10.00\",\"currency\":\"EUR\"}";

    private static String valid(String id) {
        return VALID.replace("\"ID\"", "\"" + id + "\"");
    }

    @Test
    void aBareCarriageReturnDoesNotEndALineAndCrlfDoes(@TempDir java.nio.file.Path dir) throws Exception {
        String content = "\uFEFF" + valid("a") + "\n"
                + valid("b").replace(",\"vendor_id\"", ",\r\"vendor_id\"") + "\r\n"
                + "\r\n"
                + "not json\rstill line 4\n"
                + valid("e") + "\n"
                + valid("f"); // no line end at the end of the file
        List<InboundRecord> records = readAll(write(dir, content), null);
        assertThat(records).extracting(r -> r.invoice != null ? r.invoice.invoiceId : r.deadLetter.origin)
                .containsExactly("a", "b", "file:line 4", "e", "f");
        assertThat(records.get(2).deadLetter.raw).isEqualTo("not json\rstill line 4");
    }

    @Test
    void originsStayRightAfterARestore(@TempDir java.nio.file.Path dir) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            b.append(i % 5 == 0 ? "   " : i % 7 == 0 ? "bad line " + i : valid("id-" + i)).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        java.nio.file.Path file = write(dir, b.toString());
        List<InboundRecord> all = readAll(file, null);
        List<String> origins = origins(all);
        // restore after each number of emitted records: the rest carries the same origins
        for (int skip = 0; skip <= all.size(); skip += 3) {
            List<InboundRecord> rest = readAll(file, new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, skip));
            assertThat(origins(rest)).as("restored after %d records", skip).isEqualTo(origins.subList(skip, origins.size()));
        }
        assertThat(origins).contains("file:line 7", "file:line 14");
        assertThat(all).filteredOn(r -> r.invoice != null).extracting(r -> r.invoice.invoiceId).contains("id-1", "id-39");
    }

    @Test
    void aHugeLineIsNotReadWholeAndTheLinesAfterItKeepTheirNumbers() throws Exception {
        long huge = 100L * 1024 * 1024; // 100 MB of one line, streamed: never in memory
        InputStream in = new InputStream() {
            final byte[] head = "{\"notes\":\"".getBytes(StandardCharsets.UTF_8);
            final byte[] tail = ("\"}\n" + valid("after") + "\n").getBytes(StandardCharsets.UTF_8);
            long pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long total = head.length + huge + tail.length;
                if (pos >= total) {
                    return -1;
                }
                int n = 0;
                while (n < len && pos < total) {
                    long p = pos;
                    b[off + n++] = p < head.length ? head[(int) p]
                            : p < head.length + huge ? (byte) 'x'
                            : tail[(int) (p - head.length - huge)];
                    pos++;
                }
                return n;
            }
        };
        Runtime rt = Runtime.getRuntime();
        InvoiceParser parser = new InvoiceParser();
        try (JsonLines lines = new JsonLines(in)) {
            assertThat(lines.next()).isTrue();
            assertThat(lines.totalLength()).isEqualTo(huge + 12);
            assertThat(lines.length()).isEqualTo(InvoiceParser.MAX_RECORD_BYTES + 1);
            InboundRecord r = parser.parseRecord(lines.bytes(), 0, lines.length(), lines.totalLength(), "file:line 1");
            assertThat(r.deadLetter.reason).isEqualTo("record longer than 65536 bytes (104857612 bytes)");
            assertThat(r.deadLetter.raw).hasSizeLessThanOrEqualTo(InvoiceParser.MAX_RAW_CHARS)
                    .endsWith("\u2026[truncated: 104857612 bytes in all]");
            ContractSchemas.assertValidDeadLetter(r.deadLetter);
            assertThat(lines.next()).isTrue();
            assertThat(lines.lineNumber()).isEqualTo(2);
            assertThat(parser.parseRecord(lines.bytes(), 0, lines.length(), lines.totalLength(), "x").invoice.invoiceId)
                    .isEqualTo("after");
            assertThat(lines.next()).isFalse();
        }
        assertThat(rt.totalMemory() - rt.freeMemory()).as("heap in use").isLessThan(512L * 1024 * 1024);
    }

    private static java.nio.file.Path write(java.nio.file.Path dir, String content) throws IOException {
        java.nio.file.Path file = dir.resolve("in.jsonl");
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static List<String> origins(List<InboundRecord> records) {
        List<String> out = new ArrayList<>();
        for (InboundRecord r : records) {
            out.add(r.invoice != null ? r.invoice.invoiceId : r.deadLetter.origin);
        }
        return out;
    }

    /** Through Flink's own adapter, as the FileSource reads: from the start, or restored at a position. */
    private static List<InboundRecord> readAll(java.nio.file.Path file, CheckpointedPosition position) throws IOException {
        StreamFormatAdapter<InboundRecord> adapter = new StreamFormatAdapter<>(new InvoiceLineFormat());
        long size = Files.size(file);
        FileSourceSplit split = new FileSourceSplit("0", new Path(file.toUri()), 0, size, 0, size, new String[0], position);
        BulkFormat.Reader<InboundRecord> reader = position == null
                ? adapter.createReader(new Configuration(), split)
                : adapter.restoreReader(new Configuration(), split);
        List<InboundRecord> out = new ArrayList<>();
        BulkFormat.RecordIterator<InboundRecord> batch;
        while ((batch = reader.readBatch()) != null) {
            RecordAndPosition<InboundRecord> r;
            while ((r = batch.next()) != null) {
                InboundRecord record = r.getRecord();
                // the adapter may reuse nothing here, but copy the identity out to be safe
                out.add(record);
            }
            batch.releaseBatch();
        }
        reader.close();
        return out;
    }
}

package io.invoicesieve.sources;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.serde.InvoiceParser;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

import java.io.IOException;
import java.time.Duration;

/**
 * JSON-lines invoices for the FileSource: each line is parsed as it is read, so the source emits
 * invoices (or dead letters) and watermarks come from the invoices' event times. Lines are split
 * by {@link JsonLines} (at {@code \n} only, CRLF allowed, a leading BOM skipped, no line held longer
 * than the record limit) and parsed from their bytes (strict UTF-8). Blank lines are skipped; any
 * other line that is not a valid invoice becomes a dead letter naming its line.
 *
 * <p>Restore: a {@link SimpleStreamFormat} is not splittable, and the FileSource restores its reader
 * by opening the file again and skipping the records emitted before the checkpoint. Line numbers
 * are counted by the reader from the start of the file, blank lines included, so the skipped
 * records run through the same count and origins stay right after a restore
 * ({@code InvoiceLineFormatTest}).
 */
public class InvoiceLineFormat extends SimpleStreamFormat<InboundRecord> {

    private static final long serialVersionUID = 2L;

    private final InvoiceParser parser;

    /** With the default {@code sieve.input.max-future-skew}. */
    public InvoiceLineFormat() {
        this(SieveOptions.MAX_FUTURE_SKEW.defaultValue());
    }

    public InvoiceLineFormat(SieveConfig config) {
        this(config.get(SieveOptions.MAX_FUTURE_SKEW));
    }

    public InvoiceLineFormat(Duration maxFutureSkew) {
        this.parser = new InvoiceParser(maxFutureSkew);
    }

    @Override
    public StreamFormat.Reader<InboundRecord> createReader(Configuration config, FSDataInputStream stream) {
        JsonLines lines = new JsonLines(stream);
        return new StreamFormat.Reader<>() {
            @Override
            public InboundRecord read() throws IOException {
                while (lines.next()) {
                    if (!lines.isBlank()) {
                        return parser.parseRecord(lines.bytes(), 0, lines.length(), lines.totalLength(),
                                "file:line " + lines.lineNumber());
                    }
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    @Override
    public TypeInformation<InboundRecord> getProducedType() {
        return Types.POJO(InboundRecord.class);
    }
}

package io.invoicesieve.sources;

import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.serde.InvoiceParser;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * JSON-lines invoices for the FileSource: each line is parsed as it is read, so the source emits
 * invoices (or dead letters) and watermarks come from the invoices' event times. Blank lines are
 * skipped; any other line that is not a valid invoice becomes a dead letter naming its line.
 */
public class InvoiceLineFormat extends SimpleStreamFormat<InboundRecord> {

    private static final long serialVersionUID = 1L;

    private final InvoiceParser parser = new InvoiceParser();

    @Override
    public StreamFormat.Reader<InboundRecord> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16);
        return new StreamFormat.Reader<>() {
            private long lineNumber;

            @Override
            public InboundRecord read() throws IOException {
                String line;
                do {
                    line = lines.readLine();
                    if (line == null) {
                        return null;
                    }
                    lineNumber++;
                } while (line.isBlank());
                return parser.parseRecord(line, "file:line " + lineNumber);
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

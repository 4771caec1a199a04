package io.invoicesieve.sources;

import io.invoicesieve.serde.InvoiceParser;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a JSON-lines byte stream into lines, as {@code local} and the FileSource read them:
 *
 * <ul>
 *   <li>a line ends at {@code \n} only; one {@code \r} before it is dropped (CRLF files), a bare
 *       {@code \r} anywhere else is part of the line (JSON whitespace, or a dead letter);
 *   <li>a UTF-8 byte order mark at the start of the stream is skipped;
 *   <li>no line is held longer than {@link InvoiceParser#MAX_RECORD_BYTES} (+1) bytes: a longer one
 *       is read on to its {@code \n} and counted, its first bytes kept, so that a 100 MB line costs
 *       no 100 MB of memory and the line numbers after it stay right.
 * </ul>
 *
 * Not thread-safe; the bytes of a line are valid until the next call of {@link #next}.
 */
public final class JsonLines implements Closeable {

    private static final int CAP = InvoiceParser.MAX_RECORD_BYTES + 1;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private boolean started;

    private byte[] line = new byte[1024];
    private int length;
    private long totalLength;
    private long lineNumber;

    public JsonLines(InputStream in) {
        this(in, 1 << 16);
    }

    JsonLines(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /** Reads the next line; false at the end of the stream. */
    public boolean next() throws IOException {
        length = 0;
        totalLength = 0;
        if (!started) {
            started = true;
            fill();
            if (limit - pos >= 3 && buf[pos] == (byte) 0xEF && buf[pos + 1] == (byte) 0xBB && buf[pos + 2] == (byte) 0xBF) {
                pos += 3;
            }
        }
        boolean any = false;
        byte last = 0;
        while (true) {
            if (pos == limit) {
                fill();
                if (pos == limit) {
                    if (!any) {
                        return false;
                    }
                    break;
                }
            }
            any = true;
            int nl = pos;
            while (nl < limit && buf[nl] != '\n') {
                nl++;
            }
            int n = nl - pos;
            if (n > 0) {
                append(pos, n);
                last = buf[nl - 1];
            }
            if (nl < limit) {
                pos = nl + 1;
                break;
            }
            pos = limit;
        }
        lineNumber++;
        if (totalLength > 0 && last == '\r') {
            if (length == totalLength) {
                length--;
            }
            totalLength--;
        }
        return true;
    }

    private void append(int from, int n) {
        totalLength += n;
        int keep = Math.min(n, CAP - length);
        if (keep <= 0) {
            return;
        }
        if (length + keep > line.length) {
            byte[] grown = new byte[Math.min(CAP, Math.max(line.length * 2, length + keep))];
            System.arraycopy(line, 0, grown, 0, length);
            line = grown;
        }
        System.arraycopy(buf, from, line, length, keep);
        length += keep;
    }

    private void fill() throws IOException {
        if (eof) {
            return;
        }
        pos = 0;
        limit = 0;
        int r = in.read(buf, 0, buf.length);
        while (r == 0) {
            r = in.read(buf, 0, buf.length);
        }
        if (r < 0) {
            eof = true;
        } else {
            limit = r;
        }
    }

    /** The line's bytes (without its {@code \n} and a {@code \r} before it), {@code [0, length())}. */
    public byte[] bytes() {
        return line;
    }

    /** How many bytes of the line {@link #bytes} holds: all of it, or the first CAP of a longer one. */
    public int length() {
        return length;
    }

    /** The line's whole length in bytes. */
    public long totalLength() {
        return totalLength;
    }

    /** 1-based number of the current line in the stream. */
    public long lineNumber() {
        return lineNumber;
    }

    /** Empty, or only spaces, tabs and carriage returns (JSON whitespace): skipped, not a dead letter. */
    public boolean isBlank() {
        if (totalLength != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

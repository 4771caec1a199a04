package io.invoicesieve.testing;

import io.invoicesieve.model.Invoice;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Invoices as the JSON lines the job reads (invoice.schema.json field names). */
public final class InvoiceJson {

    private static final JsonFactory JSON = new JsonFactory();

    private InvoiceJson() {}

    public static String toJson(Invoice inv) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("tenant_id", inv.tenantId);
            g.writeStringField("invoice_id", inv.invoiceId);
            g.writeStringField("vendor_id", inv.vendorId);
            g.writeStringField("invoice_number", inv.invoiceNumber);
            g.writeStringField("invoice_date", inv.invoiceDate.toString());
            g.writeStringField("event_time", inv.eventTime.toString());
            g.writeStringField("amount", inv.amount.toPlainString());
            g.writeStringField("currency", inv.currency);
            g.writeStringField("remit_account", inv.remitAccount);
            g.writeStringField("source", inv.source);
            if (inv.extractionConfidence != null) {
                g.writeNumberField("extraction_confidence", inv.extractionConfidence);
            }
            if (inv.description != null) {
                g.writeStringField("description", inv.description);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes the invoices (and any extra raw lines after them) as one JSON-lines file. */
    public static Path write(Path file, List<Invoice> invoices, String... rawLines) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Invoice inv : invoices) {
            lines.add(toJson(inv));
        }
        lines.addAll(List.of(rawLines));
        Files.createDirectories(file.getParent());
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }
}

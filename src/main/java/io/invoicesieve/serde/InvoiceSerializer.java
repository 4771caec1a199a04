package io.invoicesieve.serde;

import io.invoicesieve.model.Invoice;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

import static io.invoicesieve.serde.SerializerIO.readDate;
import static io.invoicesieve.serde.SerializerIO.readDecimal;
import static io.invoicesieve.serde.SerializerIO.readDouble;
import static io.invoicesieve.serde.SerializerIO.readInstant;
import static io.invoicesieve.serde.SerializerIO.readString;
import static io.invoicesieve.serde.SerializerIO.writeDate;
import static io.invoicesieve.serde.SerializerIO.writeDecimal;
import static io.invoicesieve.serde.SerializerIO.writeDouble;
import static io.invoicesieve.serde.SerializerIO.writeInstant;
import static io.invoicesieve.serde.SerializerIO.writeString;

/**
 * Field-by-field serializer of {@link Invoice} for the network between operators: Flink's
 * PojoSerializer reads and writes each field through reflection, on every record. Invoices are
 * never kept in keyed state (the detectors keep their own small state types, with their own
 * versioned serializers in state/StateSerializers), so this format may change between versions;
 * savepoints carry no records in flight.
 */
public final class InvoiceSerializer extends TypeSerializerSingleton<Invoice> {

    private static final long serialVersionUID = 1L;

    public static final InvoiceSerializer INSTANCE = new InvoiceSerializer();

    /** Picked up through {@code @TypeInfo} on {@link Invoice}. */
    public static final class Factory extends TypeInfoFactory<Invoice> {
        @Override
        public TypeInformation<Invoice> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new RecordTypeInfo<>(Invoice.class, INSTANCE);
        }
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Invoice createInstance() {
        return new Invoice();
    }

    @Override
    public Invoice copy(Invoice from) {
        Invoice to = new Invoice();
        to.tenantId = from.tenantId;
        to.invoiceId = from.invoiceId;
        to.vendorId = from.vendorId;
        to.invoiceNumber = from.invoiceNumber;
        to.invoiceDate = from.invoiceDate;
        to.eventTime = from.eventTime;
        to.amount = from.amount;
        to.currency = from.currency;
        to.remitAccount = from.remitAccount;
        to.remitBankCode = from.remitBankCode;
        to.poNumber = from.poNumber;
        to.dueDate = from.dueDate;
        to.description = from.description;
        to.source = from.source;
        to.extractionConfidence = from.extractionConfidence;
        to.traceId = from.traceId;
        return to;
    }

    @Override
    public Invoice copy(Invoice from, Invoice reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Invoice r, DataOutputView out) throws IOException {
        writeString(r.tenantId, out);
        writeString(r.invoiceId, out);
        writeString(r.vendorId, out);
        writeString(r.invoiceNumber, out);
        writeDate(r.invoiceDate, out);
        writeInstant(r.eventTime, out);
        writeDecimal(r.amount, out);
        writeString(r.currency, out);
        writeString(r.remitAccount, out);
        writeString(r.remitBankCode, out);
        writeString(r.poNumber, out);
        writeDate(r.dueDate, out);
        writeString(r.description, out);
        writeString(r.source, out);
        writeDouble(r.extractionConfidence, out);
        writeString(r.traceId, out);
    }

    @Override
    public Invoice deserialize(DataInputView in) throws IOException {
        Invoice r = new Invoice();
        r.tenantId = readString(in);
        r.invoiceId = readString(in);
        r.vendorId = readString(in);
        r.invoiceNumber = readString(in);
        r.invoiceDate = readDate(in);
        r.eventTime = readInstant(in);
        r.amount = readDecimal(in);
        r.currency = readString(in);
        r.remitAccount = readString(in);
        r.remitBankCode = readString(in);
        r.poNumber = readString(in);
        r.dueDate = readDate(in);
        r.description = readString(in);
        r.source = readString(in);
        r.extractionConfidence = readDouble(in);
        r.traceId = readString(in);
        return r;
    }

    @Override
    public Invoice deserialize(Invoice reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Invoice> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot: the format has one version so far. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Invoice> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

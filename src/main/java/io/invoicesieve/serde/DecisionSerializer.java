package io.invoicesieve.serde;

import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.Map;

import static io.invoicesieve.serde.SerializerIO.readDate;
import static io.invoicesieve.serde.SerializerIO.readDouble;
import static io.invoicesieve.serde.SerializerIO.readInstant;
import static io.invoicesieve.serde.SerializerIO.readInteger;
import static io.invoicesieve.serde.SerializerIO.readLongObject;
import static io.invoicesieve.serde.SerializerIO.readString;
import static io.invoicesieve.serde.SerializerIO.readStrings;
import static io.invoicesieve.serde.SerializerIO.writeDate;
import static io.invoicesieve.serde.SerializerIO.writeDouble;
import static io.invoicesieve.serde.SerializerIO.writeInstant;
import static io.invoicesieve.serde.SerializerIO.writeInteger;
import static io.invoicesieve.serde.SerializerIO.writeLongObject;
import static io.invoicesieve.serde.SerializerIO.writeString;
import static io.invoicesieve.serde.SerializerIO.writeStrings;

/**
 * Field-by-field serializer of {@link Decision} (with its reasons and evidence) for the network
 * between the scorer, the shared-accounts stage and the sinks. In flight only, like
 * {@link InvoiceSerializer}.
 */
public final class DecisionSerializer extends TypeSerializerSingleton<Decision> {

    private static final long serialVersionUID = 1L;

    public static final DecisionSerializer INSTANCE = new DecisionSerializer();

    private static final DecisionType[] DECISIONS = DecisionType.values();
    private static final ReasonCode[] CODES = ReasonCode.values();

    /** Picked up through {@code @TypeInfo} on {@link Decision}. */
    public static final class Factory extends TypeInfoFactory<Decision> {
        @Override
        public TypeInformation<Decision> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new RecordTypeInfo<>(Decision.class, INSTANCE);
        }
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Decision createInstance() {
        return new Decision();
    }

    @Override
    public Decision copy(Decision from) {
        // rare (object reuse is on in the job): a round trip is the simplest deep copy
        try {
            DataOutputSerializer out = new DataOutputSerializer(512);
            serialize(from, out);
            return deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Decision copy(Decision from, Decision reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Decision d, DataOutputView out) throws IOException {
        writeString(d.tenantId, out);
        writeString(d.invoiceId, out);
        writeString(d.vendorId, out);
        writeString(d.invoiceNumber, out);
        writeDate(d.invoiceDate, out);
        writeString(d.amount, out);
        writeString(d.currency, out);
        writeInstant(d.eventTime, out);
        out.writeByte(d.decision == null ? -1 : d.decision.ordinal());
        out.writeDouble(d.riskScore);
        if (d.reasons == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(d.reasons.length);
            for (Reason r : d.reasons) {
                out.writeByte(r.code.ordinal());
                out.writeDouble(r.score);
                writeString(r.detail, out);
                out.writeBoolean(r.evidence != null);
                if (r.evidence != null) {
                    writeEvidence(r.evidence, out);
                }
            }
        }
        writeStrings(d.matchedInvoiceIds, out);
        writeString(d.traceId, out);
        writeInstant(d.decidedAt, out);
        writeString(d.modelVersion, out);
        writeString(d.jobVersion, out);
        writeString(d.description, out);
        writeString(d.remitAccount, out);
        writeString(d.remitAccountKey, out);
        writeString(d.source, out);
        out.writeBoolean(d.late);
    }

    @Override
    public Decision deserialize(DataInputView in) throws IOException {
        Decision d = new Decision();
        d.tenantId = readString(in);
        d.invoiceId = readString(in);
        d.vendorId = readString(in);
        d.invoiceNumber = readString(in);
        d.invoiceDate = readDate(in);
        d.amount = readString(in);
        d.currency = readString(in);
        d.eventTime = readInstant(in);
        byte decision = in.readByte();
        d.decision = decision < 0 ? null : DECISIONS[decision];
        d.riskScore = in.readDouble();
        int reasons = in.readInt();
        if (reasons >= 0) {
            d.reasons = new Reason[reasons];
            for (int i = 0; i < reasons; i++) {
                Reason r = new Reason();
                r.code = CODES[in.readByte()];
                r.score = in.readDouble();
                r.detail = readString(in);
                if (in.readBoolean()) {
                    r.evidence = readEvidence(in);
                }
                d.reasons[i] = r;
            }
        }
        d.matchedInvoiceIds = readStrings(in);
        d.traceId = readString(in);
        d.decidedAt = readInstant(in);
        d.modelVersion = readString(in);
        d.jobVersion = readString(in);
        d.description = readString(in);
        d.remitAccount = readString(in);
        d.remitAccountKey = readString(in);
        d.source = readString(in);
        d.late = in.readBoolean();
        return d;
    }

    private static void writeEvidence(Evidence e, DataOutputView out) throws IOException {
        writeStrings(e.matchedInvoiceIds, out);
        writeStrings(e.matchedInvoiceNumbers, out);
        writeString(e.matchedEventTime, out);
        writeString(e.matchedInvoiceDate, out);
        writeStrings(e.matchedInvoiceDates, out);
        writeString(e.matchedAmount, out);
        writeString(e.matchKind, out);
        writeDouble(e.similarity, out);
        writeInteger(e.candidatesCompared, out);
        writeInteger(e.candidatesTotal, out);
        writeInteger(e.comparisonCap, out);
        writeDouble(e.zScore, out);
        writeString(e.vendorMedian, out);
        writeDouble(e.vendorSpread, out);
        writeDouble(e.ratioToMedian, out);
        writeInteger(e.historySize, out);
        writeString(e.account, out);
        writeString(e.firstSeen, out);
        writeString(e.lastSeen, out);
        writeInteger(e.knownAccounts, out);
        writeInteger(e.vendorInvoicesWithAccount, out);
        writeStrings(e.otherVendorIds, out);
        writeInteger(e.otherVendorCount, out);
        writeString(e.firstDeliveredAt, out);
        writeString(e.contentDigest, out);
        writeString(e.previousContentDigest, out);
        writeDouble(e.extractionConfidence, out);
        writeLongObject(e.lateByMillis, out);
        writeDouble(e.vendorRisk, out);
    }

    private static Evidence readEvidence(DataInputView in) throws IOException {
        Evidence e = new Evidence();
        e.matchedInvoiceIds = readStrings(in);
        e.matchedInvoiceNumbers = readStrings(in);
        e.matchedEventTime = readString(in);
        e.matchedInvoiceDate = readString(in);
        e.matchedInvoiceDates = readStrings(in);
        e.matchedAmount = readString(in);
        e.matchKind = readString(in);
        e.similarity = readDouble(in);
        e.candidatesCompared = readInteger(in);
        e.candidatesTotal = readInteger(in);
        e.comparisonCap = readInteger(in);
        e.zScore = readDouble(in);
        e.vendorMedian = readString(in);
        e.vendorSpread = readDouble(in);
        e.ratioToMedian = readDouble(in);
        e.historySize = readInteger(in);
        e.account = readString(in);
        e.firstSeen = readString(in);
        e.lastSeen = readString(in);
        e.knownAccounts = readInteger(in);
        e.vendorInvoicesWithAccount = readInteger(in);
        e.otherVendorIds = readStrings(in);
        e.otherVendorCount = readInteger(in);
        e.firstDeliveredAt = readString(in);
        e.contentDigest = readString(in);
        e.previousContentDigest = readString(in);
        e.extractionConfidence = readDouble(in);
        e.lateByMillis = readLongObject(in);
        e.vendorRisk = readDouble(in);
        return e;
    }

    @Override
    public Decision deserialize(Decision reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Decision> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot: the format has one version so far. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Decision> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

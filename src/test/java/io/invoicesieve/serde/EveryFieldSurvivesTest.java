package io.invoicesieve.serde;

import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field of the records in flight survives its hand-written serializer, and every field of a
 * decision reaches its JSON formats. The records are filled by reflection with a distinct,
 * non-default value per field, so a field added to {@link Invoice}, {@link Decision},
 * {@link Reason} or {@link Evidence} and left out of a serializer or writer fails here.
 */
class EveryFieldSurvivesTest {

    /** Decision fields that are not in the contract's JSON: the keying account never leaves the job. */
    private static final Set<String> NOT_IN_CONTRACT = Set.of("remitAccountKey", "description", "remitAccount");
    /** ... and not in the analysts' document. */
    private static final Set<String> NOT_IN_DOCUMENT = Set.of("remitAccountKey");

    private int counter;

    @Test
    void everyInvoiceFieldSurvivesTheSerializer() throws Exception {
        Invoice invoice = filled(Invoice.class);
        assertThat(fields(Invoice.class)).hasSizeGreaterThan(10);
        assertThat(roundTrip(InvoiceSerializer.INSTANCE, invoice)).usingRecursiveComparison().isEqualTo(invoice);
        assertThat(InvoiceSerializer.INSTANCE.copy(invoice)).usingRecursiveComparison().isEqualTo(invoice);
    }

    @Test
    void everyDecisionFieldSurvivesTheSerializer() throws Exception {
        Decision decision = filledDecision();
        assertThat(roundTrip(DecisionSerializer.INSTANCE, decision)).usingRecursiveComparison().isEqualTo(decision);
        assertThat(DecisionSerializer.INSTANCE.copy(decision)).usingRecursiveComparison().isEqualTo(decision);
    }

    @Test
    void everyDecisionFieldReachesTheContractJsonAndTheDocument() throws Exception {
        Decision decision = filledDecision();
        ObjectMapper json = new ObjectMapper();
        JsonNode contract = json.readTree(DecisionJson.toJsonBytes(decision));
        JsonNode document = json.readTree(DecisionJson.toDocumentBytes(decision));
        for (Field f : fields(Decision.class)) {
            String name = snake(f.getName());
            if (!NOT_IN_CONTRACT.contains(f.getName())) {
                assertThat(contract.has(name)).as("decision JSON has %s", name).isTrue();
            }
            if (!NOT_IN_DOCUMENT.contains(f.getName())) {
                assertThat(document.has(name)).as("OpenSearch document has %s", name).isTrue();
            }
        }
        assertThat(contract.has("remit_account_key")).isFalse();
        assertThat(document.has("remit_account_key")).isFalse();
        JsonNode evidence = contract.get("reasons").get(0).get("evidence");
        for (Field f : fields(Evidence.class)) {
            String name = f.getName().equals("lateByMillis") ? "late_by_ms" : snake(f.getName());
            assertThat(evidence.has(name)).as("evidence JSON has %s", name).isTrue();
        }
    }

    private Decision filledDecision() throws Exception {
        Decision d = filled(Decision.class);
        d.amount = "1234.56"; // a plain decimal string, as the contract has it
        return d;
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                out.add(f);
            }
        }
        return out;
    }

    private <T> T filled(Class<T> type) throws Exception {
        T value = type.getDeclaredConstructor().newInstance();
        for (Field f : fields(type)) {
            f.setAccessible(true);
            f.set(value, sample(f.getType()));
        }
        return value;
    }

    /** A distinct value of each type that is never the type's default. */
    private Object sample(Class<?> type) throws Exception {
        int n = ++counter;
        if (type == String.class) {
            return "v" + n;
        } else if (type == String[].class) {
            return new String[] {"a" + n, "b" + n};
        } else if (type == int.class || type == Integer.class) {
            return 100 + n;
        } else if (type == long.class || type == Long.class) {
            return 1000L + n;
        } else if (type == double.class || type == Double.class) {
            return 0.25 + n / 1000.0;
        } else if (type == boolean.class || type == Boolean.class) {
            return true;
        } else if (type == BigDecimal.class) {
            return new BigDecimal("1234.5" + n);
        } else if (type == Instant.class) {
            return Instant.parse("2026-03-02T09:00:00.123Z").plusSeconds(n);
        } else if (type == LocalDate.class) {
            return LocalDate.of(2026, 3, 2).plusDays(n);
        } else if (type == DecisionType.class) {
            return DecisionType.HOLD;
        } else if (type == ReasonCode.class) {
            return ReasonCode.DUPLICATE_SUSPECT;
        } else if (type == Evidence.class) {
            return filled(Evidence.class);
        } else if (type == Reason.class) {
            return filled(Reason.class);
        } else if (type == Reason[].class) {
            return new Reason[] {filled(Reason.class), filled(Reason.class)};
        }
        throw new AssertionError("no sample value for " + type + ": extend this test for the new field type");
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}

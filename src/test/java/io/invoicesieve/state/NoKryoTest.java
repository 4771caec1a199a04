package io.invoicesieve.state;

import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;

import io.invoicesieve.serde.RecordTypeInfo;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Records and state are Flink POJOs all the way down: no field falls back to Kryo. */
class NoKryoTest {

    @ParameterizedTest
    @ValueSource(classes = {DeadLetter.class, InboundRecord.class, SeenInvoice.class, AmountHistory.class,
        AccountHistory.class})
    void isAPojoWithoutGenericFields(Class<?> type) {
        TypeInformation<?> info = Types.POJO(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        assertNoGeneric(info, type.getSimpleName());
        // and the serializer can be created with generic types disabled
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        assertThat(info.createSerializer(config)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(classes = {Invoice.class, Decision.class})
    void recordsInFlightHaveHandWrittenSerializers(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(RecordTypeInfo.class);
        assertThat(Types.POJO(InboundRecord.class)).isInstanceOf(PojoTypeInfo.class);
    }

    private static void assertNoGeneric(TypeInformation<?> info, String path) {
        assertThat(info).as(path).isNotInstanceOf(GenericTypeInfo.class);
        if (info instanceof PojoTypeInfo) {
            PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
            for (int i = 0; i < pojo.getArity(); i++) {
                assertNoGeneric(pojo.getPojoFieldAt(i).getTypeInformation(),
                        path + "." + pojo.getPojoFieldAt(i).getField().getName());
            }
        } else if (info instanceof ObjectArrayTypeInfo) {
            assertNoGeneric(((ObjectArrayTypeInfo<?, ?>) info).getComponentInfo(), path + "[]");
        }
    }

}

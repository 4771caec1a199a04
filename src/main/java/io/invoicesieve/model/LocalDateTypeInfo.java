package io.invoicesieve.model;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Flink's type extractor treats a {@link java.time.LocalDate} POJO field as a generic (Kryo) type;
 * this factory gives it Flink's own LocalDate serializer.
 */
public class LocalDateTypeInfo extends TypeInfoFactory<java.time.LocalDate> {

    @Override
    public TypeInformation<java.time.LocalDate> createTypeInfo(
            Type t, Map<String, TypeInformation<?>> genericParameters) {
        return Types.LOCAL_DATE;
    }
}

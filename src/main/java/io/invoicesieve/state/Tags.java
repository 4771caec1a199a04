package io.invoicesieve.state;

import io.invoicesieve.model.DeadLetter;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

/** Side outputs. */
public final class Tags {

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", Types.POJO(DeadLetter.class));

    private Tags() {}
}

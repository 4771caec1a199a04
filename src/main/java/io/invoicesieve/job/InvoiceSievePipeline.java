package io.invoicesieve.job;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.control.ControlState;
import io.invoicesieve.control.ControlUpdate;
import io.invoicesieve.functions.AccountSharing;
import io.invoicesieve.functions.Controlled;
import io.invoicesieve.functions.InvoiceScorer;
import io.invoicesieve.functions.RouteDeadLetters;
import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.sinks.SinkGuard;
import io.invoicesieve.state.Tags;
import io.invoicesieve.state.Uids;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place the job's topology is assembled. Sources and sinks are arguments, so that local
 * mode (files), production (Kafka, PostgreSQL, OpenSearch) and tests run the very same operators:
 *
 * <pre>
 * source (parse) -> route dead letters -> keyBy(tenant, vendor) scorer (replays, duplicates,
 *   amounts, bank changes) -> keyBy(tenant, account) shared accounts, final decision -> decision sinks
 *                 \-> dead-letter sinks
 * </pre>
 *
 * <p>The vendor-keyed scorer is the first keyed stage on purpose: each vendor's invoices reach it in
 * the order of their source split, so the resubmission of a pair is the one delivered second.
 *
 * <pre>
 * </pre>
 */
public final class InvoiceSievePipeline {

    /** A sink of decisions; {@code flaggedOnly} sinks get REVIEW and HOLD decisions only. */
    public static final class DecisionSink {
        final String uid;
        final String name;
        final Sink<Decision> sink;
        final boolean flaggedOnly;
        final Integer parallelism;

        public DecisionSink(String uid, String name, Sink<Decision> sink, boolean flaggedOnly, Integer parallelism) {
            this.uid = uid;
            this.name = name;
            this.sink = sink;
            this.flaggedOnly = flaggedOnly;
            this.parallelism = parallelism;
        }
    }

    /** A sink of dead letters. */
    public static final class DeadLetterSink {
        final String uid;
        final String name;
        final Sink<DeadLetter> sink;
        final Integer parallelism;

        public DeadLetterSink(String uid, String name, Sink<DeadLetter> sink, Integer parallelism) {
            this.uid = uid;
            this.name = name;
            this.sink = sink;
            this.parallelism = parallelism;
        }
    }

    /** The streams the builder made, for callers that attach more (tests, benchmarks). */
    public static final class Streams {
        public final DataStream<Decision> decisions;
        public final DataStream<DeadLetter> deadLetters;

        Streams(DataStream<Decision> decisions, DataStream<DeadLetter> deadLetters) {
            this.decisions = decisions;
            this.deadLetters = deadLetters;
        }
    }

    /**
     * The number of key groups of every keyed operator. Part of the savepoint format: a savepoint
     * restores only into a job with the same max parallelism, and the bootstrap writes savepoints
     * with it. Set by Flink's {@code pipeline.max-parallelism}; the builder applies this default when
     * it is not set, so it is never derived from the parallelism. Never change it for a running job.
     */
    public static final int DEFAULT_MAX_PARALLELISM = 128;

    private final SieveConfig config;
    private Source<InboundRecord, ?, ?> source;
    private final List<DecisionSink> decisionSinks = new ArrayList<>();
    private final List<DeadLetterSink> deadLetterSinks = new ArrayList<>();
    private MapFunction<Invoice, Invoice> testHook;
    // the analysts' loop: dispositions and controls (none: an empty control stream, rules and settings only)
    private Source<ControlUpdate, ?, ?> controlSource;
    private final List<ControlSink> controlSinks = new ArrayList<>();

    /** A sink of the control changes as received (audit, the analysts' queue). */
    public static final class ControlSink {
        final String uid;
        final String name;
        final Sink<ControlUpdate> sink;

        public ControlSink(String uid, String name, Sink<ControlUpdate> sink) {
            this.uid = uid;
            this.name = name;
            this.sink = sink;
        }
    }

    private FilterFunction<Invoice> selection; // ops: backfill

    private InvoiceSievePipeline(SieveConfig config) {
        this.config = config;
    }

    public static InvoiceSievePipeline with(SieveConfig config) {
        return new InvoiceSievePipeline(config);
    }

    public InvoiceSievePipeline source(Source<InboundRecord, ?, ?> source) {
        this.source = source;
        return this;
    }

    public InvoiceSievePipeline decisionSink(String uid, String name, Sink<Decision> sink) {
        decisionSinks.add(new DecisionSink(uid, name, sink, false, null));
        return this;
    }

    public InvoiceSievePipeline decisionSink(DecisionSink sink) {
        decisionSinks.add(sink);
        return this;
    }

    public InvoiceSievePipeline deadLetterSink(String uid, String name, Sink<DeadLetter> sink) {
        deadLetterSinks.add(new DeadLetterSink(uid, name, sink, null));
        return this;
    }

    public InvoiceSievePipeline deadLetterSink(DeadLetterSink sink) {
        deadLetterSinks.add(sink);
        return this;
    }

    /** The dispositions and controls (uid control-source); without one the control stream is empty. */
    public InvoiceSievePipeline controlSource(Source<ControlUpdate, ?, ?> source) {
        this.controlSource = source;
        return this;
    }

    public InvoiceSievePipeline controlSink(String uid, String name, Sink<ControlUpdate> sink) {
        controlSinks.add(new ControlSink(uid, name, sink));
        return this;
    }

    /**
     * Tests only: a map inserted after dead-letter routing (e.g. one that fails after a checkpoint, to
     * prove recovery). Production never sets it, so the released topology has no such operator.
     */
    @VisibleForTesting
    public InvoiceSievePipeline testHook(MapFunction<Invoice, Invoice> hook) {
        this.testHook = hook;
        return this;
    }

    /**
     * Event time from the invoice. A dead letter gets Long.MIN_VALUE, never the source's own record
     * timestamp: on Kafka that is the produce time, which for a backfill lies months after the
     * invoices' event times and would push the watermark past them (firing every replay-filter
     * timer early, so that later re-deliveries were scored again). Bounded by processing time
     * ({@link FutureBoundedWatermarks}, {@code sieve.input.max-future-skew}).
     */
    public static WatermarkStrategy<InboundRecord> watermarks(SieveConfig config) {
        Duration outOfOrderness = config.get(SieveOptions.WATERMARK_OUT_OF_ORDERNESS);
        Duration maxFutureSkew = config.get(SieveOptions.MAX_FUTURE_SKEW);
        return WatermarkStrategy.<InboundRecord>forGenerator(
                        context -> new FutureBoundedWatermarks<>(outOfOrderness, maxFutureSkew))
                .withTimestampAssigner(
                        (record, sourceTimestamp) -> record.invoice != null ? record.invoice.eventTimeMillis() : Long.MIN_VALUE)
                .withIdleness(config.get(SieveOptions.WATERMARK_IDLENESS));
    }

    // ---- ops: backfill selection ----
    /**
     * Backfill only ({@code cli/BackfillCommand}): keeps the invoices to re-score (a tenant, a date
     * range), after dead-letter routing. {@code run} and {@code local} never set it, so their topology
     * has no such operator.
     */
    public InvoiceSievePipeline select(FilterFunction<Invoice> selection) {
        this.selection = selection;
        return this;
    }
    // ---- end ops ----

    public Streams build(StreamExecutionEnvironment env) {
        if (source == null) {
            throw new IllegalStateException("no source");
        }
        // Object reuse: chained operators hand records over without a copy. Safe here because no
        // operator keeps a reference to its input after processing it, and the only mutation (the
        // shared-accounts stage adding a reason) happens before the decision is emitted.
        env.getConfig().enableObjectReuse();
        DetectorSettings settings = new DetectorSettings(config, JobVersion.get());
        boolean bounded = source.getBoundedness() == Boundedness.BOUNDED;
        if (env.getMaxParallelism() <= 0) {
            env.setMaxParallelism(DEFAULT_MAX_PARALLELISM);
        }

        DataStream<InboundRecord> inbound =
                env.fromSource(source, watermarks(config), "invoices")
                        .uid(Uids.INVOICE_SOURCE)
                        .name("Invoices");

        SingleOutputStreamOperator<Invoice> invoices =
                inbound.process(new RouteDeadLetters())
                        .returns(TypeInformation.of(Invoice.class))
                        .uid(Uids.ROUTE_DEAD_LETTERS)
                        .name("Route dead letters");
        DataStream<DeadLetter> deadLetters = invoices.getSideOutput(Tags.DEAD_LETTERS);

        DataStream<Invoice> valid = invoices;
        if (selection != null) { // ops: backfill
            valid = valid.filter(selection).uid("backfill-selection").name("Backfill selection");
        }
        if (testHook != null) {
            valid = invoices.map(testHook).returns(TypeInformation.of(Invoice.class)).uid("test-hook").name("Test hook");
        }

        // The analysts' controls, broadcast to both keyed stages (README "The analysts' loop"): the
        // operators keep their uids and keyed state; the broadcast state analyst-controls is new.
        // Without a control source the keyed stages are not connected to anything: an empty bounded
        // control stream would end with a Long.MAX_VALUE watermark, and as soon as the invoices went
        // idle (sieve.watermark.idleness) that would become the keyed stages' event time, firing every
        // cleanup timer and wiping all history.
        DataStream<Decision> scored;
        DataStream<Decision> decided;
        if (controlSource == null) {
            scored = valid.keyBy(InvoiceScorer::key, Types.STRING)
                    .process(new InvoiceScorer(settings))
                    .returns(TypeInformation.of(Decision.class))
                    .uid(Uids.INVOICE_SCORER)
                    .name("Score invoices");
            decided = scored.keyBy(AccountSharing::key, Types.STRING)
                    .process(new AccountSharing(settings, bounded))
                    .returns(TypeInformation.of(Decision.class))
                    .uid(Uids.ACCOUNT_SHARING)
                    .name("Shared accounts");
        } else {
            DataStream<ControlUpdate> controlUpdates = ControlStreams.controls(env, controlSource);
            BroadcastStream<ControlUpdate> controls = controlUpdates.broadcast(ControlState.descriptor());
            for (ControlSink s : controlSinks) {
                controlUpdates.sinkTo(s.sink).uid(s.uid).name(s.name);
            }
            scored = valid.keyBy(InvoiceScorer::key, Types.STRING)
                    .connect(controls)
                    .process(new Controlled<>(new InvoiceScorer(settings)))
                    .returns(TypeInformation.of(Decision.class))
                    .uid(Uids.INVOICE_SCORER)
                    .name("Score invoices");
            decided = scored.keyBy(AccountSharing::key, Types.STRING)
                    .connect(controls)
                    .process(new Controlled<>(new AccountSharing(settings, bounded)))
                    .returns(TypeInformation.of(Decision.class))
                    .uid(Uids.ACCOUNT_SHARING)
                    .name("Shared accounts");
        }

        // Every sink's limits, checked once before all of them: a decision one of them would refuse
        // (and so fail the job on every restart) becomes a dead letter naming the sink's limit.
        SingleOutputStreamOperator<Decision> decisions =
                decided.process(new SinkGuard(config))
                        .returns(TypeInformation.of(Decision.class))
                        .uid(Uids.SINK_GUARD)
                        .name("Sink limits");
        deadLetters = deadLetters.union(decisions.getSideOutput(Tags.DEAD_LETTERS));

        DataStream<Decision> flagged = null;
        for (DecisionSink s : decisionSinks) {
            DataStream<Decision> input = decisions;
            if (s.flaggedOnly) {
                if (flagged == null) {
                    flagged = decisions.filter(Decision::flagged).uid(Uids.FLAGGED_FILTER).name("REVIEW and HOLD only");
                }
                input = flagged;
            }
            DataStreamSink<Decision> sink = input.sinkTo(s.sink).uid(s.uid).name(s.name);
            if (s.parallelism != null) {
                sink.setParallelism(s.parallelism);
            }
        }
        for (DeadLetterSink s : deadLetterSinks) {
            DataStreamSink<DeadLetter> sink = deadLetters.sinkTo(s.sink).uid(s.uid).name(s.name);
            if (s.parallelism != null) {
                sink.setParallelism(s.parallelism);
            }
        }
        return new Streams(decisions, deadLetters);
    }
}

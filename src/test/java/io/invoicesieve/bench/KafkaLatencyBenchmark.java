package io.invoicesieve.bench;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.sinks.KafkaSinks;
import io.invoicesieve.sources.KafkaInvoiceSource;
import io.invoicesieve.testing.KafkaService;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjLongConsumer;
import java.util.concurrent.locks.LockSupport;

/**
 * Part 2: a paced producer writes generated invoices to Kafka at a fixed rate; the job (MiniCluster,
 * parallelism 2, heap state, the pipeline's configured watermarks and idleness) reads them with
 * KafkaInvoiceSource and writes decisions with KafkaSinks.decisions (at-least-once); a consumer of
 * the decisions topic takes the arrival time. Latency = arrival - send (both System.nanoTime() in
 * this JVM, so no clock skew). Source and sink are the project's KafkaInvoiceSource and KafkaSinks
 * (at-least-once: no transactions).
 */
final class KafkaLatencyBenchmark {

    private KafkaLatencyBenchmark() {}

    /** invoice id -> send time (nanoTime) of the outstanding invoices. */
    private static final Map<String, Long> SENT = new ConcurrentHashMap<>();

    static Map<String, Object> run(BenchData data, List<Integer> rates, int windows, int windowSeconds, int warmupSeconds,
                                   int parallelism, java.nio.file.Path work, long bufferTimeoutMillis) throws Exception {
        List<String[]> payloads = loadPayloads(data);
        KafkaService kafka = KafkaService.start();
        try {
            String in = "bench-invoices";
            String out = "bench-decisions";
            kafka.createTopic(in, parallelism);
            kafka.createTopic(out, parallelism);

            Configuration conf = new Configuration();
            conf.set(PipelineOptions.GENERIC_TYPES, false);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
            // file checkpoints: the JobManager's in-memory storage caps state at 5 MB and fails the job
            conf.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    work.resolve("kafka-checkpoints").toUri().toString());
            PipelineBenchmark.flinkOverrides(conf);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
            // checkpoints flush the at-least-once sink; records are sent as they come in between
            env.enableCheckpointing(10_000);
            // execution.buffer-timeout.interval: how long a partly filled network buffer waits before it is
            // sent; the job crosses two keyBy shuffles, so this is paid up to twice per invoice
            env.setBufferTimeout(bufferTimeoutMillis);
            // the project's own connectors, configured as in production; at-least-once (no transactions)
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
            settings.put(ConnectorOptions.KAFKA_INPUT_TOPIC.key(), in);
            settings.put(ConnectorOptions.KAFKA_DECISIONS_TOPIC.key(), out);
            settings.put(ConnectorOptions.KAFKA_GROUP_ID.key(), "bench-job");
            settings.put(ConnectorOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
            SieveConfig config = SieveConfig.of(settings);
            KafkaSource<InboundRecord> source = KafkaInvoiceSource.builder(config).build();
            KafkaSink<Decision> sink = KafkaSinks.decisions(config, false);
            InvoiceSievePipeline.with(config)
                    .source(source)
                    .decisionSink("bench-kafka-decisions", "Decisions to Kafka", sink)
                    .build(env);
            JobClient job = env.executeAsync("bench kafka latency");

            Consumer consumer = new Consumer(kafka.bootstrapServers(), out, parallelism);
            Thread consumerThread = new Thread(consumer, "bench-decisions-consumer");
            consumerThread.setDaemon(true);
            consumerThread.start();

            KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers());
            Pacer pacer = new Pacer(payloads, producer, in);
            Map<String, Object> result = new LinkedHashMap<>();
            try {
                // warm-up: the job's JIT, the source's partition assignment; not measured
                pacer.send(rates.get(0), warmupSeconds, null);
                Thread.sleep(2000);
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    job.getJobExecutionResult().get(); // throws the job's failure
                    throw new IllegalStateException("latency job ended during warm-up");
                }
                for (int rate : rates) {
                    List<Double> p50 = new ArrayList<>();
                    List<Double> p99 = new ArrayList<>();
                    List<Double> p999 = new ArrayList<>();
                    List<Double> max = new ArrayList<>();
                    List<Double> achieved = new ArrayList<>();
                    long lost = 0;
                    for (int w = 0; w < windows; w++) {
                        consumer.startWindow();
                        double actual = pacer.send(rate, windowSeconds, SENT::put);
                        // drain: wait up to 10 s for the window's decisions
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        while (consumer.pending() > 0 && System.nanoTime() < deadline) {
                            Thread.sleep(20);
                        }
                        long[] s = consumer.stopWindow();
                        lost += consumer.pending();
                        SENT.clear();
                        consumer.clearPending();
                        p50.add(Stats.percentile(s, 50) / 1e6);
                        p99.add(Stats.percentile(s, 99) / 1e6);
                        p999.add(Stats.percentile(s, 99.9) / 1e6);
                        max.add(s.length == 0 ? Double.NaN : s[s.length - 1] / 1e6);
                        achieved.add(actual);
                        System.out.printf("bench: kafka %d/s window %d: sent at %.0f/s, %d decisions, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
                                rate, w, actual, s.length, p50.get(w), p99.get(w), p999.get(w), max.get(w));
                        Thread.sleep(1000);
                        if (job.getJobStatus().get().isGloballyTerminalState()) {
                            job.getJobExecutionResult().get(); // throws the job's failure
                            throw new IllegalStateException("latency job ended");
                        }
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("offeredRate", rate);
                    m.put("windowSeconds", windowSeconds);
                    m.put("achievedSendRate", Stats.summary(achieved));
                    m.put("p50Millis", Stats.summary(p50));
                    m.put("p99Millis", Stats.summary(p99));
                    m.put("p999Millis", Stats.summary(p999));
                    m.put("maxMillis", Stats.summary(max));
                    m.put("decisionsMissingAfter10s", lost);
                    result.put(rate + "/s", m);
                }
            } finally {
                producer.close();
                consumer.stop();
                job.cancel().get(1, TimeUnit.MINUTES);
            }
            result.put("parallelism", parallelism);
            result.put("stateBackend", "hashmap");
            result.put("bufferTimeoutMillis", bufferTimeoutMillis);
            result.put("deliveryGuarantee", "AT_LEAST_ONCE (no transactions), checkpoint interval 10 s");
            return result;
        } finally {
            kafka.close();
        }
    }

    /** [invoiceId, payload, tenantId] of the first delivery of each well-formed invoice, in file order. */
    static List<String[]> loadPayloads(BenchData data) throws IOException {
        InvoiceParser parser = new InvoiceParser();
        List<String[]> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String line : Files.readAllLines(data.invoices, StandardCharsets.UTF_8)) {
            try {
                var invoice = parser.parse(line);
                if (seen.add(invoice.invoiceId)) {
                    out.add(new String[] {invoice.invoiceId, line, invoice.tenantId});
                }
            } catch (Exception malformed) {
                // no decision to wait for
            }
        }
        return out;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Sends at a fixed rate. Each later pass over the data set sends it again as new tenants (tenant_id
     * and invoice_id with the pass number appended): ids stay unique, and a pass does not repeat the
     * earlier ones invoice for invoice, which would add one exact duplicate per pass to every duplicate
     * bucket and make each pass costlier than the one before.
     */
    static final class Pacer {
        private final List<String[]> payloads;
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private long next;
        private int cycle;

        Pacer(List<String[]> payloads, KafkaProducer<byte[], byte[]> producer, String topic) {
            this.payloads = payloads;
            this.producer = producer;
            this.topic = topic;
        }

        /**
         * Sends {@code rate} x {@code seconds} invoices at fixed intervals and returns the achieved send
         * rate; {@code onSend} (null: not recorded) gets each invoice id with its send time (nanoTime).
         */
        double send(int rate, int seconds, ObjLongConsumer<String> onSend) {
            long interval = 1_000_000_000L / rate;
            long count = (long) rate * seconds;
            long begin = System.nanoTime();
            for (long i = 0; i < count; i++) {
                long due = begin + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    if (wait > 200_000) {
                        LockSupport.parkNanos(wait - 100_000);
                    } else {
                        Thread.onSpinWait();
                    }
                }
                String[] p = payloads.get((int) (next % payloads.size()));
                if (next > 0 && next % payloads.size() == 0) {
                    cycle++;
                }
                next++;
                String id = p[0];
                String payload = p[1];
                if (cycle > 0) {
                    String newId = id + "~c" + cycle;
                    payload = payload.replace("\"invoice_id\":\"" + id + "\"", "\"invoice_id\":\"" + newId + "\"")
                            .replace("\"tenant_id\":\"" + p[2] + "\"", "\"tenant_id\":\"" + p[2] + ".c" + cycle + "\"");
                    id = newId;
                }
                if (onSend != null) {
                    onSend.accept(id, System.nanoTime());
                }
                producer.send(new ProducerRecord<>(topic, null, payload.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            return count * 1e9 / (System.nanoTime() - begin);
        }
    }

    /**
     * A consumer of all {@code partitions} of the decisions topic from its beginning, tuned to see each
     * record as soon as it is readable (fetch.min.bytes 1, 100 ms fetch wait), at {@code isolation}.
     */
    static KafkaConsumer<byte[], byte[]> decisionsConsumer(String bootstrap, String topic, int partitions,
            String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            tps.add(new TopicPartition(topic, i));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return consumer;
    }

    /** Reads decisions as they arrive; latency samples of the current window. */
    static final class Consumer implements Runnable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private volatile boolean running = true;
        private volatile boolean measuring;
        private long[] samples = new long[1 << 20];
        private int n;

        Consumer(String bootstrap, String topic, int partitions) {
            consumer = decisionsConsumer(bootstrap, topic, partitions, "read_uncommitted");
        }

        @Override
        public void run() {
            try {
                while (running) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                    long now = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        if (r.key() == null) {
                            continue;
                        }
                        // KafkaSinks keys decisions by tenant_id:invoice_id
                        String key = new String(r.key(), StandardCharsets.UTF_8);
                        Long sent = SENT.remove(key.substring(key.indexOf(':') + 1));
                        if (sent != null) {
                            synchronized (this) {
                                if (measuring) {
                                    if (n == samples.length) {
                                        samples = java.util.Arrays.copyOf(samples, n * 2);
                                    }
                                    samples[n++] = now - sent;
                                }
                            }
                        }
                    }
                }
            } finally {
                consumer.close();
            }
        }

        synchronized void startWindow() {
            n = 0;
            measuring = true;
        }

        synchronized long[] stopWindow() {
            measuring = false;
            return Stats.sorted(samples, n);
        }

        int pending() {
            return SENT.size();
        }

        void clearPending() {
            SENT.clear();
        }

        void stop() {
            running = false;
        }
    }
}

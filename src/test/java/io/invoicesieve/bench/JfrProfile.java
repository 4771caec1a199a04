package io.invoicesieve.bench;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * JFR around one pipeline run: the same recording {@code -XX:StartFlightRecording=settings=profile}
 * makes, started through the jdk.jfr API so it covers just that run; then the jdk.ExecutionSample
 * events are aggregated as {@code jfr print --events jdk.ExecutionSample} would be summed by hand:
 * by top frame (self time) and by any frame on the stack (total time). Native samples of Flink task
 * threads (RocksDB's JNI calls) count too, with their Java frame (e.g. org.rocksdb.RocksDB.get) on top.
 */
final class JfrProfile {

    private JfrProfile() {}

    static Map<String, Object> record(Path file, Callable<?> work) throws Exception {
        try (Recording rec = new Recording(Configuration.getConfiguration("profile"))) {
            rec.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(10));
            // threads inside JNI (RocksDB) are not Java execution samples: sample them too
            rec.enable("jdk.NativeMethodSample").withPeriod(java.time.Duration.ofMillis(10));
            rec.setToDisk(true);
            rec.start();
            work.call();
            rec.stop();
            rec.dump(file);
        }
        return summarize(file, 25);
    }

    static Map<String, Object> summarize(Path file, int top) throws Exception {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> selfPackages = new HashMap<>();
        long samples = 0;
        long nativeSamples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
                continue;
            }
            if (type.equals("jdk.NativeMethodSample")) {
                RecordedStackTrace nst = e.getStackTrace();
                String thread = e.getThread("sampledThread") == null ? "" : e.getThread("sampledThread").getJavaName();
                // idle native waits (epoll, park, socket reads of idle RPC threads) are not work
                if (nst == null || nst.getFrames().isEmpty() || !isTaskThread(thread)
                        || isIdleNative(name(nst.getFrames().get(0)))) {
                    continue;
                }
                nativeSamples++;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = st.getFrames();
            String topFrame = name(frames.get(0));
            self.merge(topFrame, 1L, Long::sum);
            selfPackages.merge(pkg(frames.get(0)), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n)) {
                    total.merge(n, 1L, Long::sum);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.toString());
        out.put("executionSamples", samples - nativeSamples);
        out.put("nativeSamplesInTaskThreads", nativeSamples);
        out.put("topSelf", topN(self, top, samples));
        out.put("topSelfByPackage", topN(selfPackages, 15, samples));
        Map<String, Long> projectTotal = total.entrySet().stream()
                .filter(en -> en.getKey().startsWith("io.invoicesieve."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        out.put("topTotalProjectMethods", topN(projectTotal, top, samples));
        out.put("topTotal", topN(total, top, samples));
        return out;
    }

    /** Flink task threads are named after their operator chain, e.g. "Score invoices (1/2)#0". */
    private static boolean isTaskThread(String thread) {
        return thread != null && thread.contains("(") && thread.contains("/") && thread.contains(")#");
    }

    private static boolean isIdleNative(String frame) {
        return frame.startsWith("sun.nio.ch.") || frame.startsWith("jdk.internal.misc.Unsafe.park")
                || frame.startsWith("java.lang.Thread.sleep") || frame.startsWith("java.lang.Object.wait");
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String pkg(RecordedFrame f) {
        String t = f.getMethod().getType().getName();
        int i = t.lastIndexOf('.');
        return i < 0 ? t : t.substring(0, i);
    }

    private static List<Map<String, Object>> topN(Map<String, Long> counts, int n, long samples) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(n)
                .map(e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("frame", e.getKey());
                    m.put("samples", e.getValue());
                    m.put("percent", Math.round(1000.0 * e.getValue() / Math.max(1, samples)) / 10.0);
                    return m;
                })
                .collect(Collectors.toList());
    }
}

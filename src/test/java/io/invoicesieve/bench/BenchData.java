package io.invoicesieve.bench;

import io.invoicesieve.tools.generator.GeneratorConfig;
import io.invoicesieve.tools.generator.InvoiceGenerator;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The benchmark input: one generated, labelled data set (the project's generator with its default
 * vendor and anomaly mix), cached under target/bench-data by its size so repeated runs reuse it.
 */
final class BenchData {

    final GeneratorConfig config;
    final Path dir;
    final Path invoices;
    final long lines;
    final long vendors;
    final String generatorSummary;

    private BenchData(GeneratorConfig config, Path dir, Path invoices, long lines, long vendors, String summary) {
        this.config = config;
        this.dir = dir;
        this.invoices = invoices;
        this.lines = lines;
        this.vendors = vendors;
        this.generatorSummary = summary;
    }

    static BenchData prepare(Path root, int invoices, int days, int tenants, int vendorsPerTenant) throws IOException {
        GeneratorConfig cfg = GeneratorConfig.builder()
                .seed(20261123L)
                .tenants(tenants)
                .vendorsPerTenant(vendorsPerTenant)
                .invoices(invoices)
                .days(days)
                .build();
        return prepare(cfg, root.resolve("n" + invoices + "-d" + days + "-t" + tenants + "-v" + vendorsPerTenant));
    }

    /**
     * Preset "ledger-year" (benchmarks/README.md): the input of `local` in the report, byte for byte
     * what {@code generate --out target/ledger-year --tenants 4 --vendors 2500 --days 365 --invoices 100000
     * --high-volume-vendor-rate 0.005 --high-volume-per-day 3 --start 2025-11-01 --seed 20261201} writes,
     * so that the suite and `local` can be compared on the same file.
     */
    static BenchData ledgerYear(Path root) throws IOException {
        GeneratorConfig cfg = GeneratorConfig.builder()
                .seed(20261201L)
                .tenants(4)
                .vendorsPerTenant(2500)
                .invoices(100_000)
                .days(365)
                .start(java.time.LocalDate.parse("2025-11-01"))
                .highVolumeVendorRate(0.005)
                .highVolumePerDay(3)
                .build();
        return prepare(cfg, root.resolve("ledger-year"));
    }

    private static BenchData prepare(GeneratorConfig cfg, Path dir) throws IOException {
        // the FileSource reads a directory: keep only the invoices file in it
        Path inputDir = dir.resolve("input");
        Path file = inputDir.resolve("invoices.jsonl");
        Path truth = dir.resolve("truth.csv");
        Path summaryFile = dir.resolve("generator-summary.txt");
        String summary;
        if (!Files.exists(summaryFile)) {
            Files.createDirectories(inputDir);
            long t0 = System.nanoTime();
            InvoiceGenerator.Stats stats = new InvoiceGenerator().generate(cfg, file, truth);
            summary = stats.summary();
            Files.writeString(summaryFile, summary);
            System.out.printf("bench: generated %s in %.1f s%n", file, (System.nanoTime() - t0) / 1e9);
        } else {
            summary = Files.readString(summaryFile);
        }
        long lines = 0;
        Set<String> vendors = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(truth, StandardCharsets.UTF_8)) {
            r.readLine(); // header: line,invoice_id,tenant_id,vendor_id,...
            String line;
            while ((line = r.readLine()) != null) {
                lines++;
                String[] f = line.split(",", 5);
                if (f.length >= 4 && !f[2].isEmpty() && !f[3].isEmpty()) {
                    vendors.add(f[2] + '\u001f' + f[3]);
                }
            }
        }
        return new BenchData(cfg, inputDir, file, lines, vendors.size(), summary);
    }
}

package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.audit.AuditJournal;
import io.gatehouse.audit.AuditSigningKey;
import io.gatehouse.audit.AuditWriter;
import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.fixtures.AuditEntries;
import io.gatehouse.storage.jdbc.DatabaseSettings;
import io.gatehouse.storage.jdbc.JdbcMetadataStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What recording costs per allowed pull, without HTTP and independent of other load on the machine: CPU time of
 * this JVM (all threads: requests, journal, writer, H2) per record, for 64 concurrent callers each recording
 * pull decisions as the server does, until all are chained into H2. Run with
 * {@code -Dgatehouse.bench=true -Dtest=AuditRecordingBenchmark} (request ids time-ordered as the server makes
 * them; {@code -Dbench.requestIds=random} for random ones, as a proxy's X-Request-Id may be); skipped otherwise.
 */
class AuditRecordingBenchmark {
    @TempDir
    Path dir;

    @Test
    void cpuPerRecordedPull() throws Exception {
        assumeTrue(Boolean.getBoolean("gatehouse.bench"), "benchmark: run with -Dgatehouse.bench=true");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (var metadata = JdbcMetadataStore.open(DatabaseSettings.h2(dir))) {
            var writer = new AuditWriter(
                    metadata.audit(),
                    AuditSigningKey.loadOrCreate(dir.resolve("key")),
                    new AuditWriter.Settings(1000, Duration.ofMinutes(5), Duration.ofDays(365)),
                    Clock.systemUTC(),
                    AuditJournal.open(dir.resolve("journal")));
            try {
                for (int round = 1; round <= Integer.getInteger("bench.rounds", 3); round++) {
                    int records = 60_000;
                    Map<String, Long> threads = auditThreadCpu();
                    long cpu = os.getProcessCpuTime();
                    long wall = System.nanoTime();
                    var left = new AtomicInteger(records);
                    try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
                        for (int c = 0; c < 64; c++) {
                            callers.submit(() -> {
                                while (left.getAndDecrement() > 0) {
                                    writer.record(pull());
                                }
                            });
                        }
                    }
                    writer.awaitChained();
                    double cpuMicros = (os.getProcessCpuTime() - cpu) / 1000.0 / records;
                    double perSecond = records / ((System.nanoTime() - wall) / 1e9);
                    var split = new StringBuilder();
                    auditThreadCpu()
                            .forEach((name, nanos) -> split.append(String.format(
                                    ", %s %.2f", name, (nanos - threads.getOrDefault(name, 0L)) / 1000.0 / records)));
                    System.out.printf(
                            "audit recording round %d: %.1f µs CPU per record (%s), %.0f records/s%n",
                            round, cpuMicros, split.substring(2), perSecond);
                    assertThat(cpuMicros).isPositive();
                }
            } finally {
                writer.close();
            }
        }
    }

    /** CPU time so far of the journal and writer threads, by name: the per-record split of the total. */
    private static Map<String, Long> auditThreadCpu() {
        var mx = ManagementFactory.getThreadMXBean();
        var cpu = new java.util.TreeMap<String, Long>();
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("gatehouse-audit-"))
                .forEach(t ->
                        cpu.put(t.getName().substring("gatehouse-audit-".length()), mx.getThreadCpuTime(t.threadId())));
        return cpu;
    }

    private static AuditEntry pull() {
        return AuditEntries.pull(java.time.Instant.now(), "robot$bench+reader", "bench/app", null, requestId());
    }

    /** As the server makes them: time-ordered (UUIDv7), or random v4 with {@code -Dbench.requestIds=random}. */
    private static String requestId() {
        if ("random".equals(System.getProperty("bench.requestIds"))) {
            return UUID.randomUUID().toString();
        }
        var random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        return new UUID(high, random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L).toString();
    }
}

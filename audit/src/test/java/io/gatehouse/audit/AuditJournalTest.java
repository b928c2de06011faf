package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.audit.AuditEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditJournalTest {
    @TempDir
    Path dir;

    static AuditEntry entry(int n) {
        return entry(n, n % 2 == 0 ? Map.of() : Map.of("n", Integer.toString(n), "a", "b"));
    }

    static AuditEntry entry(int n, Map<String, String> details) {
        return new AuditEntry(
                Instant.parse("2026-01-01T00:00:00.123456Z").plusSeconds(n),
                "access",
                "alice",
                "user",
                null,
                "10.0.0.1",
                "docker/27 ü",
                "pull",
                "team",
                "team/app",
                "sha256:" + n,
                AuditEntry.ALLOWED,
                null,
                "req-" + n,
                details);
    }

    /**
     * Concurrent callers share syncs spaced by the interval (here 50 ms, so 64 callers would need at least 3 s if
     * each waited for its own), while a lone caller is synced at once, never held for the interval.
     */
    @Test
    void concurrentAppendsShareSyncsAndALoneAppendIsNotHeld() throws Exception {
        try (var journal = AuditJournal.open(dir, AuditJournal.SEGMENT_BYTES, Duration.ofMillis(50))) {
            long start = System.nanoTime();
            for (int n = 0; n < 10; n++) {
                journal.append(entry(n));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("10 sequential appends, none held for the 50 ms interval")
                    .isLessThan(Duration.ofMillis(400));
            assertThat(journal.syncs()).isEqualTo(10);

            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> done = new ArrayList<>();
                for (int n = 0; n < 64 * 20; n++) {
                    int k = 10 + n;
                    done.add(threads.submit(() -> journal.append(entry(k))));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            long concurrentSyncs = journal.syncs() - 10;
            assertThat(concurrentSyncs)
                    .as("1,280 concurrent appends in few shared syncs")
                    .isBetween(1L, 100L);
            assertThat(journal.read(0, 2000).entries()).hasSize(10 + 64 * 20);
        }
    }

    /**
     * Entries appended in shared syncs, read in small pages that start and end inside a sync's group: the
     * same entries, in the same order, as one read of the whole journal after reopening.
     */
    @Test
    void pagesInsideSharedSyncsReadAsTheWholeJournal() throws Exception {
        List<AuditEntry> paged = new ArrayList<>();
        try (var journal = AuditJournal.open(dir, AuditJournal.SEGMENT_BYTES, Duration.ofMillis(20))) {
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> done = new ArrayList<>();
                for (int n = 0; n < 500; n++) {
                    int k = n;
                    done.add(threads.submit(() -> journal.append(entry(k))));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            assertThat(journal.syncs()).as("groups of several entries").isLessThan(250);
            long at = 0;
            while (at < journal.durableEnd()) {
                var page = journal.read(at, 7);
                assertThat(page.entries()).hasSizeBetween(1, 7);
                paged.addAll(page.entries());
                at = page.end();
            }
            assertThat(at).isEqualTo(journal.durableEnd());
        }
        try (var reopened = AuditJournal.open(dir)) {
            var fromFile = reopened.read(0, 1000);
            assertThat(fromFile.entries()).hasSize(500).isEqualTo(paged);
        }
    }

    /**
     * Closing under load, while the journal gathers a group: every append acknowledged is in the journal, and
     * the only refusals say the journal is closed (an interrupt left over from close() would fail a write).
     */
    @Test
    void closingUnderLoadLosesNothingAcknowledged() throws Exception {
        var journal = AuditJournal.open(dir, AuditJournal.SEGMENT_BYTES, Duration.ofMillis(20));
        var acknowledged = new java.util.concurrent.atomic.AtomicInteger();
        var refusals = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 16; t++) {
                threads.submit(() -> {
                    for (int n = 0; ; n++) {
                        try {
                            journal.append(entry(n));
                            acknowledged.incrementAndGet();
                        } catch (io.gatehouse.core.error.Unavailable e) {
                            refusals.add(e.getMessage());
                            return;
                        }
                    }
                });
            }
            Thread.sleep(300);
            journal.close();
        }
        assertThat(refusals).containsExactly("the audit journal is closed");
        try (var reopened = AuditJournal.open(dir)) {
            assertThat(reopened.read(0, 100_000).entries()).hasSize(acknowledged.get());
        }
    }

    /**
     * {@link AuditJournal#read} takes {@value AuditJournal#READ_CHUNK} bytes per system call: frames that cross
     * a chunk's end, and one frame larger than a chunk, come back whole, in order, however the reads are paged.
     */
    @Test
    void framesAcrossReadChunksAndLargerThanOneReadWhole() throws Exception {
        List<AuditEntry> all = new ArrayList<>();
        try (var journal = AuditJournal.open(dir)) {
            for (int n = 0; n < 300; n++) {
                String value = n == 150 ? "x".repeat(AuditJournal.READ_CHUNK + 1000) : "v".repeat(1000 + n);
                all.add(entry(n, Map.of("big", value)));
                journal.append(all.getLast());
            }
            assertThat(journal.durableEnd()).isGreaterThan(2L * AuditJournal.READ_CHUNK);
            assertThat(journal.read(0, 1000).entries()).isEqualTo(all);
            List<AuditEntry> paged = new ArrayList<>();
            long at = 0;
            while (at < journal.durableEnd()) {
                var page = journal.read(at, 7);
                paged.addAll(page.entries());
                at = page.end();
            }
            assertThat(paged).isEqualTo(all);
            assertThat(journal.read(0, 150).end())
                    .as("a page ends after its last entry, before the large one")
                    .isEqualTo(frames(all.subList(0, 150)));
        }
    }

    /** A frame whose bytes changed after it was written is reported with its position, not decoded. */
    @Test
    void aCorruptFrameIsReportedWithItsPosition() throws Exception {
        try (var journal = AuditJournal.open(dir)) {
            for (int n = 0; n < 3; n++) {
                journal.append(entry(n));
            }
            long second = frames(List.of(entry(0)));
            try (var ch = java.nio.channels.FileChannel.open(segments().getLast(), StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {'X'}), second + 20);
            }
            assertThat(journal.read(0, 1).entries()).containsExactly(entry(0));
            assertThatThrownBy(() -> journal.read(0, 100))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("audit journal entry at " + second + " is corrupt");
        }
    }

    private static long frames(List<AuditEntry> entries) {
        return entries.stream().mapToLong(e -> AuditJournal.frame(e).length).sum();
    }

    @Test
    void entriesComeBackInOrderAcrossSegmentsAndReopening() throws Exception {
        List<AuditEntry> all = new ArrayList<>();
        long released;
        try (var journal = AuditJournal.open(dir, 1024)) {
            for (int n = 0; n < 100; n++) {
                all.add(entry(n));
                journal.append(entry(n));
            }
            var read = journal.read(0, 1000);
            assertThat(read.entries()).isEqualTo(all);
            assertThat(read.end()).isEqualTo(journal.durableEnd());
            assertThat(segments()).hasSizeGreaterThan(5);

            var first = journal.read(0, 40);
            assertThat(first.entries()).isEqualTo(all.subList(0, 40));
            assertThat(journal.read(first.end(), 1000).entries()).isEqualTo(all.subList(40, 100));
            int segmentsBefore = segments().size();
            journal.release(first.end());
            released = first.end();
            assertThat(segments())
                    .as("segments wholly before the released position are gone")
                    .hasSizeLessThan(segmentsBefore);
            assertThat(journal.read(released, 1000).entries()).isEqualTo(all.subList(40, 100));
        }
        try (var journal = AuditJournal.open(dir, 1024)) {
            assertThat(journal.read(released, 1000).entries()).isEqualTo(all.subList(40, 100));
            journal.append(entry(100));
            assertThat(journal.read(released, 1000).entries()).hasSize(61).endsWith(entry(100));
        }
    }

    @Test
    void aTornTailIsCutOffAndAppendsContinue() throws Exception {
        String node;
        try (var journal = AuditJournal.open(dir)) {
            node = journal.node();
            for (int n = 0; n < 3; n++) {
                journal.append(entry(n));
            }
        }
        Path segment = segments().getLast();
        long end = 0;
        for (int n = 0; n < 3; n++) {
            end += AuditJournal.frame(entry(n)).length;
        }
        assertThat(Files.size(segment)).as("grown ahead with zeros").isGreaterThan(end);
        // The crash tore the next write: part of a frame right after the last entry, zeros after it.
        byte[] torn = AuditJournal.frame(entry(3));
        try (var ch = java.nio.channels.FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(java.util.Arrays.copyOf(torn, torn.length - 5)), end);
        }
        try (var journal = AuditJournal.open(dir)) {
            assertThat(journal.node()).isEqualTo(node);
            assertThat(journal.read(0, 100).entries()).containsExactly(entry(0), entry(1), entry(2));
            journal.append(entry(4));
            assertThat(journal.read(0, 100).entries()).containsExactly(entry(0), entry(1), entry(2), entry(4));
        }
    }

    @Test
    void concurrentAppendsAreAllDurable() throws Exception {
        try (var journal = AuditJournal.open(dir, 4096);
                var pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> done = new ArrayList<>();
            for (int n = 0; n < 500; n++) {
                int i = n;
                done.add(pool.submit(() -> journal.append(entry(i))));
            }
            for (var f : done) {
                f.get();
            }
            assertThat(journal.read(0, 1000).entries()).hasSize(500);
        }
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("journal-"))
                    .sorted((a, b) -> Long.compare(base(a), base(b)))
                    .toList();
        }
    }

    private static long base(Path p) {
        String name = p.getFileName().toString();
        return Long.parseLong(name.substring("journal-".length(), name.length() - ".log".length()));
    }
}

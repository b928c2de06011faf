package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit: concurrent writers share syncs, and nobody returns before a sync that covers its commit. */
class MetadataStoreGroupCommitTest {

    @Test
    void writersThatCommitDuringASyncShareTheNextOne() throws Exception {
        var gate = new CountDownLatch(1);
        var syncs = new AtomicInteger();
        var commits = new DurableCommits(() -> {
            if (syncs.incrementAndGet() == 1) {
                await(gate);
            }
        });
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Future<?> leader = pool.submit(commits::awaitDurable); // its sync blocks on the gate
            waitUntil(() -> syncs.get() == 1);
            int followers = 20;
            List<Future<?>> waiting = new ArrayList<>();
            for (int i = 0; i < followers; i++) {
                waiting.add(pool.submit(commits::awaitDurable));
            }
            waitUntil(() -> commits.waiting() == followers);
            assertThat(leader.isDone()).isFalse();
            assertThat(waiting).noneMatch(Future::isDone);

            gate.countDown();
            leader.get(10, TimeUnit.SECONDS);
            for (var f : waiting) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(syncs.get()).isEqualTo(2); // the leader's, and one for all twenty followers
            assertThat(commits.syncs()).isEqualTo(2);
            assertThat(commits.commits()).isEqualTo(followers + 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLoneWriterGetsASyncOfItsOwnEveryTime() {
        var syncs = new AtomicInteger();
        var commits = new DurableCommits(syncs::incrementAndGet);
        for (int i = 1; i <= 5; i++) {
            commits.awaitDurable();
            assertThat(syncs.get()).isEqualTo(i);
        }
    }

    @Test
    void aFailedSyncFailsItsLeaderAndTheOthersRetry() throws Exception {
        var gate = new CountDownLatch(1);
        var calls = new AtomicInteger();
        var commits = new DurableCommits(() -> {
            if (calls.incrementAndGet() == 1) {
                await(gate);
                throw new IllegalStateException("disk on fire");
            }
        });
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            Future<?> leader = pool.submit(commits::awaitDurable);
            waitUntil(() -> calls.get() == 1);
            Future<?> follower = pool.submit(commits::awaitDurable);
            waitUntil(() -> commits.waiting() == 1);
            gate.countDown();
            assertThatThrownBy(() -> leader.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("disk on fire");
            follower.get(10, TimeUnit.SECONDS);
            assertThat(calls.get()).isEqualTo(2);
            assertThat(commits.syncs()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /** On a real H2 file: many concurrent pushes, far fewer fsyncs. */
    @Test
    void concurrentWritesToH2ShareSyncs(@TempDir Path dataDir) throws Exception {
        try (var store = JdbcMetadataStore.open(DatabaseSettings.h2(dataDir))) {
            var durable = store.durableCommits().orElseThrow();
            long syncsBefore = durable.syncs();
            long commitsBefore = durable.commits();
            int writers = 64;
            var repo = RepositoryName.parse("group/commit");
            var start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    var digest = Digest.sha256(("blob " + i).getBytes(StandardCharsets.UTF_8));
                    futures.add(pool.submit(() -> {
                        await(start);
                        store.blobLinks().link(repo, digest, 1);
                    }));
                }
                start.countDown();
                for (var f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            long syncs = durable.syncs() - syncsBefore;
            assertThat(durable.commits() - commitsBefore).isEqualTo(writers);
            // Timing-dependent on a loaded machine, so the bound is loose; the deterministic test above pins coalescing
            // exactly.
            assertThat(syncs).as("fsyncs for %d concurrent writes", writers).isBetween(1L, writers / 2L - 1);
            System.out.printf("group commit: %d concurrent writes, %d syncs%n", writers, syncs);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 10 s");
            }
            Thread.sleep(1);
        }
    }
}

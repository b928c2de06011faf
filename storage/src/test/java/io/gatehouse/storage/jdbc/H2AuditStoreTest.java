package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.store.MetadataStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit contract on embedded H2; plus group commit: concurrent appends share syncs. */
class H2AuditStoreTest extends AuditStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected MetadataStore openEmptyStore() {
        return JdbcMetadataStore.open(DatabaseSettings.h2(dataDir));
    }

    @Test
    void concurrentAppendsShareCommits() throws Exception {
        var durable = ((JdbcMetadataStore) store).durableCommits().orElseThrow();
        writer = new io.gatehouse.audit.AuditWriter(
                audit(),
                key(),
                new io.gatehouse.audit.AuditWriter.Settings(100_000, Duration.ofHours(1), Duration.ofDays(365)),
                clock);
        writer.append(entry(0, AuditEntry.ALLOWED)); // the first round's retention check is done
        long before = durable.syncs();
        int writers = 64;
        try (var pool = Executors.newFixedThreadPool(writers)) {
            var start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 1; i <= writers; i++) {
                AuditEntry e = entry(i, AuditEntry.ALLOWED);
                done.add(pool.submit(() -> {
                    start.await();
                    return writer.append(e);
                }));
            }
            start.countDown();
            for (var f : done) {
                f.get();
            }
        }
        long syncs = durable.syncs() - before;
        assertThat(syncs).as("64 appends, one sync per batch").isBetween(1L, 32L);
        assertThat(verify().intact()).isTrue();
        assertThat(verify().records()).isEqualTo(writers + 1);
    }
}

package io.gatehouse.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online compaction of an embedded H2 file database. With {@code WRITE_DELAY=0} (see {@link JdbcMetadataStore})
 * H2 runs no background housekeeping, so every commit's chunk stays in the file until close: a store that took
 * 10,000 scan reports grew to 34 GB for 0.7 GB of live data (6 % of the chunks live), and every read went to disk.
 * This task does what H2's background writer would: it re-writes the live pages of the emptiest chunks (at most
 * {@link #WRITE_PER_RUN} bytes a run) so whole chunks become free and their space is reused. The re-written pages
 * reach the disk with the next commit's {@code CHECKPOINT SYNC}; until then the old chunks still hold them.
 */
final class H2Compaction implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(H2Compaction.class);
    /** Chunks with fewer live bytes than this share are re-written. */
    static final int TARGET_FILL_RATE = 50;

    static final int WRITE_PER_RUN = 16 * 1024 * 1024;
    private static final Duration BUDGET = Duration.ofMillis(250);

    private final DataSource dataSource;
    private final ScheduledExecutorService timer;

    H2Compaction(DataSource dataSource, Duration every) {
        this.dataSource = dataSource;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("gatehouse-h2-compaction").daemon().factory());
        timer.scheduleWithFixedDelay(this::runSafely, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runSafely() {
        try {
            run();
        } catch (SQLException | RuntimeException e) {
            log.warn("H2 compaction failed; retried at the next run", e);
        }
    }

    /** One run: re-writes sparse chunks until none is left or the time budget is spent; returns how many. */
    int run() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            MVStore store = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession())
                    .getDatabase()
                    .getStore()
                    .getMvStore();
            long deadline = System.nanoTime() + BUDGET.toNanos();
            int rewritten = 0;
            while (!store.isClosed()
                    && System.nanoTime() < deadline
                    && store.compact(TARGET_FILL_RATE, WRITE_PER_RUN)) {
                rewritten++;
            }
            return rewritten;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

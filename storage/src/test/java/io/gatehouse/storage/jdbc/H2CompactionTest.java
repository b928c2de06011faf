package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.store.AdvisoryStore.StoredAdvisory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database does not grow with every commit: H2 runs without its background writer here
 * ({@code WRITE_DELAY=0}), so without {@link H2Compaction} each small durable transaction's chunk stayed in the
 * file until close.
 */
class H2CompactionTest {
    private static final int TRANSACTIONS = 1000;
    private static final int ROWS = 10;
    private static final int ROW_BYTES = 1000;

    @TempDir
    Path dir;

    @Test
    void manySmallTransactionsLeaveAFileNearTheLiveDataSize() throws Exception {
        // RETENTION_TIME=0: freed chunks may be reused at once (45 s by default), so the test need not wait.
        var settings = new DatabaseSettings(
                "jdbc:h2:file:" + dir.resolve("db").resolve("gatehouse") + ";RETENTION_TIME=0",
                "gatehouse",
                "",
                4,
                Optional.empty());
        Path file = dir.resolve("db").resolve("gatehouse.mv.db");
        var random = new java.util.Random(1);
        try (var store = JdbcMetadataStore.open(settings)) {
            long live = 0;
            for (int t = 0; t < TRANSACTIONS; t++) {
                // Random keys: every durable transaction rewrites leaves all over the table's B-tree, so each
                // chunk it leaves behind is mostly dead but not entirely (what a registry's pushes and scans do).
                List<StoredAdvisory> batch = new java.util.ArrayList<>();
                for (int r = 0; r < ROWS; r++) {
                    String id = "GHSA-" + Long.toHexString(random.nextLong());
                    String json = "{\"id\":\"" + id + "\",\"summary\":\"" + randomText(random) + "\"}";
                    live += json.length();
                    batch.add(new StoredAdvisory(id, Instant.parse("2026-01-01T00:00:00Z"), Instant.now(), json));
                }
                store.advisories().apply(batch, List.of(), List.of());
                if (t % 200 == 199) {
                    Thread.sleep(1100); // a compaction run between bursts, as on a server between pushes
                }
            }
            long size = Files.size(file);
            System.out.printf("%,d bytes of rows in %,d transactions: file %,d bytes%n", live, TRANSACTIONS, size);
            assertThat(size).as("file size for %,d bytes of rows", live).isLessThan(live * 4);
            assertThat(store.advisories().count()).isEqualTo((long) TRANSACTIONS * ROWS);
        }
    }

    private static String randomText(java.util.Random random) {
        var text = new StringBuilder();
        while (text.length() < ROW_BYTES) {
            text.append(Long.toString(random.nextLong(), 36));
        }
        return text.toString();
    }
}

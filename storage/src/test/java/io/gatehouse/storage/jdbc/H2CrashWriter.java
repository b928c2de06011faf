package io.gatehouse.storage.jdbc;

import io.gatehouse.audit.AuditJournal;
import io.gatehouse.audit.AuditSigningKey;
import io.gatehouse.audit.AuditWriter;
import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.model.Tag;
import io.gatehouse.core.store.ManifestRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The child process of {@code H2MetadataStoreCrashTest}: writes until it is killed, printing {@code ack <n>}
 * after each write method has returned, i.e. when the registry would send its 201.
 *
 * <ul>
 *   <li>{@code store <dataDir>}: pushes through {@link JdbcMetadataStore} (blob link, then manifest with tag n).
 *   <li>{@code plain <dataDir>}: commits rows into a plain H2 database with a long write delay, as a control that
 *       the kill really loses commits that were only in memory. Prints {@code done} and idles when finished.
 * </ul>
 */
public final class H2CrashWriter {
    static final RepositoryName REPO = RepositoryName.parse("crash/test");

    private H2CrashWriter() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[1]);
        switch (args[0]) {
            case "store" -> store(dataDir);
            case "plain" -> plain(dataDir);
            case "audit" -> audit(dataDir);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void store(Path dataDir) {
        var store = JdbcMetadataStore.open(DatabaseSettings.h2(dataDir)); // never closed: the process is killed
        System.out.println("open");
        for (int n = 0; n < 1_000_000; n++) {
            store.blobLinks().link(REPO, layer(n), n);
            store.manifests().put(manifest(n), Optional.of(tag(n)));
            System.out.println("ack " + n);
        }
    }

    /** Records audit entries through the journal, as the server does; acked when the request could be answered. */
    private static void audit(Path dataDir) {
        var store = JdbcMetadataStore.open(DatabaseSettings.h2(dataDir)); // never closed: the process is killed
        var writer = auditWriter(store, dataDir);
        System.out.println("open");
        for (int n = 0; n < 1_000_000; n++) {
            writer.record(AuditStoreContract.entry(n, AuditEntry.ALLOWED));
            System.out.println("ack " + n);
        }
    }

    static AuditWriter auditWriter(JdbcMetadataStore store, Path dataDir) {
        return new AuditWriter(
                store.audit(),
                AuditSigningKey.loadOrCreate(dataDir.resolve("audit-signing.key")),
                new AuditWriter.Settings(500, Duration.ofHours(1), Duration.ofDays(365 * 100)),
                Clock.systemUTC(),
                AuditJournal.open(dataDir.resolve("audit-journal")));
    }

    private static void plain(Path dataDir) throws Exception {
        String url = "jdbc:h2:file:" + dataDir.resolve("plain").toAbsolutePath() + ";WRITE_DELAY=60000";
        try (var c = DriverManager.getConnection(url, "sa", "")) {
            c.createStatement().execute("CREATE TABLE acked (n INT PRIMARY KEY)");
            var insert = c.prepareStatement("INSERT INTO acked VALUES (?)");
            for (int n = 0; n < 50; n++) {
                insert.setInt(1, n);
                insert.executeUpdate(); // autocommit: committed when this returns
                System.out.println("ack " + n);
            }
            System.out.println("done");
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    static Digest layer(int n) {
        return Digest.sha256(("layer " + n).getBytes(StandardCharsets.UTF_8));
    }

    static Tag tag(int n) {
        return Tag.parse("t" + n);
    }

    static ManifestRecord manifest(int n) {
        byte[] content = ("{\"n\":" + n + ",\"layers\":[\"" + layer(n) + "\"]}").getBytes(StandardCharsets.UTF_8);
        return new ManifestRecord(
                REPO,
                Digest.sha256(content),
                MediaTypes.OCI_MANIFEST,
                null,
                content,
                Optional.empty(),
                List.of(layer(n)),
                List.of(),
                Map.of(),
                Instant.parse("2025-01-01T00:00:00Z"));
    }
}

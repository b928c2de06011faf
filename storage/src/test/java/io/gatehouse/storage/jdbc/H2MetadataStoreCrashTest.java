package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that is writing (SIGKILL: no shutdown hook, no H2 close) and checks what a fresh process finds in
 * the same files: every write that was acknowledged must be there.
 */
class H2MetadataStoreCrashTest {
    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedWriteSurvivesAKill() throws Exception {
        Process child = start("store");
        List<Integer> acked = new ArrayList<>();
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                    if (acked.size() == 200) {
                        // SIGKILL mid-stream (the next write may be half done). Through the handle, which, unlike
                        // Process.destroyForcibly, leaves the pipe open so acks already in it can still be read.
                        child.toHandle().destroyForcibly();
                        break;
                    }
                }
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            while ((line = out.readLine()) != null) { // acks already in the pipe when the kill landed
                if (line.startsWith("ack ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(acked).as("acknowledged writes before the kill").hasSizeGreaterThanOrEqualTo(200);

        try (var store = JdbcMetadataStore.open(DatabaseSettings.h2(dataDir))) {
            for (int n : acked) {
                var manifest = H2CrashWriter.manifest(n);
                assertThat(store.blobLinks().size(H2CrashWriter.REPO, H2CrashWriter.layer(n)))
                        .as("link %d", n)
                        .hasValue(n);
                assertThat(store.tags().resolve(H2CrashWriter.REPO, H2CrashWriter.tag(n)))
                        .as("tag %d", n)
                        .contains(manifest.digest());
                assertThat(store.manifests()
                                .get(H2CrashWriter.REPO, manifest.digest())
                                .orElseThrow()
                                .content())
                        .isEqualTo(manifest.content());
            }
            // and the database still takes writes after recovery
            store.manifests().put(H2CrashWriter.manifest(-1), Optional.of(H2CrashWriter.tag(999_999)));
        }
    }

    /** An audit entry acknowledged by the journal survives a kill and is chained into the log on restart. */
    @Test
    void everyAcknowledgedAuditRecordSurvivesAKill() throws Exception {
        Process child = start("audit");
        List<Integer> acked = new ArrayList<>();
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                    if (acked.size() == 3000) {
                        child.toHandle().destroyForcibly();
                        break;
                    }
                }
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(acked).as("acknowledged records before the kill").hasSizeGreaterThanOrEqualTo(3000);

        try (var store = JdbcMetadataStore.open(DatabaseSettings.h2(dataDir))) {
            long before = store.audit().last().map(r -> r.sequence()).orElse(0L);
            assertThat(before).as("the kill came before everything was chained").isLessThan(acked.size());
            var writer = H2CrashWriter.auditWriter(store, dataDir);
            try {
                writer.awaitChained();
                var requestIds = new java.util.HashSet<String>();
                long after = 0;
                while (true) {
                    var page = store.audit().after(after, 10_000);
                    if (page.isEmpty()) {
                        break;
                    }
                    page.forEach(r -> requestIds.add(r.entry().requestId()));
                    after = page.getLast().sequence();
                }
                for (int n : acked) {
                    assertThat(requestIds).as("record %d", n).contains("req-" + n);
                }
                // each journaled entry is chained once, also across a restart
                assertThat(after).isEqualTo(requestIds.size());
                writer.record(AuditStoreContract.entry(-1, io.gatehouse.core.audit.AuditEntry.ALLOWED));
                writer.awaitChained();
                var result = new io.gatehouse.audit.AuditVerifier(
                                store.audit(),
                                io.gatehouse.audit.AuditSigningKey.loadOrCreate(dataDir.resolve("audit-signing.key")))
                        .verify();
                assertThat(result.intact()).as(result.toString()).isTrue();
            } finally {
                writer.close();
            }
        }
    }

    /**
     * The control: H2 on its own acknowledges commits that a kill then loses (here with a long WRITE_DELAY to make
     * the window certain; the default 500 ms makes it likely). Without it the test above would prove nothing.
     */
    @Test
    void plainH2LosesCommitsThatWereOnlyInMemory() throws Exception {
        Process child = start("plain");
        int acked = 0;
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("done")) {
                if (line.startsWith("ack ")) {
                    acked++;
                }
            }
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(acked).isEqualTo(50);
        String url = "jdbc:h2:file:" + dataDir.resolve("plain").toAbsolutePath();
        int survived;
        try (var c = DriverManager.getConnection(url, "sa", "");
                var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM acked")) {
            rs.next();
            survived = rs.getInt(1);
        } catch (SQLException e) {
            survived = 0; // even the table was never written
        }
        assertThat(survived).as("acknowledged rows a plain H2 kept").isLessThan(acked);
    }

    private Process start(String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        return new ProcessBuilder(java, "-cp", classPath, H2CrashWriter.class.getName(), mode, dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}

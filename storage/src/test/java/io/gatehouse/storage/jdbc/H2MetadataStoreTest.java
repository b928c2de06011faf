package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.model.Tag;
import io.gatehouse.core.store.MetadataStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on embedded H2, one fresh database file per test; plus what is particular to H2. */
class H2MetadataStoreTest extends MetadataStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected MetadataStore openEmptyStore() {
        return JdbcMetadataStore.open(DatabaseSettings.h2(dataDir));
    }

    @Test
    void theDatabaseIsAFileUnderTheDataDirectory() {
        assertThat(dataDir.resolve("db/gatehouse.mv.db")).exists();
    }

    @Test
    void everyWriteWaitsForASyncAndReadsDoNot() {
        var durable = ((JdbcMetadataStore) store).durableCommits().orElseThrow();
        long before = durable.syncs();
        store.manifests().put(manifest(REPO, "m", List.of()), Optional.of(Tag.parse("v1")));
        assertThat(durable.syncs()).isEqualTo(before + 1);
        store.tags().resolve(REPO, Tag.parse("v1"));
        store.manifests().get(REPO, digest("m"));
        assertThat(durable.syncs()).isEqualTo(before + 1);
        assertThat(store.uploads().advance("no-such-upload", 0, 1)).isFalse(); // changed nothing: no sync needed
        assertThat(durable.syncs()).isEqualTo(before + 1);
        assertThat(((JdbcMetadataStore) store).durabilityMode()).contains("WRITE_DELAY=0", "CHECKPOINT SYNC");
    }

    @Test
    void dataSurvivesACleanCloseAndReopen() {
        var m = manifest(REPO, "kept", List.of(digest("l")));
        store.blobLinks().link(REPO, digest("l"), 3);
        store.manifests().put(m, Optional.of(Tag.parse("v1")));
        store.close();
        store = JdbcMetadataStore.open(DatabaseSettings.h2(dataDir));
        assertThat(store.tags().resolve(REPO, Tag.parse("v1"))).contains(m.digest());
        assertThat(store.blobLinks().size(REPO, digest("l"))).hasValue(3);
    }

    @Test
    void theRequiredH2OptionsAreAddedAndWriteDelayIsForcedToZero() {
        String url = JdbcMetadataStore.withRequiredH2Options(
                "jdbc:h2:file:/x/db;WRITE_DELAY=500;mode=Regular;CACHE_SIZE=1024");
        assertThat(url)
                .startsWith("jdbc:h2:file:/x/db;")
                .contains(
                        ";WRITE_DELAY=0",
                        ";MODE=Regular",
                        ";CACHE_SIZE=1024",
                        ";DATABASE_TO_LOWER=TRUE",
                        ";DB_CLOSE_DELAY=-1")
                .doesNotContain("500");
        assertThat(JdbcMetadataStore.withRequiredH2Options("jdbc:h2:mem:x"))
                .contains(";MODE=PostgreSQL")
                .doesNotContain("WRITE_DELAY");
    }

    @Test
    void settingsHideThePasswordAndCheckTheirValues() {
        var settings = new DatabaseSettings(
                "jdbc:postgresql://db/x?user=u&password=hunter2", "u", "s3cret", 4, Optional.of("gatehouse"));
        assertThat(settings.toString())
                .doesNotContain("hunter2", "s3cret")
                .contains("password=***", "maxPoolSize=4", "schema=gatehouse");
        assertThat(DatabaseSettings.h2(dataDir).maxPoolSize()).isEqualTo(DatabaseSettings.DEFAULT_POOL_SIZE);
        assertThat(DatabaseSettings.h2(dataDir).jdbcUrl())
                .startsWith("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("db/gatehouse") + ";");
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:mysql://x", "", "", 4, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings.withMaxPoolSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings.withSchema("x; DROP TABLE users"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInMemoryDatabaseWorksButSaysItIsNotDurable() {
        var settings = new DatabaseSettings("jdbc:h2:mem:contract-" + System.nanoTime(), "sa", "", 4, Optional.empty());
        try (var memory = JdbcMetadataStore.open(settings)) {
            memory.blobLinks().link(REPO, digest("x"), 1);
            assertThat(memory.blobLinks().size(REPO, digest("x"))).hasValue(1);
            assertThat(memory.durabilityMode()).contains("not durable");
            assertThat(memory.durableCommits()).isEmpty();
        }
    }
}

package io.gatehouse.storage.jdbc;

import io.gatehouse.core.store.MetadataStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The pull policy contract on embedded H2, one fresh database file per test. */
class H2ScanPolicyStoreTest extends ScanPolicyStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected MetadataStore openEmptyStore() {
        return JdbcMetadataStore.open(DatabaseSettings.h2(dataDir));
    }
}

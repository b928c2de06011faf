package io.gatehouse.storage.jdbc;

import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.MetadataStore;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What every metadata contract shares: a store over empty tables per test, and common fixtures. */
public abstract class StoreContractBase {

    /** Timestamps with microsecond precision, which both engines keep exactly. */
    protected static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123456Z");

    protected static final RepositoryName REPO = RepositoryName.parse("team/app");
    protected static final RepositoryName OTHER = RepositoryName.parse("team/other");

    protected MetadataStore store;

    /** A store over empty tables. */
    protected abstract MetadataStore openEmptyStore();

    @BeforeEach
    void openStore() {
        store = openEmptyStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }
}

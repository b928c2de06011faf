package io.gatehouse.storage.jdbc;

import io.gatehouse.core.store.MetadataStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.opentest4j.TestAbortedException;

/** The access contract on the real PostgreSQL server, in a schema of its own. */
class PostgresAccessStoreTest extends AccessStoreContract {
    private static PostgresTestDatabase database;
    private static TestAbortedException skipped;

    /** A skip (GATEHOUSE_TEST_SKIP_PG=1) is replayed in every test so each shows up as skipped, with the reason. */
    @BeforeAll
    static void createSchema() {
        try {
            database = PostgresTestDatabase.create("access_contract");
        } catch (TestAbortedException e) {
            skipped = e;
        }
    }

    @AfterAll
    static void dropSchema() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected MetadataStore openEmptyStore() {
        if (skipped != null) {
            throw skipped;
        }
        var opened = JdbcMetadataStore.open(database.settings());
        database.truncateMetadataTables();
        return opened;
    }
}

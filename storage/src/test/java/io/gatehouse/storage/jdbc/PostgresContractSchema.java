package io.gatehouse.storage.jdbc;

import io.gatehouse.core.store.MetadataStore;
import org.opentest4j.TestAbortedException;

/**
 * One PostgreSQL schema for a contract test class. A skip (GATEHOUSE_TEST_SKIP_PG=1) is remembered and
 * replayed in every test, so each shows up as skipped with the reason rather than the class failing.
 */
final class PostgresContractSchema implements AutoCloseable {
    private final PostgresTestDatabase database;
    private final TestAbortedException skipped;

    private PostgresContractSchema(PostgresTestDatabase database, TestAbortedException skipped) {
        this.database = database;
        this.skipped = skipped;
    }

    static PostgresContractSchema create(String purpose) {
        try {
            return new PostgresContractSchema(PostgresTestDatabase.create(purpose), null);
        } catch (TestAbortedException e) {
            return new PostgresContractSchema(null, e);
        }
    }

    /** A store on this schema with every metadata table emptied. */
    MetadataStore openEmptyStore() {
        if (skipped != null) {
            throw skipped;
        }
        var opened = JdbcMetadataStore.open(database.settings());
        database.truncateMetadataTables();
        return opened;
    }

    String schema() {
        return database.schema();
    }

    @Override
    public void close() {
        if (database != null) {
            database.close();
        }
    }
}

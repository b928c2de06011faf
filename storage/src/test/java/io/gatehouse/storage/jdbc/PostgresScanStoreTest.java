package io.gatehouse.storage.jdbc;

import io.gatehouse.core.store.MetadataStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The scan store contract on the real PostgreSQL server, in a schema of its own. */
class PostgresScanStoreTest extends ScanStoreContract {
    private static PostgresContractSchema schema;

    @BeforeAll
    static void createSchema() {
        schema = PostgresContractSchema.create("scan_contract");
    }

    @AfterAll
    static void dropSchema() {
        schema.close();
    }

    @Override
    protected MetadataStore openEmptyStore() {
        return schema.openEmptyStore();
    }
}

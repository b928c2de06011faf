package io.gatehouse.storage.jdbc;

import io.gatehouse.core.store.MetadataStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The audit contract, tampering included, on the real PostgreSQL server, in a schema of its own. */
class PostgresAuditStoreTest extends AuditStoreContract {
    private static PostgresContractSchema schema;

    @BeforeAll
    static void createSchema() {
        schema = PostgresContractSchema.create("audit_contract");
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

package io.gatehouse.storage.jdbc;

import io.gatehouse.core.store.MetadataStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The pull policy contract on the real PostgreSQL server, in a schema of its own. */
class PostgresScanPolicyStoreTest extends ScanPolicyStoreContract {
    private static PostgresContractSchema schema;

    @BeforeAll
    static void createSchema() {
        schema = PostgresContractSchema.create("scan_policy_contract");
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

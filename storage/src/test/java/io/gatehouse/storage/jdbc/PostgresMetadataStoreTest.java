package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.store.MetadataStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on the real PostgreSQL server, in a schema of its own. */
class PostgresMetadataStoreTest extends MetadataStoreContract {
    private static PostgresContractSchema schema;

    @BeforeAll
    static void createSchema() {
        schema = PostgresContractSchema.create("metadata_contract");
    }

    @AfterAll
    static void dropSchema() {
        schema.close();
    }

    @Override
    protected MetadataStore openEmptyStore() {
        return schema.openEmptyStore();
    }

    @Test
    void commitsAreDurableThroughSynchronousCommit() {
        var jdbc = (JdbcMetadataStore) store;
        assertThat(jdbc.durableCommits()).isEmpty();
        assertThat(jdbc.durabilityMode())
                .startsWith("postgresql: synchronous_commit=")
                .doesNotContain("NOT durable");
        String synchronousCommit = jdbc.jdbi()
                .withHandle(h -> h.createQuery("SHOW synchronous_commit")
                        .mapTo(String.class)
                        .one());
        assertThat(synchronousCommit).isNotEqualTo("off");
    }

    @Test
    void tablesLiveInTheGivenSchema() {
        var jdbc = (JdbcMetadataStore) store;
        long tables = jdbc.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = :schema")
                        .bind("schema", schema.schema())
                        .mapTo(Long.class)
                        .one());
        // eight tables, nine for access control (V5: robot_federations), two for single sign-on (V4), three
        // for webhooks (V7), four for the audit log (V6: with audit_journal_positions), two for advisories (V9),
        // six for scanning (V10), two for pull policies (V11: scan_policies, cve_allowlist) and Flyway's history
        assertThat(tables).isEqualTo(37);
    }

    /** Paging compares names by code point whatever the database's default collation (this server's is C). */
    @Test
    void namesAndDigestsCompareByCodePoint() {
        var jdbc = (JdbcMetadataStore) store;
        var collations = jdbc.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT table_name || '.' || column_name AS col, COALESCE(collation_name, '') AS coll"
                                        + " FROM information_schema.columns WHERE table_schema = :schema"
                                        + " AND column_name IN"
                                        + " ('name', 'repository', 'digest', 'manifest_digest', 'child_digest', 'subject_digest')")
                        .bind("schema", schema.schema())
                        .map((rs, ctx) -> rs.getString("col") + "=" + rs.getString("coll"))
                        .list());
        // 18, audit_records.repository (V6), and four in scanning (V10: the repositories of jobs and
        // reports, the package names of the index and of re-match keys)
        assertThat(collations).hasSize(23).allSatisfy(c -> assertThat(c).endsWith("=C"));
    }
}

package io.gatehouse.storage.jdbc;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A uniquely named schema in the real PostgreSQL test server, for one test class: created by {@link #create},
 * dropped (with everything in it) by {@link #close()}, so concurrent and repeated runs never collide.
 *
 * <p>The server is {@value #DEFAULT_URL} unless {@code GATEHOUSE_TEST_PG_URL} names another. If it does not
 * answer, {@link #create} fails the test with a message saying so, or, when {@code GATEHOUSE_TEST_SKIP_PG=1},
 * aborts it so it is reported as skipped with that reason. (Surefire does not list tests skipped by an abort in
 * {@code @BeforeAll}; catch the {@link org.opentest4j.TestAbortedException} there and rethrow it from each test
 * or {@code @BeforeEach}, as {@code PostgresMetadataStoreTest} does, to keep the reason visible.)
 */
public final class PostgresTestDatabase implements AutoCloseable {
    public static final String URL_ENV = "GATEHOUSE_TEST_PG_URL";
    public static final String SKIP_ENV = "GATEHOUSE_TEST_SKIP_PG";
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String jdbcUrl;
    private final String schema;

    private PostgresTestDatabase(String jdbcUrl, String schema) {
        this.jdbcUrl = jdbcUrl;
        this.schema = schema;
    }

    /** The server's JDBC URL (credentials, if any, in the URL). */
    public static String jdbcUrl() {
        String url = System.getenv(URL_ENV);
        return url == null || url.isBlank() ? DEFAULT_URL : url;
    }

    /**
     * Creates a fresh schema named {@code gh_<purpose>_<random>}.
     *
     * @param purpose a short label (letters, digits, underscores) that shows whose schema it is
     */
    public static PostgresTestDatabase create(String purpose) {
        String url = jdbcUrl();
        String label = purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        byte[] random = new byte[5];
        RANDOM.nextBytes(random);
        String schema = "gh_" + label.substring(0, Math.min(label.length(), 40)) + "_"
                + HexFormat.of().formatHex(random);
        try (Connection c = connect(url);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String reason = "PostgreSQL at "
                    + redact(url)
                    + " did not answer ("
                    + e.getMessage()
                    + "). Start it, point "
                    + URL_ENV
                    + " at a reachable server, or set "
                    + SKIP_ENV
                    + "=1 to skip the PostgreSQL tests.";
            if ("1".equals(System.getenv(SKIP_ENV))) {
                Assumptions.abort("skipped because " + SKIP_ENV + "=1: " + reason);
            }
            throw new AssertionError(reason, e);
        }
        return new PostgresTestDatabase(url, schema);
    }

    /** Settings for a store in this schema. */
    public DatabaseSettings settings() {
        return new DatabaseSettings(jdbcUrl, "", "", 8, Optional.of(schema));
    }

    public String schema() {
        return schema;
    }

    /** Empties every table of the metadata schema (keeps Flyway's history), for a test that needs a clean slate. */
    public void truncateMetadataTables() {
        try (Connection c = connect(jdbcUrl);
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE "
                    + String.join(
                            ", ",
                            Stream.of(
                                            "manifest_refs",
                                            "tags",
                                            "manifests",
                                            "blob_links",
                                            "repositories",
                                            "uploads",
                                            "users",
                                            "signing_keys",
                                            "projects",
                                            "group_members",
                                            "role_bindings",
                                            "custom_roles",
                                            "robots",
                                            "oidc_identities",
                                            "oidc_pending_logins",
                                            "principals",
                                            "deny_rules",
                                            "repository_labels",
                                            "webhook_attempts",
                                            "webhook_deliveries",
                                            "webhooks",
                                            "audit_records",
                                            "audit_checkpoints",
                                            "audit_pull_exemptions",
                                            "advisories",
                                            "advisory_imports",
                                            "scan_jobs",
                                            "scan_rematch_keys",
                                            "scan_rematch_lists",
                                            "scan_reports",
                                            "scan_package_keys",
                                            "scan_packages",
                                            "scan_policies",
                                            "cve_allowlist")
                                    .map(t -> schema + "." + t)
                                    .toList())
                    + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot truncate tables in " + schema, e);
        }
    }

    /** Drops the schema and everything in it. */
    @Override
    public void close() {
        try (Connection c = connect(jdbcUrl);
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop schema " + schema, e);
        }
    }

    private static Connection connect(String url) throws SQLException {
        var properties = new Properties();
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("loginTimeout", "5");
        return DriverManager.getConnection(url, properties);
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}

package io.gatehouse.it;

import io.gatehouse.server.testing.TestServer;
import io.gatehouse.storage.blob.S3ProxyServer;
import io.gatehouse.storage.jdbc.PostgresTestDatabase;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The skopeo contract against Gatehouse in its cluster shape: blobs in an S3-compatible store (S3Proxy in
 * this JVM) and metadata in a real PostgreSQL (a fresh schema per run).
 */
class GatehouseS3PostgresIT extends RegistryClientsContract {
    private S3ProxyServer s3;
    private PostgresTestDatabase postgres;
    private TestServer server;

    @BeforeAll
    void startGatehouse(@TempDir Path dataDir) throws Exception {
        if (skippingAllTests()) {
            return;
        }
        s3 = S3ProxyServer.start();
        postgres = PostgresTestDatabase.create("it_skopeo");
        var db = postgres.settings();
        server = TestServer.start(
                dataDir,
                Map.of(
                        "storage.type", "s3",
                        "storage.s3.endpoint", s3.endpoint().toString(),
                        "storage.s3.region", s3.region(),
                        "storage.s3.bucket", s3.bucket(),
                        "storage.s3.accessKey", s3.accessKey(),
                        "storage.s3.secretKey", s3.secretKey(),
                        "database.url", db.jdbcUrl(),
                        "database.schema", postgres.schema()));
    }

    @AfterAll
    void stopGatehouse() {
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected RegistryEndpoint endpoint() {
        return new RegistryEndpoint(server.hostPort(), "admin", TestServer.ADMIN_PASSWORD);
    }

    @Override
    protected boolean supportsReferrersApi() {
        return true;
    }
}

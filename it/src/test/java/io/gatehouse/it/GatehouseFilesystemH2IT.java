package io.gatehouse.it;

import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The skopeo contract against Gatehouse on its embedded defaults: filesystem blobs and H2. */
class GatehouseFilesystemH2IT extends RegistryClientsContract {
    private TestServer server;

    @BeforeAll
    void startGatehouse(@TempDir Path dataDir) throws Exception {
        if (!skippingAllTests()) {
            server = TestServer.start(dataDir);
        }
    }

    @AfterAll
    void stopGatehouse() {
        if (server != null) {
            server.close();
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

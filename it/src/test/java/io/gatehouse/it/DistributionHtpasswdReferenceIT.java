package io.gatehouse.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract against the reference implementation with htpasswd (basic) authentication, so the login and
 * wrong-credentials tests are proven against the reference registry too.
 */
class DistributionHtpasswdReferenceIT extends RegistryClientsContract {

    private static final String USER = "gatehouse-it";
    private static final String PASSWORD = "correct horse battery staple";

    private DistributionRegistry distribution;

    @BeforeAll
    void startDistribution(@TempDir Path root) {
        DistributionRegistry.skipReasonIfMissing().ifPresent(this::skipAllTests);
        if (!skippingAllTests()) {
            distribution = DistributionRegistry.start(root, USER, PASSWORD);
        }
    }

    @AfterAll
    void stopDistribution() {
        if (distribution != null) {
            distribution.close();
        }
    }

    @Override
    protected RegistryEndpoint endpoint() {
        return new RegistryEndpoint(distribution.hostPort(), USER, PASSWORD);
    }
}

package io.gatehouse.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract against the reference implementation (CNCF distribution 2.8, no authentication): proves that what
 * {@link RegistryClientsContract} expects from a registry is what the reference registry does. Distribution 2.8 has no
 * referrers API, so only the artifact manifest itself is checked there.
 */
class DistributionReferenceIT extends RegistryClientsContract {

    private DistributionRegistry distribution;

    @BeforeAll
    void startDistribution(@TempDir Path root) {
        DistributionRegistry.skipReasonIfMissing().ifPresent(this::skipAllTests);
        if (!skippingAllTests()) {
            distribution = DistributionRegistry.start(root);
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
        return RegistryEndpoint.anonymous(distribution.hostPort());
    }
}

package io.gatehouse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.access.PasswordHasher;
import io.gatehouse.access.admin.AccessAdministration;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.RobotFederation;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyless CI login with the real skopeo: a pipeline logs in with the federated robot's name and its own OIDC
 * token (from mock-oauth2-server, a real issuer) as the password, and pushes; no secret exists anywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatehouseKeylessCiIT {
    private static final Map<String, Object> PIPELINE =
            Map.of("repository", "org/app", "ref", "refs/heads/main", "sub", "repo:org/app:ref:refs/heads/main");

    private MockOAuth2Server issuer;
    private TestServer server;
    private Skopeo skopeo;
    private Path work;
    private String robot;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Skopeo.skipReasonIfMissing().ifPresent(org.junit.jupiter.api.Assumptions::abort);
        work = dir;
        issuer = new MockOAuth2Server();
        issuer.start();
        server = TestServer.start(dir.resolve("data"), java.util.Map.of("federation.allowLoopbackIssuers", "true"));
        skopeo = Skopeo.create(dir.resolve("skopeo-home"));
        var admin = new AccessAdministration(
                server.server().metadata().users(),
                server.server().metadata().access(),
                new PasswordHasher(),
                server.server().events(),
                Clock.systemUTC());
        var by = AccessAdministration.Actor.internal("admin");
        admin.createProject(by, "teama", false);
        robot = admin.createFederatedRobot(
                        by,
                        "teama",
                        "ci",
                        EnumSet.of(Action.PUSH),
                        Optional.empty(),
                        new RobotFederation(
                                issuer.issuerUrl("ci").toString(),
                                "gatehouse",
                                Map.of("repository", "org/app", "ref", "refs/heads/main")))
                .name();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (issuer != null) {
            issuer.shutdown();
        }
    }

    private String ref(String repository, String tag) {
        return "docker://" + server.hostPort() + "/" + repository + ":" + tag;
    }

    private String token(Map<String, Object> claims) {
        return issuer.issueToken("ci", "pipeline", "gatehouse", claims).serialize();
    }

    @Test
    void aPipelinePushesWithItsOwnOidcTokenAsThePassword() {
        var layout = OciImageBuilder.create(work.resolve("layout"), 5151);
        layout.image("v1", "amd64", 2);

        skopeo.login(server.hostPort(), new Skopeo.Credentials(robot, token(PIPELINE)))
                .orThrow();
        skopeo.copy(layout.ociReference("v1"), null, ref("teama/app", "v1"), null)
                .orThrow();

        var otherBranch =
                new Skopeo.Credentials(robot, token(Map.of("repository", "org/app", "ref", "refs/heads/feature")));
        var refused = skopeo.copy(layout.ociReference("v1"), null, ref("teama/app", "v2"), otherBranch);
        assertThat(refused.succeeded())
                .as("a token from another branch is refused")
                .isFalse();
        assertThat(refused.stderr()).containsIgnoringCase("unauthorized");
    }
}

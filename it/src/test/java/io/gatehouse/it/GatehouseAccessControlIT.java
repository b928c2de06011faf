package io.gatehouse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.access.PasswordHasher;
import io.gatehouse.access.admin.AccessAdministration;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control with the real skopeo: {@code skopeo login} with a user and with a robot (and not with a
 * revoked robot), a push-only CI robot pushes but cannot pull, a pull-only cluster robot pulls but cannot push,
 * and a reader is refused a push.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatehouseAccessControlIT {
    private TestServer server;
    private Skopeo skopeo;
    private Path work;
    private AccessAdministration.CreatedRobot ci;
    private AccessAdministration.CreatedRobot cluster;
    private AccessAdministration admin;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Skopeo.skipReasonIfMissing().ifPresent(org.junit.jupiter.api.Assumptions::abort);
        work = dir;
        server = TestServer.start(dir.resolve("data"));
        skopeo = Skopeo.create(dir.resolve("skopeo-home"));
        admin = new AccessAdministration(
                server.server().metadata().users(),
                server.server().metadata().access(),
                new PasswordHasher(),
                server.server().events(),
                Clock.systemUTC());
        var by = AccessAdministration.Actor.internal("admin");
        admin.createProject(by, "teama", false);
        admin.createUser(by, "reader", "reader-password-1".toCharArray());
        admin.grant(by, "reader", "teama", Optional.empty(), new Subject.User("reader"));
        ci = admin.createRobot(by, "teama", "ci", EnumSet.of(Action.PUSH), Optional.empty());
        cluster = admin.createRobot(by, "teama", "cluster", EnumSet.of(Action.PULL), Optional.empty());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String ref(String repository, String tag) {
        return "docker://" + server.hostPort() + "/" + repository + ":" + tag;
    }

    @Test
    void pushOnlyRobotPushesPullOnlyRobotPullsAndNeitherCrosses() {
        var layout = OciImageBuilder.create(work.resolve("layout"), 4242);
        layout.image("v1", "amd64", 2);
        var ciCreds = new Skopeo.Credentials(ci.loginName(), ci.secret());
        var clusterCreds = new Skopeo.Credentials(cluster.loginName(), cluster.secret());

        skopeo.copy(layout.ociReference("v1"), null, ref("teama/app", "v1"), ciCreds)
                .orThrow();

        var ciPull = skopeo.inspect(ref("teama/app", "v1"), ciCreds);
        assertThat(ciPull.succeeded()).as("a push-only robot cannot pull").isFalse();
        assertThat(ciPull.output()).containsIgnoringCase("unauthorized");

        skopeo.copy(ref("teama/app", "v1"), clusterCreds, "oci:" + work.resolve("pulled") + ":v1", null)
                .orThrow();

        var clusterPush = skopeo.copy(layout.ociReference("v1"), null, ref("teama/other", "v1"), clusterCreds);
        assertThat(clusterPush.succeeded()).as("a pull-only robot cannot push").isFalse();
    }

    @Test
    void readerIsRefusedAPushButPulls() {
        var layout = OciImageBuilder.create(work.resolve("layout-reader"), 777);
        layout.image("v1", "amd64", 1);
        var readerCreds = new Skopeo.Credentials("reader", "reader-password-1");
        var push = skopeo.copy(layout.ociReference("v1"), null, ref("teama/reader", "v1"), readerCreds);
        assertThat(push.succeeded()).isFalse();
        assertThat(push.stderr()).containsIgnoringCase("denied");
        skopeo.copy(
                        layout.ociReference("v1"),
                        null,
                        ref("teama/reader", "v1"),
                        new Skopeo.Credentials(ci.loginName(), ci.secret()))
                .orThrow();
        assertThat(skopeo.inspect(ref("teama/reader", "v1"), readerCreds).succeeded())
                .isTrue();
    }

    @Test
    void loginWithAUserAndWithARobotStoresCredentialsThatWork() {
        var asRobot = Skopeo.create(work.resolve("login-robot"));
        asRobot.login(server.hostPort(), new Skopeo.Credentials(ci.loginName(), ci.secret()))
                .orThrow();
        var asReader = Skopeo.create(work.resolve("login-reader"));
        asReader.login(server.hostPort(), new Skopeo.Credentials("reader", "reader-password-1"))
                .orThrow();

        var layout = OciImageBuilder.create(work.resolve("layout-login"), 99);
        layout.image("v1", "amd64", 1);
        asRobot.copy(layout.ociReference("v1"), null, ref("teama/logged-in", "v1"), null)
                .orThrow();
        assertThat(asReader.inspect(ref("teama/logged-in", "v1"), null).succeeded())
                .as("the reader's stored login pulls")
                .isTrue();
        var readerPush = asReader.copy(layout.ociReference("v1"), null, ref("teama/logged-in", "v2"), null);
        assertThat(readerPush.succeeded()).as("and does not push").isFalse();
        assertThat(readerPush.output()).containsIgnoringCase("denied");
    }

    @Test
    void loginIsRefusedToARevokedRobotAndToAWrongPassword() {
        var by = AccessAdministration.Actor.internal("admin");
        var doomed = admin.createRobot(by, "teama", "doomed", EnumSet.of(Action.PUSH), Optional.empty());
        var client = Skopeo.create(work.resolve("login-revoked"));
        client.login(server.hostPort(), new Skopeo.Credentials(doomed.loginName(), doomed.secret()))
                .orThrow();
        admin.revokeRobot(by, "teama", doomed.loginName());
        var revoked = client.login(server.hostPort(), new Skopeo.Credentials(doomed.loginName(), doomed.secret()));
        assertThat(revoked.succeeded()).as("a revoked robot cannot log in").isFalse();
        assertThat(revoked.output()).contains("invalid username/password");
        var wrong = client.login(server.hostPort(), new Skopeo.Credentials("reader", "not-the-password"));
        assertThat(wrong.succeeded()).isFalse();
        assertThat(wrong.output()).contains("invalid username/password");
    }
}

package io.gatehouse.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.access.PasswordHasher;
import io.gatehouse.access.admin.AccessAdministration;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestIdentityProvider;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single sign-on with the real skopeo: a user logs in through the OIDC provider, creates a CLI secret, and
 * {@code skopeo login}s with it to push where its provider group may write, and nowhere else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatehouseSingleSignOnIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestIdentityProvider idp;
    private TestServer server;
    private Skopeo skopeo;
    private Path work;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Skopeo.skipReasonIfMissing().ifPresent(org.junit.jupiter.api.Assumptions::abort);
        work = dir;
        idp = new TestIdentityProvider();
        server = TestServer.start(dir.resolve("data"), idp.serverSettings());
        skopeo = Skopeo.create(dir.resolve("skopeo-home"));
        var admin = new AccessAdministration(
                server.server().metadata().users(),
                server.server().metadata().access(),
                new PasswordHasher(),
                server.server().events(),
                Clock.systemUTC());
        var by = AccessAdministration.Actor.internal("admin");
        admin.createProject(by, "teama", false);
        admin.createProject(by, "teamb", false);
        admin.grant(by, "writer", "teama", Optional.empty(), new Subject.Group("team-a-devs"));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    private String ref(String repository, String tag) {
        return "docker://" + server.hostPort() + "/" + repository + ":" + tag;
    }

    private String cliSecretOf(String subject, String username, List<String> groups) throws Exception {
        var login = idp.login(server.baseUri(), subject, Map.of("preferred_username", username, "groups", groups));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String token = JSON.readTree(login.body()).path("token").asText();
        var created = new RegistryHttp(server.baseUri(), "Bearer " + token).post("/api/v1/users/me/cli-secret", null);
        assertThat(created.statusCode()).isEqualTo(201);
        return RegistryHttp.json(created).path("secret").asText();
    }

    @Test
    void skopeoLogsInWithAnOidcUsersCliSecretAndPushesWhereItsGroupMayWrite() throws Exception {
        String secret = cliSecretOf("sub-mia", "mia", List.of("team-a-devs"));
        var layout = OciImageBuilder.create(work.resolve("layout"), 9001);
        layout.image("v1", "amd64", 2);

        skopeo.login(server.hostPort(), new Skopeo.Credentials("mia", secret)).orThrow();
        skopeo.copy(layout.ociReference("v1"), null, ref("teama/app", "v1"), null)
                .orThrow();
        assertThat(skopeo.inspect(ref("teama/app", "v1"), null).succeeded()).isTrue();

        var elsewhere = skopeo.copy(layout.ociReference("v1"), null, ref("teamb/app", "v1"), null);
        assertThat(elsewhere.succeeded())
                .as("no group of mia may write to teamb")
                .isFalse();
        assertThat(elsewhere.stderr()).containsIgnoringCase("denied");
    }

    @Test
    void aRevokedCliSecretNoLongerLogsIn() throws Exception {
        String secret = cliSecretOf("sub-noah", "noah", List.of("team-a-devs"));
        var creds = new Skopeo.Credentials("noah", secret);
        assertThat(skopeo.login(server.hostPort(), creds).succeeded()).isTrue();

        var revoke = RegistryHttp.anonymous(server)
                .withAuthorization(RegistryHttp.basic("noah", secret))
                .delete("/api/v1/users/me/cli-secret");
        assertThat(revoke.statusCode()).isEqualTo(204);

        var again = skopeo.login(server.hostPort(), creds);
        assertThat(again.succeeded()).isFalse();
        assertThat(again.stderr()).contains("invalid username/password");
    }
}

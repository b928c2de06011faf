package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.errorCode;
import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.access.PasswordHasher;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.DenyRule;
import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.UserRecord;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The role-based authorizer wired into the real server: roles from bindings, public projects, deny rules,
 * 401 versus 403, and a catalog filtered to what the caller may pull. (Users and bindings are set up through
 * the store here; the admin API that will manage them is the next step of the access-control issue.)
 */
class RoleBasedAccessTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static RegistryHttp admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dataDir);
        admin = RegistryHttp.asAdmin(server);
        var metadata = server.server().metadata();
        var hasher = new PasswordHasher();
        for (String user : List.of("alice", "bob", "carol")) {
            metadata.users()
                    .create(new UserRecord(user, hasher.hash((user + "-password").toCharArray()), Instant.now()));
        }
        var access = metadata.access();
        access.createProject(new ProjectSettings("teama", false, List.of()));
        access.createProject(new ProjectSettings("teamb", false, List.of()));
        access.createProject(new ProjectSettings("public", true, List.of()));
        access.grant(new RoleBinding(new Subject.User("alice"), new BindingScope.Project("teama"), "reader"));
        access.grant(new RoleBinding(new Subject.User("bob"), new BindingScope.Project("teama"), "writer"));
        access.setLabels(RepositoryName.parse("teama/prod"), Map.of("env", "production"));
        access.putDenyRule(new DenyRule(
                "no-delete-in-production", EnumSet.of(Action.DELETE), "", Map.of("env", "production"), Set.of()));
        for (String repo : List.of("teama/app", "teama/prod", "teamb/app", "public/base")) {
            pushBlob(admin, repo, repo.getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static RegistryHttp as(String user) {
        return RegistryHttp.anonymous(server).withAuthorization(RegistryHttp.basic(user, user + "-password"));
    }

    static Digest pushBlob(RegistryHttp http, String repo, byte[] content) {
        Digest digest = Digest.sha256(content);
        var r = http.post("/v2/" + repo + "/blobs/uploads/?digest=" + digest, content);
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(201);
        return digest;
    }

    static String blob(String repo) {
        return "/v2/" + repo + "/blobs/" + Digest.sha256(repo.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readerPullsButCannotPushOrDelete() {
        assertThat(as("alice").get(blob("teama/app")).statusCode()).isEqualTo(200);
        var push = as("alice").post("/v2/teama/app/blobs/uploads/", null);
        assertThat(push.statusCode()).isEqualTo(403);
        assertThat(errorCode(push)).isEqualTo("DENIED");
        assertThat(json(push).path("errors").path(0).path("message").asText()).contains("no role grants push");
        assertThat(as("alice").delete(blob("teama/app")).statusCode()).isEqualTo(403);
    }

    @Test
    void teamsStayInTheirOwnProjects() {
        assertThat(as("alice").get(blob("teamb/app")).statusCode()).isEqualTo(403);
        assertThat(as("bob").post("/v2/teamb/app/blobs/uploads/", null).statusCode())
                .isEqualTo(403);
        pushBlob(as("bob"), "teama/app", "bob was here".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void userWithoutRolesIsDeniedButMayLogIn() {
        assertThat(as("carol").get("/v2/").statusCode()).isEqualTo(200);
        assertThat(as("carol").get(blob("teama/app")).statusCode()).isEqualTo(403);
    }

    @Test
    void publicProjectsArePullableByAnyoneAndPushableByNoOneWithoutARole() {
        assertThat(RegistryHttp.anonymous(server).get(blob("public/base")).statusCode())
                .isEqualTo(200);
        assertThat(as("carol").get(blob("public/base")).statusCode()).isEqualTo(200);
        var anonymousPush = RegistryHttp.anonymous(server).post("/v2/public/base/blobs/uploads/", null);
        assertThat(anonymousPush.statusCode()).isEqualTo(401);
        assertThat(anonymousPush.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("repository:public/base:pull,push");
        assertThat(as("carol").post("/v2/public/base/blobs/uploads/", null).statusCode())
                .isEqualTo(403);
    }

    @Test
    void anonymousCallersGet401OnPrivateProjects() {
        var r = RegistryHttp.anonymous(server).get(blob("teama/app"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(errorCode(r)).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void denyRulesOverrideEvenTheSystemAdmin() {
        var r = admin.delete(blob("teama/prod"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).path("errors").path(0).path("message").asText()).contains("no-delete-in-production");
        assertThat(admin.get(blob("teama/prod")).statusCode()).isEqualTo(200);
    }

    @Test
    void catalogListsOnlyWhatTheCallerMayPull() {
        var alice = json(as("alice").get("/v2/_catalog")).path("repositories").toString();
        assertThat(alice)
                .contains("teama/app")
                .contains("teama/prod")
                .contains("public/base")
                .doesNotContain("teamb/app");
        var all = json(admin.get("/v2/_catalog")).path("repositories").toString();
        assertThat(all).contains("teamb/app");
        var page = as("alice").get("/v2/_catalog?n=1");
        assertThat(json(page).path("repositories")).hasSize(1);
        assertThat(page.headers().firstValue("Link")).isPresent();
    }
}

package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.access.PasswordHasher;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.DenyRule;
import io.gatehouse.core.access.policy.RobotAccount;
import io.gatehouse.core.access.policy.RobotRecord;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.http.Route;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorization matrix through the real HTTP API: every kind of caller × every action × every kind of
 * repository, one named case per cell, checked against the declarative tables just below (never against the
 * authorizer). A reviewer reads the tables; the rest of the class only performs requests and checks them.
 *
 * <p>Role bindings come in both scopes: the {@code repo-*} users are bound on the repository {@code teama/app}
 * only, which is what makes "own repository" and "other repository in the project" differ; the
 * {@code project-*} users are bound on project {@code teama}, where the two columns agree.
 */
class AuthorizationMatrixTest {

    // ============================================================================== the spec

    /** Where a request goes. The deny rules live in the last two columns. */
    enum Where {
        OWN("teama/app", "own repository"),
        SAME_PROJECT("teama/other", "other repository in the project"),
        OTHER_PROJECT("teamb/app", "other project"),
        PUBLIC("pub/app", "public project"),
        /** Labelled env=production; deny rule "no-delete-in-production": nobody deletes. */
        PRODUCTION("teama/prod", "production repository"),
        /** Deny rule "only-ci-pushes-releases" on teama/release*: only the push robot pushes. */
        RELEASE("teama/release", "release repository");

        final String repo;
        final String label;

        Where(String repo, String label) {
            this.repo = repo;
            this.label = label;
        }
    }

    /**
     * What each caller may do where: {@code r} pull (manifests, blobs, tags, referrers, catalog listing),
     * {@code w} push (upload, manifest PUT, mount target), {@code d} delete (manifests and tags),
     * {@code -} nothing. Any right not listed is refused.
     */
    static final Map<Who, Map<Where, String>> RIGHTS = table("""
            caller           OWN  SAME_PROJECT  OTHER_PROJECT  PUBLIC  PRODUCTION  RELEASE
            NONE             -    -             -              r       -           -
            REPO_READER      r    -             -              r       -           -
            REPO_WRITER      rw   -             -              r       -           -
            REPO_DELETER     rd   -             -              r       -           -
            REPO_ADMIN       rwd  -             -              r       -           -
            PROJECT_READER   r    r             -              r       r           r
            PROJECT_WRITER   rw   rw            -              r       rw          r
            PROJECT_DELETER  rd   rd            -              r       r           rd
            PROJECT_ADMIN    rwd  rwd           -              r       rw          rd
            TEAMB_ADMIN      -    -             rwd            r       -           -
            ROBOT_PUSH       w    w             -              r       w           w
            ROBOT_PULL       r    r             -              r       r           r
            ANONYMOUS        -    -             -              r       -           -
            SYSTEM_ADMIN     rwd  rwd           rwd            rwd     rw          rd
            EXPIRED_ROBOT    -    -             -              -       -           -
            REVOKED_ROBOT    -    -             -              -       -           -
            """);

    /** Who may call the admin API, and where: {@code registry} routes need a system admin. */
    static final Map<Who, Set<String>> MANAGES = Map.of(
            Who.SYSTEM_ADMIN, Set.of("registry", "teama", "teamb"),
            Who.PROJECT_ADMIN, Set.of("teama"),
            Who.TEAMB_ADMIN, Set.of("teamb"));

    /** Credentials that no longer work: every request is 401, as for a wrong password. */
    static final Set<Who> DEAD = EnumSet.of(Who.EXPIRED_ROBOT, Who.REVOKED_ROBOT);

    /**
     * A dead credential fails before any authorization, and each try costs a full Argon2 check (so failures
     * cannot be told apart by timing); it is sampled: every action on the own repository, and a manifest pull
     * from every repository (the public one too) over Basic and through the token endpoint.
     */
    static boolean sampledForDeadCredentials(Where where, Op op, Mode mode) {
        return where == Where.OWN && mode == Mode.BASIC || op == Op.PULL_MANIFEST;
    }

    /** Which deny rule refuses what where (checked in the reason of a 403). */
    static final Map<Where, Map<Character, String>> DENY_RULES = Map.of(
            Where.PRODUCTION, Map.of('d', "no-delete-in-production"),
            Where.RELEASE, Map.of('w', "only-ci-pushes-releases"));

    /**
     * Routes about the caller itself ({@code /users/me}, target {@code self}): every live credential, robots
     * too; anonymous callers and dead credentials must authenticate.
     */
    static final Set<Who> SIGNED_IN =
            EnumSet.complementOf(EnumSet.of(Who.ANONYMOUS, Who.EXPIRED_ROBOT, Who.REVOKED_ROBOT));

    static final String SELF = "self";

    /** A webhook named for the case, on a closed loopback port, for an event nothing emits yet. */
    static final IntFunction<String> WEBHOOK = n -> """
            {"id":"hook%d","url":"http://127.0.0.1:9/hook","events":["quota.warning"]}""".formatted(n);

    /** An allowlist entry named for the case. */
    static final IntFunction<String> CVE = n -> """
            {"id":"CVE-%d","reason":"matrix case","expires":"1d"}""".formatted(n);

    /**
     * The admin API, one line per {@code /api/v1} route that reads or changes access state: {@code {project}}
     * is filled with teama and teamb (in the path and the body); {@code n} makes names unique per case;
     * {@code prepare} runs first, for the cases that must succeed (a refused call is refused before its target
     * is looked up); {@code cleanup} undoes what a successful case added, so no case disturbs another. Deny
     * rules added here refuse only pulls of repositories that do not exist. {@link #everyApiRouteIsInTheMatrix}
     * fails for a route with no line here and no entry in {@link #NOT_ADMIN_ROUTES}.
     */
    static final List<AdminCall> ADMIN_CALLS = List.of(
            AdminCall.registry("user create", "POST", "/api/v1/users", n -> """
                    {"name":"user%d","password":"a-long-enough-password"}""".formatted(n), 201),
            AdminCall.registry("project create", "POST", "/api/v1/projects", n -> """
                    {"name":"proj%d"}""".formatted(n), 201),
            AdminCall.project("project update", "PATCH", "/api/v1/projects/{project}", n -> """
                    {"public":false}""", 200),
            AdminCall.project("grant", "POST", "/api/v1/projects/{project}/bindings", n -> """
                    {"role":"reader","group":"group%d"}""".formatted(n), 201),
            AdminCall.project("robot create", "POST", "/api/v1/projects/{project}/robots", n -> """
                    {"name":"bot%d","actions":["pull"]}""".formatted(n), 201),
            AdminCall.project(
                    "robot revoke",
                    "DELETE",
                    "/api/v1/projects/{project}/robots/robot$%2$s+victim%1$d",
                    null,
                    204,
                    (n, project) -> asSystemAdmin()
                            .send(
                                    "POST",
                                    "/api/v1/projects/" + project + "/robots",
                                    bytes("""
                                    {"name":"victim%d","actions":["pull"]}""".formatted(n)),
                                    inside())),
            AdminCall.self("who am I", "GET", "/api/v1/users/me", 200),
            AdminCall.registry("user list", "GET", "/api/v1/users", null, 200),
            AdminCall.registry("project list", "GET", "/api/v1/projects", null, 200),
            AdminCall.project("binding list", "GET", "/api/v1/projects/{project}/bindings", null, 200),
            AdminCall.project(
                    "binding revoke",
                    "DELETE",
                    "/api/v1/projects/{project}/bindings?role=reader&group=revoked%d",
                    null,
                    204,
                    (n, project) ->
                            systemAdmin("POST", "/api/v1/projects/" + project + "/bindings", """
                            {"role":"reader","group":"revoked%d"}""".formatted(n), 201)),
            AdminCall.project("robot list", "GET", "/api/v1/projects/{project}/robots", null, 200),
            AdminCall.registry("role list", "GET", "/api/v1/roles", null, 200),
            AdminCall.registry("role define", "POST", "/api/v1/roles", n -> """
                    {"name":"role%d","actions":["pull"]}""".formatted(n), 201),
            AdminCall.registry("deny rule list", "GET", "/api/v1/deny-rules", null, 200),
            AdminCall.registry("deny rule add", "POST", "/api/v1/deny-rules", n -> """
                            {"id":"rule%1$d","actions":["pull"],"repository":"nowhere/rule%1$d"}""".formatted(n), 201)
                    .cleanup((n, target) -> systemAdmin("DELETE", "/api/v1/deny-rules/rule" + n, null, 204)),
            AdminCall.registry(
                    "deny rule remove",
                    "DELETE",
                    "/api/v1/deny-rules/rule%d",
                    null,
                    204,
                    (n, target) -> systemAdmin("POST", "/api/v1/deny-rules", """
                            {"id":"rule%1$d","actions":["pull"],"repository":"nowhere/rule%1$d"}""".formatted(n), 201)),
            AdminCall.project("project deny rule list", "GET", "/api/v1/projects/{project}/deny-rules", null, 200),
            AdminCall.project(
                            "project deny rule add",
                            "POST",
                            "/api/v1/projects/{project}/deny-rules",
                            n -> """
                            {"id":"rule%1$d","actions":["pull"],"repository":"{project}/nowhere%1$d"}""".formatted(n),
                            201)
                    .cleanup((n, project) ->
                            systemAdmin("DELETE", "/api/v1/projects/" + project + "/deny-rules/rule" + n, null, 204)),
            AdminCall.project(
                    "project deny rule remove",
                    "DELETE",
                    "/api/v1/projects/{project}/deny-rules/rule%d",
                    null,
                    204,
                    (n, project) -> systemAdmin(
                            "POST", "/api/v1/projects/" + project + "/deny-rules", """
                            {"id":"rule%1$d","actions":["pull"],"repository":"%2$s/nowhere%1$d"}""".formatted(n, project), 201)),
            // Labels select repositories for system-wide deny rules: only the system admin, even on teama.
            AdminCall.registry("labels get", "GET", "/api/v1/repositories/teama/prod/labels", null, 200),
            AdminCall.registry(
                            "labels put",
                            "PUT",
                            "/api/v1/repositories/teama/labelled%d/labels",
                            n -> """
                            {"labels":{"case":"c%d"}}""".formatted(n),
                            200)
                    .cleanup((n, target) -> systemAdmin(
                            "PUT", "/api/v1/repositories/teama/labelled" + n + "/labels", "{\"labels\":{}}", 200)),
            AdminCall.registry("group member add", "POST", "/api/v1/groups/crew%d/members", n -> """
                            {"user":"nobody"}""", 201)
                    .cleanup((n, target) ->
                            systemAdmin("DELETE", "/api/v1/groups/crew" + n + "/members/nobody", null, 204)),
            AdminCall.registry(
                    "group member remove",
                    "DELETE",
                    "/api/v1/groups/crew%d/members/nobody",
                    null,
                    204,
                    (n, target) -> systemAdmin("POST", "/api/v1/groups/crew" + n + "/members", """
                            {"user":"nobody"}""", 201)),
            AdminCall.registry("signing keys list", "GET", "/api/v1/system/signing-keys", null, 200),
            // Without revokeOthers: the tokens other cases hold keep verifying.
            AdminCall.registry("signing key rotate", "POST", "/api/v1/system/signing-keys/rotate", n -> """
                    {"revokeOthers":false}""", 200),
            // Webhooks here subscribe to quota.warning, which nothing emits yet, and point at a closed port.
            AdminCall.registry("webhook list", "GET", "/api/v1/webhooks", null, 200),
            AdminCall.registry("webhook create", "POST", "/api/v1/webhooks", WEBHOOK, 201)
                    .cleanup((n, target) -> systemAdmin("DELETE", "/api/v1/webhooks/hook" + n, null, 204)),
            AdminCall.registry(
                    "webhook delete",
                    "DELETE",
                    "/api/v1/webhooks/hook%d",
                    null,
                    204,
                    (n, target) -> systemAdmin("POST", "/api/v1/webhooks", WEBHOOK.apply(n), 201)),
            AdminCall.registry(
                            "webhook deliveries",
                            "GET",
                            "/api/v1/webhooks/hook%d/deliveries",
                            null,
                            200,
                            (n, target) -> systemAdmin("POST", "/api/v1/webhooks", WEBHOOK.apply(n), 201))
                    .cleanup((n, target) -> systemAdmin("DELETE", "/api/v1/webhooks/hook" + n, null, 204)),
            AdminCall.registry(
                            "webhook test",
                            "POST",
                            "/api/v1/webhooks/hook%d/test",
                            null,
                            202,
                            (n, target) -> systemAdmin("POST", "/api/v1/webhooks", WEBHOOK.apply(n), 201))
                    .cleanup((n, target) -> systemAdmin("DELETE", "/api/v1/webhooks/hook" + n, null, 204)),
            AdminCall.project("project webhook list", "GET", "/api/v1/projects/{project}/webhooks", null, 200),
            AdminCall.project("project webhook create", "POST", "/api/v1/projects/{project}/webhooks", WEBHOOK, 201)
                    .cleanup((n, project) ->
                            systemAdmin("DELETE", "/api/v1/projects/" + project + "/webhooks/hook" + n, null, 204)),
            AdminCall.project(
                    "project webhook delete",
                    "DELETE",
                    "/api/v1/projects/{project}/webhooks/hook%d",
                    null,
                    204,
                    (n, project) ->
                            systemAdmin("POST", "/api/v1/projects/" + project + "/webhooks", WEBHOOK.apply(n), 201)),
            AdminCall.project(
                            "project webhook deliveries",
                            "GET",
                            "/api/v1/projects/{project}/webhooks/hook%d/deliveries",
                            null,
                            200,
                            (n, project) -> systemAdmin(
                                    "POST", "/api/v1/projects/" + project + "/webhooks", WEBHOOK.apply(n), 201))
                    .cleanup((n, project) ->
                            systemAdmin("DELETE", "/api/v1/projects/" + project + "/webhooks/hook" + n, null, 204)),
            AdminCall.project(
                            "project webhook test",
                            "POST",
                            "/api/v1/projects/{project}/webhooks/hook%d/test",
                            null,
                            202,
                            (n, project) -> systemAdmin(
                                    "POST", "/api/v1/projects/" + project + "/webhooks", WEBHOOK.apply(n), 201))
                    .cleanup((n, project) ->
                            systemAdmin("DELETE", "/api/v1/projects/" + project + "/webhooks/hook" + n, null, 204)),
            // The audit log is the security team's: only the system admin, even for a project's pull recording.
            AdminCall.registry("audit records", "GET", "/api/v1/audit/records?limit=1", null, 200),
            AdminCall.registry("audit verify", "POST", "/api/v1/audit/verify", null, 200),
            // Allowed, but this server has no export configured: a conflict, not a refusal.
            AdminCall.registry("audit export", "POST", "/api/v1/audit/export", null, 409),
            AdminCall.registry("audit pull recording get", "GET", "/api/v1/audit/pulls/teama", null, 200),
            AdminCall.registry("audit pull recording set", "PUT", "/api/v1/audit/pulls/teama", n -> """
                    {"recordPulls":true}""", 200),
            // The advisory database is the registry's: only the system admin imports or reads its status. The
            // body is an empty zip (its end-of-central-directory record alone), which imports nothing.
            AdminCall.registry(
                    "advisories import", "POST", "/api/v1/advisories", n -> "PK\u0005\u0006" + "\0".repeat(18), 200),
            AdminCall.registry("advisories status", "GET", "/api/v1/advisories/status", null, 200),
            // Pull policies: a project's admin sets its own; the put blocks nothing, so no pull case is disturbed.
            AdminCall.project("scan policy get", "GET", "/api/v1/projects/{project}/scan-policy", null, 200),
            AdminCall.project("scan policy put", "PUT", "/api/v1/projects/{project}/scan-policy", n -> """
                    {"blockSeverity":"none","blockUnscanned":false}""", 200),
            // The CVE allowlists: the system list is the system admin's, a project's list its admin's.
            AdminCall.registry("cve allowlist list", "GET", "/api/v1/cve-allowlist", null, 200),
            AdminCall.registry("cve allow", "POST", "/api/v1/cve-allowlist", CVE, 201)
                    .cleanup((n, target) -> systemAdmin("DELETE", "/api/v1/cve-allowlist/CVE-" + n, null, 204)),
            AdminCall.registry(
                    "cve revoke",
                    "DELETE",
                    "/api/v1/cve-allowlist/CVE-%d",
                    null,
                    204,
                    (n, target) -> systemAdmin("POST", "/api/v1/cve-allowlist", CVE.apply(n), 201)),
            AdminCall.project(
                    "project cve allowlist list", "GET", "/api/v1/projects/{project}/cve-allowlist", null, 200),
            AdminCall.project("project cve allow", "POST", "/api/v1/projects/{project}/cve-allowlist", CVE, 201)
                    .cleanup((n, project) -> systemAdmin(
                            "DELETE", "/api/v1/projects/" + project + "/cve-allowlist/CVE-" + n, null, 204)),
            AdminCall.project(
                    "project cve revoke",
                    "DELETE",
                    "/api/v1/projects/{project}/cve-allowlist/CVE-%d",
                    null,
                    204,
                    (n, project) ->
                            systemAdmin("POST", "/api/v1/projects/" + project + "/cve-allowlist", CVE.apply(n), 201)));

    /**
     * The {@code /api/v1} routes that are not admin calls, so not in {@link #ADMIN_CALLS}; each with why. Only
     * a route that needs no {@code manage} permission may be here.
     */
    static final Map<String, String> NOT_ADMIN_ROUTES = Map.of(
            "GET /api/v1/openapi.json", "the OpenAPI document is public (OpenApiDocumentTest)",
            "GET /api/v1/auth/oidc/login", "SSO login needs no credential (SingleSignOnApiTest)",
            "GET /api/v1/auth/oidc/callback", "SSO login needs no credential (SingleSignOnApiTest)",
            "POST /api/v1/auth/exchange", "token exchange is a robot login (FederatedRobotLoginTest)",
            "POST /api/v1/users/me/cli-secret", "an SSO user's own CLI secret (SingleSignOnApiTest)",
            "DELETE /api/v1/users/me/cli-secret", "an SSO user's own CLI secret (SingleSignOnApiTest)",
            "POST /api/v1/repositories/{name+}/scans", "push (or manage) on the repository (ScansApiTest's matrix)",
            "GET /api/v1/repositories/{name+}/scans/{reference}", "pull on the repository (ScansApiTest's matrix)");

    // ============================================================================== callers

    enum Who {
        NONE("no binding", "nobody"),
        REPO_READER("reader on teama/app", "repo-reader"),
        REPO_WRITER("writer on teama/app", "repo-writer"),
        REPO_DELETER("deleter on teama/app", "repo-deleter"),
        REPO_ADMIN("admin on teama/app", "repo-admin"),
        PROJECT_READER("reader on teama", "project-reader"),
        PROJECT_WRITER("writer on teama", "project-writer"),
        PROJECT_DELETER("deleter on teama", "project-deleter"),
        PROJECT_ADMIN("admin on teama", "project-admin"),
        TEAMB_ADMIN("admin on teamb", "teamb-admin"),
        ROBOT_PUSH("push-only robot", "robot$teama+ci"),
        ROBOT_PULL("pull-only robot", "robot$teama+puller"),
        ANONYMOUS("anonymous", null),
        SYSTEM_ADMIN("system admin", "admin"),
        EXPIRED_ROBOT("expired robot", "robot$teama+old"),
        REVOKED_ROBOT("revoked robot", "robot$teama+gone");

        final String label;
        final String login;

        Who(String label, String login) {
            this.label = label;
            this.login = login;
        }
    }

    enum Op {
        PULL_MANIFEST("pull manifest", 'r'),
        HEAD_MANIFEST("HEAD manifest", 'r'),
        PULL_BLOB("pull blob", 'r'),
        /** Push clients ask whether a layer exists: pull or push suffices. */
        HEAD_BLOB("HEAD blob", 'r'),
        PUSH("push", 'w'),
        DELETE_MANIFEST("delete manifest", 'd'),
        DELETE_TAG("delete tag", 'd'),
        LIST_TAGS("list tags", 'r'),
        REFERRERS("referrers", 'r'),
        /** Mount from a repository in another project: a push on the target; 201 only if the source may be pulled. */
        MOUNT("mount from another project", 'w');

        final String label;
        final char right;

        Op(String label, char right) {
            this.label = label;
            this.right = right;
        }
    }

    /** How a client authenticates to /v2: the Docker token flow, or Basic on every request. */
    enum Mode {
        TOKEN,
        BASIC
    }

    static final String INSIDE = "10.1.2.3";
    static final String OUTSIDE = "198.51.100.7";

    // ============================================================================== the cases

    @TestFactory
    Stream<DynamicTest> catalog() {
        List<DynamicTest> cases = new ArrayList<>();
        for (Who who : Who.values()) {
            for (Mode mode : Mode.values()) {
                Set<String> expected = Arrays.stream(Where.values())
                        .filter(w -> may(who, w, 'r'))
                        .map(w -> w.repo)
                        .collect(Collectors.toCollection(TreeSet::new));
                boolean allowed = !DEAD.contains(who) && who != Who.ANONYMOUS;
                String name = "%s × catalog (%s) → %s"
                        .formatted(who.label, mode, allowed ? "200 " + expected : refusal(who, mode));
                cases.add(DynamicTest.dynamicTest(name, () -> catalogCase(who, mode, INSIDE, expected)));
            }
        }
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicTest> registry() {
        List<DynamicTest> cases = new ArrayList<>();
        for (Where where : Where.values()) {
            for (Op op : Op.values()) {
                for (Who who : Who.values()) {
                    for (Mode mode : Mode.values()) {
                        if (DEAD.contains(who) && !sampledForDeadCredentials(where, op, mode)) {
                            continue;
                        }
                        boolean allowed = allowed(who, where, op);
                        String name = "%s × %s × %s (%s) → %s"
                                .formatted(
                                        who.label,
                                        op.label,
                                        where.label,
                                        mode,
                                        allowed ? success(who, where, op) : refusal(who, mode));
                        cases.add(DynamicTest.dynamicTest(
                                name, () -> registryCase(who, mode, INSIDE, where, op, allowed, Optional.empty())));
                    }
                }
            }
        }
        // Runs after the cases above (dynamic tests run in stream order).
        cases.add(DynamicTest.dynamicTest(
                "every case above is in the audit log with its metadata", AuthorizationMatrixTest::assertAudited));
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicTest> adminApi() {
        List<DynamicTest> cases = new ArrayList<>();
        for (AdminCall call : ADMIN_CALLS) {
            for (String target : call.targets()) {
                for (Who who : Who.values()) {
                    if (DEAD.contains(who)
                            && call != ADMIN_CALLS.getFirst()
                            && !target.equals("teamb")
                            && !target.equals(SELF)) {
                        continue; // sampled: a registry route, every route on one project, and /users/me
                    }
                    boolean allowed = mayCall(who, target);
                    String name = "%s × %s × %s → %s"
                            .formatted(
                                    who.label,
                                    call.name(),
                                    target,
                                    allowed ? String.valueOf(call.success()) : refusal(who, Mode.BASIC));
                    cases.add(DynamicTest.dynamicTest(name, () -> adminCase(who, call, target, allowed)));
                }
            }
        }
        return cases.stream();
    }

    /**
     * teamb only accepts 10.0.0.0/8: from outside every registry action is refused, even to its admin and the
     * system admin (from inside, the registry cases above are the other half). The project's admin API is behind
     * the allowlist too, for its own admin (stolen credentials must not lift the list from outside), but not for
     * the system admin, who must be able to fix a wrong list from anywhere.
     */
    @TestFactory
    Stream<DynamicTest> networkAllowlist() {
        List<DynamicTest> cases = new ArrayList<>();
        String because = "source address " + OUTSIDE + " is not allowed to reach project teamb";
        for (Who who : List.of(Who.TEAMB_ADMIN, Who.SYSTEM_ADMIN)) {
            for (Op op : Op.values()) {
                for (Mode mode : Mode.values()) {
                    String name = "%s × %s × teamb from %s (%s) → %s"
                            .formatted(who.label, op.label, OUTSIDE, mode, refusal(who, mode));
                    cases.add(DynamicTest.dynamicTest(
                            name,
                            () -> registryCase(
                                    who, mode, OUTSIDE, Where.OTHER_PROJECT, op, false, Optional.of(because))));
                }
            }
            Set<String> visible = new TreeSet<>(Set.of(Where.PUBLIC.repo));
            if (who == Who.SYSTEM_ADMIN) {
                Arrays.stream(Where.values())
                        .filter(w -> w != Where.OTHER_PROJECT)
                        .forEach(w -> visible.add(w.repo));
            }
            cases.add(DynamicTest.dynamicTest(
                    who.label + " × catalog from " + OUTSIDE + " → 200 without teamb/app " + visible,
                    () -> catalogCase(who, Mode.BASIC, OUTSIDE, visible)));
            boolean fixesFromAnywhere = who == Who.SYSTEM_ADMIN;
            cases.add(DynamicTest.dynamicTest(
                    who.label + " × project update × teamb from " + OUTSIDE + " → "
                            + (fixesFromAnywhere ? "200" : "403 DENIED"),
                    () -> {
                        var r = as(who).send(
                                        "PATCH",
                                        "/api/v1/projects/teamb",
                                        bytes("{\"allowedCidrs\":[]}"),
                                        from(OUTSIDE));
                        if (fixesFromAnywhere) {
                            assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
                            // put the list back for the other cases
                            ok(
                                    asSystemAdmin()
                                            .send(
                                                    "PATCH",
                                                    "/api/v1/projects/teamb",
                                                    bytes("{\"allowedCidrs\":[\"10.0.0.0/8\"]}"),
                                                    inside()),
                                    200);
                        } else {
                            assertThat(r.statusCode()).as(text(r)).isEqualTo(403);
                            assertThat(text(r)).contains(because);
                        }
                    }));
        }
        return cases.stream();
    }

    /** The last two columns are the same-project column minus what the deny rules refuse. */
    @Test
    void theTableAppliesTheDenyRulesToTheSameProjectColumn() {
        for (Who who : Who.values()) {
            String same = RIGHTS.get(who).get(Where.SAME_PROJECT);
            String production = same.replace("d", "");
            String release = who == Who.ROBOT_PUSH ? same : same.replace("w", "");
            assertThat(RIGHTS.get(who).get(Where.PRODUCTION)).as(who.name()).isEqualTo(dash(production));
            assertThat(RIGHTS.get(who).get(Where.RELEASE)).as(who.name()).isEqualTo(dash(release));
        }
    }

    /**
     * Every {@code /api/v1} route the server serves has a line in {@link #ADMIN_CALLS} or an entry, with its
     * reason, in {@link #NOT_ADMIN_ROUTES}: a new admin route without a matrix line fails the build here.
     */
    @Test
    void everyApiRouteIsInTheMatrix() {
        List<Route> routes = server.server().routes();
        Map<String, Route> api = routes.stream()
                .filter(r -> r.template().startsWith("/api/v1/"))
                .collect(Collectors.toMap(r -> r.method() + " " + r.template(), r -> r, (a, b) -> a, TreeMap::new));
        Map<String, String> covered = new TreeMap<>();
        for (AdminCall call : ADMIN_CALLS) {
            Route route = call.route(routes)
                    .orElseThrow(() -> new AssertionError("no route serves the matrix line " + call.name()));
            String key = route.method() + " " + route.template();
            assertThat(covered.put(key, call.name()))
                    .as("one matrix line per route: " + key)
                    .isNull();
        }
        assertThat(api).as("the server serves /api/v1 routes").isNotEmpty();
        Set<String> missing = new TreeSet<>(api.keySet());
        missing.removeAll(covered.keySet());
        missing.removeAll(NOT_ADMIN_ROUTES.keySet());
        assertThat(missing)
                .as("/api/v1 routes with neither a line in ADMIN_CALLS nor an entry in NOT_ADMIN_ROUTES")
                .isEmpty();
        for (String exempt : NOT_ADMIN_ROUTES.keySet()) {
            assertThat(api)
                    .as("NOT_ADMIN_ROUTES names a route the server serves")
                    .containsKey(exempt);
            assertThat(covered)
                    .as("a route is in the matrix or exempt, not both")
                    .doesNotContainKey(exempt);
            assertThat(api.get(exempt).action())
                    .as(exempt + " needs manage: it belongs in ADMIN_CALLS")
                    .isNotEqualTo(Action.MANAGE);
        }
    }

    static String dash(String rights) {
        return rights.isEmpty() ? "-" : rights;
    }

    /**
     * Regression: through the token flow (a token for {@code registry:catalog:*} only, as clients ask) the
     * catalog was always empty, because each repository was checked against the token's scope instead of the
     * caller's rights.
     */
    @Test
    void catalogThroughATokenListsWhatTheCallerMayPull() {
        var token = as(Who.PROJECT_READER)
                .send("GET", "/token?service=" + encode(tokenService) + "&scope=registry:catalog:*", null, inside());
        ok(token, 200);
        var r = RegistryHttp.anonymous(server)
                .withAuthorization("Bearer " + json(token).path("token").asText())
                .send("GET", "/v2/_catalog", null, inside());
        ok(r, 200);
        assertThat(json(r).path("repositories").toString())
                .contains("teama/app", "pub/app")
                .doesNotContain("teamb/app");
    }

    // ============================================================================== fixture

    @TempDir
    static Path dataDir;

    static TestServer server;
    static String tokenService;
    static final Map<Who, String> secrets = new EnumMap<>(Who.class);
    static final Map<Where, Image> images = new EnumMap<>(Where.class);
    static final AtomicInteger counter = new AtomicInteger();
    static final Map<String, String> tokens = new HashMap<>();
    static final Map<String, RegistryHttp> clients = new HashMap<>();

    /** An image pushed in a repository, with a referrer (an artifact whose subject is the image). */
    record Image(Digest manifest, Digest config, int configSize, Digest layer, int layerSize, Digest referrer) {}

    @BeforeAll
    static void start() throws Exception {
        // Failed-login limits are off here: expired and revoked robots fail on purpose, hundreds of times.
        server = TestServer.start(
                dataDir,
                Map.of(
                        "server.trustedProxies", "127.0.0.1/32",
                        "auth.protection.accountFailures", "0",
                        "auth.protection.addressFailures", "0",
                        // webhooks created here point at a closed loopback port
                        "webhooks.allowLoopback", "true"));
        secrets.put(Who.SYSTEM_ADMIN, TestServer.ADMIN_PASSWORD);
        var admin = asSystemAdmin();
        for (String project : List.of("teama", "teamb")) {
            ok(admin.send("POST", "/api/v1/projects", bytes("{\"name\":\"" + project + "\"}"), inside()), 201);
        }
        ok(admin.send("POST", "/api/v1/projects", bytes("{\"name\":\"pub\",\"public\":true}"), inside()), 201);
        for (Who who : Who.values()) {
            if (who.login != null && !who.login.startsWith("robot$") && who != Who.SYSTEM_ADMIN) {
                secrets.put(who, who.login + "-password-long");
                ok(
                        admin.send(
                                "POST",
                                "/api/v1/users",
                                bytes("{\"name\":\"%s\",\"password\":\"%s\"}".formatted(who.login, secrets.get(who))),
                                inside()),
                        201);
            }
        }
        grant("reader", "teama", "teama/app", Who.REPO_READER);
        grant("writer", "teama", "teama/app", Who.REPO_WRITER);
        grant("deleter", "teama", "teama/app", Who.REPO_DELETER);
        grant("admin", "teama", "teama/app", Who.REPO_ADMIN);
        grant("reader", "teama", null, Who.PROJECT_READER);
        grant("writer", "teama", null, Who.PROJECT_WRITER);
        grant("deleter", "teama", null, Who.PROJECT_DELETER);
        grant("admin", "teama", null, Who.PROJECT_ADMIN);
        grant("admin", "teamb", null, Who.TEAMB_ADMIN);
        robot(Who.ROBOT_PUSH, "ci", "push");
        robot(Who.ROBOT_PULL, "puller", "pull");
        robot(Who.REVOKED_ROBOT, "gone", "pull", "push");
        ok(admin.send("DELETE", "/api/v1/projects/teama/robots/robot$teama+gone", null, inside()), 204);
        expiredRobot();

        for (Where where : Where.values()) {
            images.put(where, pushImage(admin, where.repo));
        }
        // Rules and the allowlist come last, so the fixture images above could be pushed. Labels and deny rules
        // go through the store here; their admin routes are cases of their own (ADMIN_CALLS).
        var access = server.server().metadata().access();
        access.setLabels(RepositoryName.parse(Where.PRODUCTION.repo), Map.of("env", "production"));
        access.putDenyRule(new DenyRule(
                "no-delete-in-production", EnumSet.of(Action.DELETE), "", Map.of("env", "production"), Set.of()));
        access.putDenyRule(new DenyRule(
                "only-ci-pushes-releases",
                EnumSet.of(Action.PUSH),
                "teama/release*",
                Map.of(),
                Set.of(new Subject.Robot(Who.ROBOT_PUSH.login))));
        ok(admin.send("PATCH", "/api/v1/projects/teamb", bytes("{\"allowedCidrs\":[\"10.0.0.0/8\"]}"), inside()), 200);

        // Like a client: learn the token service from the challenge of /v2/.
        var challenge = RegistryHttp.anonymous(server).get("/v2/").headers().firstValue("WWW-Authenticate");
        Matcher service = Pattern.compile("service=\"([^\"]+)\"").matcher(challenge.orElseThrow());
        assertThat(service.find()).isTrue();
        tokenService = service.group(1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void grant(String role, String project, String repository, Who who) {
        String repo = repository == null ? "" : ",\"repository\":\"" + repository + "\"";
        ok(
                asSystemAdmin()
                        .send(
                                "POST",
                                "/api/v1/projects/" + project + "/bindings",
                                bytes("{\"role\":\"%s\",\"user\":\"%s\"%s}".formatted(role, who.login, repo)),
                                inside()),
                201);
    }

    static void robot(Who who, String name, String... actions) {
        var r = asSystemAdmin()
                .send(
                        "POST",
                        "/api/v1/projects/teama/robots",
                        bytes("{\"name\":\"%s\",\"actions\":[\"%s\"]}".formatted(name, String.join("\",\"", actions))),
                        inside());
        ok(r, 201);
        assertThat(json(r).path("name").asText()).isEqualTo(who.login);
        secrets.put(who, json(r).path("secret").asText());
    }

    /** The server runs on the system clock, so an expired robot is stored with an expiry in the past. */
    static void expiredRobot() {
        String secret = "expired-robot-secret";
        var account = new RobotAccount(
                Who.EXPIRED_ROBOT.login,
                List.of(new BindingScope.Project("teama")),
                EnumSet.of(Action.PULL, Action.PUSH),
                Optional.of(Instant.now().minus(Duration.ofMinutes(1))),
                false);
        server.server()
                .metadata()
                .access()
                .createRobot(new RobotRecord(
                        account,
                        new PasswordHasher().hash(secret.toCharArray()),
                        "admin",
                        Instant.now().minus(Duration.ofDays(1)),
                        Optional.empty()));
        secrets.put(Who.EXPIRED_ROBOT, secret);
    }

    static Image pushImage(RegistryHttp http, String repo) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"repo\":\"" + repo + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer of " + repo).getBytes(StandardCharsets.UTF_8);
        Digest c = monolithic(http, repo, config);
        Digest l = monolithic(http, repo, layer);
        Digest manifest = putManifest(http, repo, "v1", manifest(c, config.length, l, layer.length, ""));
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        Digest e = monolithic(http, repo, empty);
        String subject = ",\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                + manifest + "\",\"size\":1}";
        String signature = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/vnd.example.signature\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + e
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
                + e + "\",\"size\":2}]" + subject + "}";
        Digest referrer = Digest.sha256(bytes(signature));
        putManifest(http, repo, referrer.toString(), signature);
        return new Image(manifest, c, config.length, l, layer.length, referrer);
    }

    static String manifest(Digest config, int configSize, Digest layer, int layerSize, String annotation) {
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":" + configSize + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layer
                + "\",\"size\":" + layerSize + "}]"
                + (annotation.isEmpty() ? "" : ",\"annotations\":{\"case\":\"" + annotation + "\"}") + "}";
    }

    static Digest monolithic(RegistryHttp http, String repo, byte[] content) {
        Digest digest = Digest.sha256(content);
        ok(http.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, content, inside()), 201);
        return digest;
    }

    static Digest putManifest(RegistryHttp http, String repo, String reference, String manifest) {
        ok(
                http.send(
                        "PUT",
                        "/v2/" + repo + "/manifests/" + reference,
                        bytes(manifest),
                        with(inside(), "Content-Type", "application/vnd.oci.image.manifest.v1+json")),
                201);
        return Digest.sha256(bytes(manifest));
    }

    /** A fresh manifest for one destructive case, tagged {@code tag}; pushed by someone the rules let push. */
    static Digest seed(Where where, String tag) {
        Image image = images.get(where);
        RegistryHttp pusher = where == Where.RELEASE ? as(Who.ROBOT_PUSH) : asSystemAdmin();
        return putManifest(
                pusher,
                where.repo,
                tag,
                manifest(image.config(), image.configSize(), image.layer(), image.layerSize(), tag));
    }

    // ============================================================================== expectations

    /** Whether {@code who} may call an admin route on {@code target}: the tables {@link #MANAGES}, {@link #SIGNED_IN}. */
    static boolean mayCall(Who who, String target) {
        return target.equals(SELF)
                ? SIGNED_IN.contains(who)
                : MANAGES.getOrDefault(who, Set.of()).contains(target);
    }

    static boolean may(Who who, Where where, char right) {
        return RIGHTS.get(who).get(where).indexOf(right) >= 0;
    }

    static boolean allowed(Who who, Where where, Op op) {
        return may(who, where, op.right) || (op == Op.HEAD_BLOB && may(who, where, 'w'));
    }

    /** Mounts into teama take from teamb/app, mounts elsewhere from teama/app. */
    static Where mountSource(Where target) {
        return target.repo.startsWith("teama/") ? Where.OTHER_PROJECT : Where.OWN;
    }

    static String success(Who who, Where where, Op op) {
        return switch (op) {
            case PUSH -> "201";
            case DELETE_MANIFEST, DELETE_TAG -> "202";
            case MOUNT -> may(who, mountSource(where), 'r') ? "201 mounted" : "202 upload (source not pullable)";
            default -> "200";
        };
    }

    /**
     * Anonymous callers and dead credentials must authenticate (401). An authenticated caller is refused with
     * 403 over Basic; with a token, a missing right is a token without that scope: 401 insufficient_scope.
     */
    static String refusal(Who who, Mode mode) {
        return who == Who.ANONYMOUS || DEAD.contains(who) || mode == Mode.TOKEN ? "401 UNAUTHORIZED" : "403 DENIED";
    }

    // ============================================================================== running one case

    void registryCase(Who who, Mode mode, String from, Where where, Op op, boolean allowed, Optional<String> because) {
        int n = counter.incrementAndGet();
        String repo = where.repo;
        Image image = images.get(where);
        Where source = mountSource(where);
        String tag = "case-" + n;
        Digest seeded = op == Op.DELETE_MANIFEST || op == Op.DELETE_TAG ? seed(where, tag) : null;
        // Whether the target already holds the source's blob (after the system admin's successful mount, say).
        int mountedBefore =
                op == Op.MOUNT ? systemAdminHeadBlob(repo, images.get(source).layer()) : 0;

        List<String> scopes = new ArrayList<>(List.of("repository:" + repo + ":pull,push,delete"));
        if (op == Op.MOUNT) {
            scopes.add("repository:" + source.repo + ":pull");
        }
        Optional<RegistryHttp> client = client(who, mode, from, scopes);
        if (client.isEmpty()) {
            return; // the token endpoint refused the dead credential, as expected (checked in client())
        }
        RegistryHttp http = client.get();
        Map<String, String> headers = from(from);
        HttpResponse<byte[]> r = switch (op) {
            case PULL_MANIFEST ->
                http.send(
                        "GET",
                        "/v2/" + repo + "/manifests/v1",
                        null,
                        with(headers, "Accept", "application/vnd.oci.image.manifest.v1+json"));
            case HEAD_MANIFEST -> http.send("HEAD", "/v2/" + repo + "/manifests/v1", null, headers);
            case PULL_BLOB -> http.send("GET", "/v2/" + repo + "/blobs/" + image.layer(), null, headers);
            case HEAD_BLOB -> http.send("HEAD", "/v2/" + repo + "/blobs/" + image.layer(), null, headers);
            case PUSH -> push(http, headers, repo, tag, n);
            case DELETE_MANIFEST -> http.send("DELETE", "/v2/" + repo + "/manifests/" + seeded, null, headers);
            case DELETE_TAG -> http.send("DELETE", "/v2/" + repo + "/manifests/" + tag, null, headers);
            case LIST_TAGS -> http.send("GET", "/v2/" + repo + "/tags/list", null, headers);
            case REFERRERS -> http.send("GET", "/v2/" + repo + "/referrers/" + image.manifest(), null, headers);
            case MOUNT ->
                http.send(
                        "POST",
                        "/v2/" + repo + "/blobs/uploads/?mount="
                                + images.get(source).layer() + "&from=" + source.repo,
                        null,
                        headers);
        };

        expectAudited(r, who, mode, from, where, op, allowed, op == Op.DELETE_MANIFEST ? seeded.toString() : tag);

        if (!allowed) {
            assertRefused(r, who, mode, head(op), repo);
            if (mode == Mode.BASIC && r.statusCode() == 403 && !head(op)) {
                String reason = reason(r);
                because.ifPresent(text -> assertThat(reason).contains(text));
                String rule = DENY_RULES.getOrDefault(where, Map.of()).get(op.right);
                if (rule != null && may(who, Where.SAME_PROJECT, op.right) && because.isEmpty()) {
                    assertThat(reason).as("the deny rule is named").contains(rule);
                }
            }
            // Nothing happened.
            switch (op) {
                case PUSH -> assertThat(systemAdminGet(repo, tag).statusCode()).isEqualTo(404);
                case MOUNT ->
                    assertThat(systemAdminHeadBlob(repo, images.get(source).layer()))
                            .isEqualTo(mountedBefore);
                case DELETE_MANIFEST ->
                    assertThat(systemAdminGet(repo, seeded.toString()).statusCode())
                            .isEqualTo(200);
                case DELETE_TAG ->
                    assertThat(systemAdminGet(repo, tag).statusCode()).isEqualTo(200);
                default -> {}
            }
            return;
        }

        switch (op) {
            case PULL_MANIFEST, HEAD_MANIFEST -> {
                ok(r, 200);
                assertThat(r.headers().firstValue("Docker-Content-Digest"))
                        .contains(image.manifest().toString());
            }
            case PULL_BLOB -> {
                ok(r, 200);
                assertThat(Digest.sha256(r.body())).isEqualTo(image.layer());
            }
            case HEAD_BLOB -> {
                ok(r, 200);
                assertThat(r.headers().firstValue("Docker-Content-Digest"))
                        .contains(image.layer().toString());
            }
            case PUSH -> {
                ok(r, 201);
                var pulled = systemAdminGet(repo, tag);
                assertThat(pulled.statusCode())
                        .as("the pushed manifest is there")
                        .isEqualTo(200);
                assertThat(pulled.headers().firstValue("Docker-Content-Digest"))
                        .isEqualTo(r.headers().firstValue("Docker-Content-Digest"));
            }
            case DELETE_MANIFEST -> {
                ok(r, 202);
                var gone = systemAdminGet(repo, seeded.toString());
                assertThat(gone.statusCode()).isEqualTo(404);
                assertThat(RegistryHttp.errorCode(gone)).isEqualTo("MANIFEST_UNKNOWN");
            }
            case DELETE_TAG -> {
                ok(r, 202);
                assertThat(systemAdminGet(repo, tag).statusCode()).isEqualTo(404);
                assertThat(systemAdminGet(repo, seeded.toString()).statusCode())
                        .as("only the tag went")
                        .isEqualTo(200);
            }
            case LIST_TAGS -> {
                ok(r, 200);
                assertThat(json(r).path("name").asText()).isEqualTo(repo);
                assertThat(json(r).path("tags").toString()).contains("\"v1\"");
            }
            case REFERRERS -> {
                ok(r, 200);
                assertThat(json(r).path("manifests").toString())
                        .contains(image.referrer().toString());
            }
            case MOUNT -> {
                Digest blob = images.get(source).layer();
                if (may(who, source, 'r')) {
                    ok(r, 201);
                    assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(blob.toString());
                    assertThat(systemAdminHeadBlob(repo, blob)).isEqualTo(200);
                } else {
                    ok(r, 202);
                    assertThat(r.headers().firstValue("Location").orElseThrow())
                            .as("an ordinary upload session instead")
                            .startsWith("/v2/" + repo + "/blobs/uploads/");
                    assertThat(r.headers().firstValue("Docker-Content-Digest"))
                            .as("nothing says the blob exists")
                            .isEmpty();
                    assertThat(systemAdminHeadBlob(repo, blob))
                            .as("nothing was linked into the target")
                            .isEqualTo(mountedBefore);
                }
            }
        }
    }

    /** A push as clients do it: chunked layer upload (POST, PATCH, PUT), a monolithic config, the manifest. */
    static HttpResponse<byte[]> push(RegistryHttp http, Map<String, String> headers, String repo, String tag, int n) {
        byte[] layer = ("pushed layer " + n).getBytes(StandardCharsets.UTF_8);
        byte[] config = ("{\"os\":\"linux\",\"case\":" + n + "}").getBytes(StandardCharsets.UTF_8);
        var start = http.send("POST", "/v2/" + repo + "/blobs/uploads/", null, headers);
        if (start.statusCode() != 202) {
            return start;
        }
        String location = start.headers().firstValue("Location").orElseThrow();
        var chunk = http.send("PATCH", location, layer, with(headers, "Content-Type", "application/octet-stream"));
        ok(chunk, 202);
        ok(http.send("PUT", location + "?digest=" + Digest.sha256(layer), null, headers), 201);
        Digest c = Digest.sha256(config);
        ok(http.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + c, config, headers), 201);
        return http.send(
                "PUT",
                "/v2/" + repo + "/manifests/" + tag,
                bytes(manifest(c, config.length, Digest.sha256(layer), layer.length, "")),
                with(headers, "Content-Type", "application/vnd.oci.image.manifest.v1+json"));
    }

    void catalogCase(Who who, Mode mode, String from, Set<String> expected) {
        Optional<RegistryHttp> client = client(who, mode, from, List.of("registry:catalog:*"));
        if (client.isEmpty()) {
            return;
        }
        var r = client.get().send("GET", "/v2/_catalog", null, from(from));
        if (DEAD.contains(who) || who == Who.ANONYMOUS) {
            assertRefused(r, who, mode, false, null);
            return;
        }
        ok(r, 200);
        Set<String> listed = new TreeSet<>();
        json(r).path("repositories").forEach(n -> listed.add(n.asText()));
        assertThat(listed).isEqualTo(expected);
    }

    void adminCase(Who who, AdminCall call, String target, boolean allowed) {
        int n = counter.incrementAndGet();
        if (allowed && call.prepare() != null) {
            call.prepare().accept(n, target);
        }
        String path = call.path().replace("{project}", target).formatted(n, target);
        byte[] body = call.body() == null ? null : bytes(call.body().apply(n).replace("{project}", target));
        var r = as(who).send(call.method(), path, body, inside());
        if (!allowed) {
            assertRefused(r, who, Mode.BASIC, false, null);
            return;
        }
        ok(r, call.success());
        if (target.equals(SELF)) {
            assertThat(json(r).path("name").asText()).isEqualTo(who.login);
            assertThat(json(r).path("kind").asText()).isEqualTo(who.login.startsWith("robot$") ? "robot" : "user");
        }
        if (call.cleanup() != null) {
            call.cleanup().accept(n, target);
        }
    }

    /**
     * The client a real one would be: Basic on every request, or GET /token with Basic (none when anonymous)
     * and then Bearer. Empty if the token endpoint refused a dead credential, which is checked here.
     */
    Optional<RegistryHttp> client(Who who, Mode mode, String from, List<String> scopes) {
        if (mode == Mode.BASIC) {
            return Optional.of(as(who));
        }
        String query = "service=" + encode(tokenService)
                + scopes.stream().map(s -> "&scope=" + encode(s)).collect(Collectors.joining());
        if (DEAD.contains(who)) {
            assertRefused(as(who).send("GET", "/token?" + query, null, from(from)), who, mode, false, null);
            return Optional.empty();
        }
        // Clients keep a token for its scope; so does this one (tokens outlive the whole class).
        String token = tokens.computeIfAbsent(who + " " + from + " " + query, key -> {
            var r = as(who).send("GET", "/token?" + query, null, from(from));
            ok(r, 200);
            assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
            return json(r).path("token").asText();
        });
        return Optional.of(client("Bearer " + token));
    }

    static void assertRefused(HttpResponse<byte[]> r, Who who, Mode mode, boolean head, String repo) {
        String expected = refusal(who, mode);
        int status = Integer.parseInt(expected.substring(0, 3));
        assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
        if (status == 401) {
            String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
            assertThat(challenge).startsWith("Bearer realm=\"").contains("service=\"" + tokenService + "\"");
            if (who == Who.ANONYMOUS && mode == Mode.BASIC && repo != null) {
                assertThat(challenge).contains("scope=\"repository:" + repo + ":");
            }
            if (mode == Mode.TOKEN && !DEAD.contains(who)) {
                assertThat(challenge).contains("error=\"insufficient_scope\"");
            }
        }
        if (!head) {
            assertThat(RegistryHttp.errorCode(r)).isEqualTo(expected.substring(4));
            assertThat(text(r)).doesNotContain("Exception");
        }
    }

    static boolean head(Op op) {
        return op == Op.HEAD_MANIFEST || op == Op.HEAD_BLOB;
    }

    static String reason(HttpResponse<byte[]> r) {
        return json(r).path("errors").path(0).path("message").asText();
    }

    // ============================================================================== the audit trail (issue 4)

    /** What one registry case must have left in the audit log (null: not checked). */
    record Audited(
            String name,
            String requestId,
            String kind,
            String principal,
            String authMethod,
            String source,
            String action,
            String repository,
            String reference,
            String result) {}

    static final List<Audited> audited = java.util.Collections.synchronizedList(new ArrayList<>());

    static void expectAudited(
            HttpResponse<byte[]> r, Who who, Mode mode, String from, Where where, Op op, boolean allowed, String ref) {
        String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
        String name = who.label + " × " + op.label + " × " + where.label + " (" + mode + ")";
        if (DEAD.contains(who)) { // refused before any decision: a refused credential
            audited.add(new Audited(
                    name, requestId, "authentication", who.login, null, from, "login", null, null, "denied"));
            return;
        }
        char right = allowed && op == Op.HEAD_BLOB && !may(who, where, 'r') ? 'w' : op.right;
        String reference = switch (op) {
            case PULL_MANIFEST, HEAD_MANIFEST -> "v1";
            case PULL_BLOB, HEAD_BLOB -> images.get(where).layer().toString();
            case REFERRERS -> images.get(where).manifest().toString();
            case DELETE_MANIFEST, DELETE_TAG -> ref;
            case PUSH -> allowed ? ref : null; // refused at the upload's start, which names no tag
            case LIST_TAGS, MOUNT -> null;
        };
        audited.add(new Audited(
                name,
                requestId,
                "access",
                who == Who.ANONYMOUS ? "anonymous" : who.login,
                who == Who.ANONYMOUS ? null : mode == Mode.TOKEN ? "bearer" : "basic",
                from,
                right == 'r' ? "pull" : right == 'w' ? "push" : "delete",
                where.repo,
                reference,
                allowed ? "allowed" : "denied"));
    }

    /** One pass over the audit log (as {@code gatehouse audit query} pages it) finds every case's record. */
    static void assertAudited() {
        Map<String, List<com.fasterxml.jackson.databind.JsonNode>> byRequest = new HashMap<>();
        String cursor = "0";
        while (cursor != null) {
            var page = asSystemAdmin().send("GET", "/api/v1/audit/records?limit=1000&cursor=" + cursor, null, inside());
            ok(page, 200);
            json(page)
                    .path("records")
                    .forEach(record -> byRequest
                            .computeIfAbsent(record.path("requestId").asText(), k -> new ArrayList<>())
                            .add(record));
            cursor = json(page).path("next").isTextual()
                    ? json(page).path("next").asText()
                    : null;
        }
        List<String> missing = new ArrayList<>();
        synchronized (audited) {
            assertThat(audited).as("cases ran").hasSizeGreaterThan(100);
            for (Audited a : audited) {
                var records = byRequest.getOrDefault(a.requestId(), List.of());
                if (records.stream().noneMatch(record -> matches(a, record))) {
                    missing.add(a + " — found " + records);
                }
            }
        }
        assertThat(missing).as("cases without their audit record").isEmpty();
    }

    static boolean matches(Audited a, com.fasterxml.jackson.databind.JsonNode r) {
        return a.kind().equals(r.path("kind").asText())
                && a.principal().equals(r.path("principal").asText())
                && (a.authMethod() == null
                        || a.authMethod().equals(r.path("authMethod").asText()))
                && a.source().equals(r.path("sourceAddress").asText())
                && a.action().equals(r.path("action").asText())
                && java.util.Objects.equals(a.repository(), r.path("repository").textValue())
                && java.util.Objects.equals(a.reference(), r.path("reference").textValue())
                && a.result().equals(r.path("result").asText());
    }

    // ============================================================================== small helpers

    /**
     * One admin route: {@code targets} are "registry", project names or {@link #SELF}; {@code prepare(n,
     * target)} and {@code cleanup(n, target)} may be null.
     */
    record AdminCall(
            String name,
            List<String> targets,
            String method,
            String path,
            IntFunction<String> body,
            int success,
            BiConsumer<Integer, String> prepare,
            BiConsumer<Integer, String> cleanup) {
        static AdminCall registry(String name, String method, String path, IntFunction<String> body, int success) {
            return registry(name, method, path, body, success, null);
        }

        static AdminCall registry(
                String name,
                String method,
                String path,
                IntFunction<String> body,
                int success,
                BiConsumer<Integer, String> prepare) {
            return new AdminCall(name, List.of("registry"), method, path, body, success, prepare, null);
        }

        static AdminCall self(String name, String method, String path, int success) {
            return new AdminCall(name, List.of(SELF), method, path, null, success, null, null);
        }

        static AdminCall project(String name, String method, String path, IntFunction<String> body, int success) {
            return project(name, method, path, body, success, null);
        }

        static AdminCall project(
                String name,
                String method,
                String path,
                IntFunction<String> body,
                int success,
                BiConsumer<Integer, String> prepare) {
            return new AdminCall(name, List.of("teama", "teamb"), method, path, body, success, prepare, null);
        }

        /** Runs {@code cleanup(n, target)} after a successful call, to take away what it added. */
        AdminCall cleanup(BiConsumer<Integer, String> cleanup) {
            return new AdminCall(name, targets, method, path, body, success, prepare, cleanup);
        }

        /** The route the server would pick for this call's path, if any (the first match, as the dispatcher). */
        Optional<Route> route(List<Route> routes) {
            String concrete = path.replace("{project}", targets.getFirst()).formatted(0, targets.getFirst());
            String withoutQuery = concrete.contains("?") ? concrete.substring(0, concrete.indexOf('?')) : concrete;
            return routes.stream()
                    .filter(r ->
                            r.method().equals(method) && r.match(withoutQuery).isPresent())
                    .findFirst();
        }
    }

    /** A change the system admin makes for a case (prepare, cleanup), which must succeed. */
    static void systemAdmin(String method, String path, String body, int status) {
        ok(asSystemAdmin().send(method, path, body == null ? null : bytes(body), inside()), status);
    }

    static RegistryHttp as(Who who) {
        return client(who == Who.ANONYMOUS ? null : RegistryHttp.basic(who.login, secrets.get(who)));
    }

    static RegistryHttp asSystemAdmin() {
        return as(Who.SYSTEM_ADMIN);
    }

    /** One client (one connection pool) per credential, as a real client keeps its connections open. */
    static RegistryHttp client(String authorization) {
        return clients.computeIfAbsent(
                String.valueOf(authorization), key -> new RegistryHttp(server.baseUri(), authorization));
    }

    static HttpResponse<byte[]> systemAdminGet(String repo, String reference) {
        return asSystemAdmin()
                .send(
                        "GET",
                        "/v2/" + repo + "/manifests/" + reference,
                        null,
                        with(inside(), "Accept", "application/vnd.oci.image.manifest.v1+json"));
    }

    static int systemAdminHeadBlob(String repo, Digest blob) {
        return asSystemAdmin()
                .send("HEAD", "/v2/" + repo + "/blobs/" + blob, null, inside())
                .statusCode();
    }

    static Map<String, String> inside() {
        return from(INSIDE);
    }

    static Map<String, String> from(String address) {
        return Map.of("X-Forwarded-For", address);
    }

    static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new HashMap<>(headers);
        all.put(name, value);
        return all;
    }

    static void ok(HttpResponse<byte[]> r, int status) {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
    }

    static String text(HttpResponse<byte[]> r) {
        return r.request().method() + " " + r.uri() + " → " + r.statusCode() + " "
                + new String(r.body(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Parses the rights table: a header naming the columns, then one row per caller. */
    static Map<Who, Map<Where, String>> table(String text) {
        List<String[]> lines = text.lines().map(l -> l.trim().split("\\s+")).toList();
        String[] header = lines.getFirst();
        Map<Who, Map<Where, String>> table = new EnumMap<>(Who.class);
        for (String[] line : lines.subList(1, lines.size())) {
            assertThat(line).hasSameSizeAs(header);
            Map<Where, String> row = new EnumMap<>(Where.class);
            for (int i = 1; i < line.length; i++) {
                row.put(Where.valueOf(header[i]), line[i]);
            }
            assertThat(row.keySet()).containsExactlyInAnyOrder(Where.values());
            table.put(Who.valueOf(line[0]), row);
        }
        assertThat(table.keySet()).as("every caller has a row").containsExactlyInAnyOrder(Who.values());
        return table;
    }
}

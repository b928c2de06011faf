package io.gatehouse.access.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.access.AccessDecision;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.DenyRule;
import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.access.policy.RobotAccount;
import io.gatehouse.core.access.policy.Role;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.model.RepositoryName;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision logic as a matrix: principal × action × repository → allow or deny. Each row states its
 * expectation explicitly; nothing is derived from the implementation.
 */
class RoleBasedAuthorizerTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final RoleBasedAuthorizer AUTHORIZER = new RoleBasedAuthorizer(policy(), Clock.fixed(NOW, ZoneOffset.UTC));

    static InMemoryAccessPolicy policy() {
        var p = new InMemoryAccessPolicy();
        p.projects.put("teama", new ProjectSettings("teama", false, List.of()));
        p.projects.put("teamb", new ProjectSettings("teamb", false, List.of()));
        p.projects.put("public", new ProjectSettings("public", true, List.of()));
        p.projects.put("prod", new ProjectSettings("prod", false, List.of()));
        bind(p, new Subject.User("reader"), new BindingScope.Project("teama"), "reader");
        bind(p, new Subject.User("writer"), new BindingScope.Project("teama"), "writer");
        bind(p, new Subject.User("deleter"), new BindingScope.Project("teama"), "deleter");
        bind(p, new Subject.User("padmin"), new BindingScope.Project("teama"), "admin");
        bind(p, new Subject.User("repowriter"), new BindingScope.Repository(repo("teama/app")), "writer");
        bind(p, new Subject.Group("team-b"), new BindingScope.Project("teamb"), "writer");
        p.member("bob", "team-b");
        bind(p, new Subject.User("root"), BindingScope.SYSTEM, "admin");
        p.customRoles.put("promoter", new Role("promoter", EnumSet.of(Action.PULL, Action.PUSH)));
        bind(p, new Subject.User("promoter"), new BindingScope.Project("prod"), "promoter");
        bind(p, new Subject.User("ghost"), new BindingScope.Project("teama"), "deleted-custom-role");
        robot(p, "ci-push", List.of(new BindingScope.Project("teama")), EnumSet.of(Action.PUSH), null, false);
        robot(p, "cluster", List.of(new BindingScope.Project("teama")), EnumSet.of(Action.PULL), null, false);
        robot(
                p,
                "ci-release",
                List.of(new BindingScope.Project("prod")),
                EnumSet.of(Action.PULL, Action.PUSH),
                null,
                false);
        robot(
                p,
                "expired",
                List.of(new BindingScope.Project("teama")),
                EnumSet.of(Action.PULL),
                NOW.minusSeconds(1),
                false);
        robot(p, "revoked", List.of(new BindingScope.Project("teama")), EnumSet.of(Action.PULL), null, true);
        p.labels.put(repo("teama/prodapp"), Map.of("env", "production"));
        p.denyRules.add(new DenyRule(
                "no-delete-in-production", EnumSet.of(Action.DELETE), "", Map.of("env", "production"), Set.of()));
        p.denyRules.add(new DenyRule(
                "only-ci-release-pushes-prod",
                EnumSet.of(Action.PUSH),
                "prod/**",
                Map.of(),
                Set.of(new Subject.Robot("ci-release"))));
        return p;
    }

    // principal, action, repository, allowed
    static Stream<Arguments> matrix() {
        return Stream.of(
                row("anonymous", "pull", "teama/app", false),
                row("anonymous", "pull", "public/base", true),
                row("anonymous", "push", "public/base", false),
                row("nobody", "pull", "teama/app", false),
                row("nobody", "pull", "public/base", true),
                row("nobody", "push", "public/base", false),
                row("reader", "pull", "teama/app", true),
                row("reader", "pull", "teama/other", true),
                row("reader", "push", "teama/app", false),
                row("reader", "delete", "teama/app", false),
                row("reader", "pull", "teamb/app", false),
                row("writer", "pull", "teama/app", true),
                row("writer", "push", "teama/app", true),
                row("writer", "delete", "teama/app", false),
                row("writer", "push", "teamb/app", false),
                row("deleter", "delete", "teama/app", true),
                row("deleter", "push", "teama/app", false),
                row("deleter", "delete", "teama/prodapp", false),
                row("padmin", "delete", "teama/app", true),
                row("padmin", "manage", "teama/app", true),
                row("padmin", "delete", "teama/prodapp", false),
                row("padmin", "push", "teamb/app", false),
                row("repowriter", "push", "teama/app", true),
                row("repowriter", "push", "teama/other", false),
                row("repowriter", "pull", "teama/other", false),
                row("bob", "push", "teamb/app", true),
                row("bob", "push", "teama/app", false),
                row("root", "delete", "teamb/app", true),
                row("root", "manage", "teamb/app", true),
                row("root", "delete", "teama/prodapp", false),
                row("root", "push", "prod/api", false),
                row("promoter", "push", "prod/api", false),
                row("promoter", "pull", "prod/api", true),
                row("ghost", "pull", "teama/app", false),
                row("robot:ci-push", "push", "teama/app", true),
                row("robot:ci-push", "pull", "teama/app", false),
                row("robot:ci-push", "delete", "teama/app", false),
                row("robot:ci-push", "push", "teamb/app", false),
                row("robot:cluster", "pull", "teama/app", true),
                row("robot:cluster", "push", "teama/app", false),
                row("robot:cluster", "pull", "public/base", true),
                row("robot:ci-push", "push", "public/base", false),
                row("robot:expired", "pull", "public/base", false),
                row("robot:ci-release", "push", "prod/api", true),
                row("robot:expired", "pull", "teama/app", false),
                row("robot:revoked", "pull", "teama/app", false),
                row("robot:unknown", "pull", "teama/app", false));
    }

    @ParameterizedTest(name = "{0} {1} {2} → {3}")
    @MethodSource("matrix")
    void decides(String principal, String action, String repository, boolean allowed) {
        AccessDecision d =
                AUTHORIZER.decide(principal(principal), action(action), Resource.repository(repo(repository)));
        assertThat(d.allowed()).as(d.reason()).isEqualTo(allowed);
        assertThat(d.reason()).isNotBlank();
    }

    @Test
    void projectManagementNeedsAnAdminRoleOnTheProjectOrRegistry() {
        var teama = new Resource.Project("teama");
        assertThat(AUTHORIZER.decide(principal("padmin"), Action.MANAGE, teama).allowed())
                .isTrue();
        assertThat(AUTHORIZER.decide(principal("root"), Action.MANAGE, teama).allowed())
                .isTrue();
        assertThat(AUTHORIZER.decide(principal("writer"), Action.MANAGE, teama).allowed())
                .isFalse();
        assertThat(AUTHORIZER
                        .decide(principal("padmin"), Action.MANAGE, new Resource.Project("teamb"))
                        .allowed())
                .isFalse();
        assertThat(AUTHORIZER
                        .decide(principal("robot:ci-push"), Action.MANAGE, teama)
                        .allowed())
                .isFalse();
        assertThat(AUTHORIZER
                        .decide(principal("anonymous"), Action.MANAGE, teama)
                        .allowed())
                .isFalse();
        assertThat(AUTHORIZER
                        .decide(principal("repowriter"), Action.MANAGE, teama)
                        .allowed())
                .isFalse();
    }

    @Test
    void denyRulesNameThemselvesInTheReason() {
        var d = AUTHORIZER.decide(principal("root"), Action.DELETE, Resource.repository(repo("teama/prodapp")));
        assertThat(d.reason()).contains("no-delete-in-production");
    }

    @Test
    void registryLevelActions() {
        assertThat(AUTHORIZER
                        .decide(principal("anonymous"), Action.AUTHENTICATE, Resource.REGISTRY)
                        .allowed())
                .isFalse();
        assertThat(AUTHORIZER
                        .decide(principal("nobody"), Action.AUTHENTICATE, Resource.REGISTRY)
                        .allowed())
                .isTrue();
        assertThat(AUTHORIZER
                        .decide(principal("robot:cluster"), Action.CATALOG, Resource.REGISTRY)
                        .allowed())
                .isTrue();
        assertThat(AUTHORIZER
                        .decide(principal("root"), Action.MANAGE, Resource.REGISTRY)
                        .allowed())
                .isTrue();
        assertThat(AUTHORIZER
                        .decide(principal("padmin"), Action.MANAGE, Resource.REGISTRY)
                        .allowed())
                .isFalse();
    }

    private static Arguments row(String principal, String action, String repository, boolean allowed) {
        return Arguments.of(principal, action, repository, allowed);
    }

    private static Principal principal(String spec) {
        if (spec.equals("anonymous")) {
            return Principal.ANONYMOUS;
        }
        if (spec.startsWith("robot:")) {
            return new Principal.Robot(spec.substring(6), Principal.AuthMethod.BASIC);
        }
        return new Principal.User(spec, Principal.AuthMethod.BASIC);
    }

    private static Action action(String name) {
        return Action.fromScopeName(name).orElseThrow();
    }

    private static RepositoryName repo(String name) {
        return RepositoryName.parse(name);
    }

    private static void bind(InMemoryAccessPolicy p, Subject subject, BindingScope scope, String role) {
        p.bindings.add(new RoleBinding(subject, scope, role));
    }

    private static void robot(
            InMemoryAccessPolicy p,
            String name,
            List<BindingScope> scopes,
            Set<Action> actions,
            Instant expires,
            boolean revoked) {
        p.robots.put(name, new RobotAccount(name, scopes, actions, Optional.ofNullable(expires), revoked));
    }
}

package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.AccessStore;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.DenyRule;
import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.access.policy.RobotAccount;
import io.gatehouse.core.access.policy.RobotFederation;
import io.gatehouse.core.access.policy.RobotRecord;
import io.gatehouse.core.access.policy.Role;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.UserRecord;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AccessStore} must do, run against each engine ({@code H2AccessStoreTest},
 * {@code PostgresAccessStoreTest}). Each test gets a store with empty tables.
 */
public abstract class AccessStoreContract extends StoreContractBase {

    protected static final String HASH = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

    protected AccessStore access() {
        return store.access();
    }

    // ---------------------------------------------------------------------------------------------- fixtures

    protected static RobotRecord robot(String name, Optional<Instant> expiresAt) {
        var account = new RobotAccount(
                name,
                List.of(
                        new BindingScope.Project("team"),
                        new BindingScope.Repository(RepositoryName.parse("prod/api"))),
                EnumSet.of(Action.PUSH, Action.PULL),
                expiresAt,
                false);
        return new RobotRecord(account, HASH, "alice", T0, Optional.empty());
    }

    protected long rows(String table) {
        return ((JdbcMetadataStore) store)
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table)
                        .mapTo(Long.class)
                        .one());
    }

    // ---------------------------------------------------------------------------------------------- projects

    @Test
    void projectsRoundTripWithTheirNetworks() {
        var team = new ProjectSettings("team", false, List.of("10.0.0.0/8", "2001:db8::/32", "192.168.1.7/32"));
        var open = new ProjectSettings("open", true, List.of());
        assertThat(access().project("team")).isEmpty();
        assertThat(access().createProject(team)).isTrue();
        assertThat(access().createProject(open)).isTrue();

        assertThat(access().project("team")).contains(team);
        assertThat(access().project("team").orElseThrow().allowedCidrs())
                .containsExactly("10.0.0.0/8", "2001:db8::/32", "192.168.1.7/32");
        assertThat(access().project("open")).contains(open);
        assertThat(access().project("Team")).isEmpty();
        assertThat(access().projects()).containsExactly(open, team);
    }

    @Test
    void expectedNetworksRoundTripApartFromAllowedOnes() {
        var team = new ProjectSettings("team", false, List.of("10.0.0.0/8"), List.of("10.1.0.0/16", "fd00::/8"));
        assertThat(access().createProject(team)).isTrue();
        assertThat(access().project("team")).contains(team);
        var moved = new ProjectSettings("team", false, List.of(), List.of("192.168.0.0/16"));
        assertThat(access().updateProject(moved)).isTrue();
        assertThat(access().project("team").orElseThrow().expectedCidrs()).containsExactly("192.168.0.0/16");
        assertThat(access().project("team").orElseThrow().allowedCidrs()).isEmpty();
        assertThat(access().updateProject(new ProjectSettings("team", false, List.of())))
                .isTrue();
        assertThat(access().project("team").orElseThrow().expectedCidrs()).isEmpty();
    }

    @Test
    void creatingAProjectTwiceFailsAndKeepsTheFirst() {
        var team = new ProjectSettings("team", false, List.of("10.0.0.0/8"));
        access().createProject(team);
        assertThat(access().createProject(new ProjectSettings("team", true, List.of())))
                .isFalse();
        assertThat(access().project("team")).contains(team);
    }

    @Test
    void updateReplacesVisibilityAndNetworksOfAnExistingProject() {
        access().createProject(new ProjectSettings("team", false, List.of("10.0.0.0/8")));
        var updated = new ProjectSettings("team", true, List.of("172.16.0.0/12", "fd00::/8"));
        assertThat(access().updateProject(updated)).isTrue();
        assertThat(access().project("team")).contains(updated);
        var cleared = new ProjectSettings("team", false, List.of());
        assertThat(access().updateProject(cleared)).isTrue();
        assertThat(access().project("team")).contains(cleared);
        assertThat(access().updateProject(new ProjectSettings("nobody", true, List.of())))
                .isFalse();
        assertThat(access().projects()).containsExactly(cleared);
    }

    // ---------------------------------------------------------------------------------------------- groups

    @Test
    void groupMembershipIsAddedOnceAndRemoved() {
        assertThat(access().groupsOf("alice")).isEmpty();
        access().addGroupMember("ops", "alice");
        access().addGroupMember("ops", "alice");
        access().addGroupMember("dev", "alice");
        access().addGroupMember("ops", "bob");
        assertThat(rows("group_members")).isEqualTo(3);
        assertThat(access().groupsOf("alice")).containsExactlyInAnyOrder("ops", "dev");
        assertThat(access().groupsOf("bob")).containsExactly("ops");
        assertThat(access().groupsOf("Alice")).isEmpty();

        assertThat(access().removeGroupMember("ops", "alice")).isTrue();
        assertThat(access().removeGroupMember("ops", "alice")).isFalse();
        assertThat(access().removeGroupMember("nobody", "bob")).isFalse();
        assertThat(access().groupsOf("alice")).containsExactly("dev");
        assertThat(access().groupsOf("bob")).containsExactly("ops");
    }

    // ---------------------------------------------------------------------------------------------- bindings

    private final RoleBinding aliceReadsEverything =
            new RoleBinding(new Subject.User("alice"), BindingScope.SYSTEM, Role.READER.name());
    private final RoleBinding opsAdminsTeam =
            new RoleBinding(new Subject.Group("ops"), new BindingScope.Project("team"), Role.ADMIN.name());
    private final RoleBinding ciWritesRepo =
            new RoleBinding(new Subject.Robot("ci"), new BindingScope.Repository(REPO), Role.WRITER.name());

    @Test
    void grantIsIdempotentAndRevokeRemovesOnce() {
        assertThat(access().grant(aliceReadsEverything)).isTrue();
        assertThat(access().grant(aliceReadsEverything)).isFalse();
        assertThat(access().allBindings()).containsExactly(aliceReadsEverything);

        assertThat(access().revoke(aliceReadsEverything)).isTrue();
        assertThat(access().revoke(aliceReadsEverything)).isFalse();
        assertThat(access().allBindings()).isEmpty();
        assertThat(access().grant(aliceReadsEverything)).isTrue();
    }

    @Test
    void aBindingIsIdentifiedByEveryPart() {
        var same = aliceReadsEverything;
        var otherRole = new RoleBinding(same.subject(), same.scope(), Role.WRITER.name());
        var otherScope = new RoleBinding(same.subject(), new BindingScope.Project("team"), same.role());
        var otherKind = new RoleBinding(new Subject.Group("alice"), same.scope(), same.role());
        var otherName = new RoleBinding(new Subject.User("bob"), same.scope(), same.role());
        for (var b : List.of(same, otherRole, otherScope, otherKind, otherName)) {
            assertThat(access().grant(b)).as("%s", b).isTrue();
        }
        assertThat(access().revoke(otherKind)).isTrue();
        assertThat(access().allBindings()).containsExactlyInAnyOrder(same, otherRole, otherScope, otherName);
    }

    @Test
    void bindingsAreThoseOfAnyOfTheGivenSubjectsInEveryScopeKind() {
        var aliceWritesRepo =
                new RoleBinding(new Subject.User("alice"), new BindingScope.Repository(REPO), Role.WRITER.name());
        var bobReads = new RoleBinding(new Subject.User("bob"), BindingScope.SYSTEM, Role.READER.name());
        var groupNamedAlice = new RoleBinding(new Subject.Group("alice"), BindingScope.SYSTEM, Role.ADMIN.name());
        var robotNamedOps =
                new RoleBinding(new Subject.Robot("ops"), new BindingScope.Repository(OTHER), Role.DELETER.name());
        for (var b : List.of(
                aliceReadsEverything,
                opsAdminsTeam,
                ciWritesRepo,
                aliceWritesRepo,
                bobReads,
                groupNamedAlice,
                robotNamedOps)) {
            access().grant(b);
        }

        assertThat(access().bindings(Set.of(new Subject.User("alice"), new Subject.Group("ops"))))
                .containsExactlyInAnyOrder(aliceReadsEverything, aliceWritesRepo, opsAdminsTeam);
        assertThat(access().bindings(Set.of(new Subject.Robot("ci")))).containsExactly(ciWritesRepo);
        assertThat(access().bindings(
                                Set.of(new Subject.User("alice"), new Subject.Group("ops"), new Subject.Robot("ci"))))
                .containsExactlyInAnyOrder(aliceReadsEverything, aliceWritesRepo, opsAdminsTeam, ciWritesRepo);
        assertThat(access().bindings(Set.of(new Subject.User("carol"), new Subject.Group("dev"))))
                .isEmpty();
        assertThat(access().bindings(Set.of())).isEmpty();
        assertThat(access().allBindings()).hasSize(7);
        assertThat(access().allBindings()).isEqualTo(access().allBindings());
    }

    @Test
    void bindingsTakeManySubjectsAtOnce() {
        for (int i = 0; i < 50; i++) {
            access().grant(new RoleBinding(
                    new Subject.Group("g" + i), new BindingScope.Project("p" + i), Role.READER.name()));
        }
        var groups = new java.util.HashSet<Subject>();
        for (int i = 0; i < 300; i += 2) {
            groups.add(new Subject.Group("g" + i));
        }
        groups.add(new Subject.User("alice"));
        assertThat(access().bindings(groups)).hasSize(25);
    }

    @Test
    void bindingsMayNameACustomRole() {
        var custom = new RoleBinding(new Subject.User("alice"), new BindingScope.Project("team"), "auditor");
        access().grant(custom);
        assertThat(access().bindings(Set.of(new Subject.User("alice")))).containsExactly(custom);
    }

    // ---------------------------------------------------------------------------------------------- custom roles

    @Test
    void customRolesRoundTripAndAreReplacedByName() {
        var pusher = new Role("pusher", EnumSet.of(Action.PUSH));
        var auditor = new Role("auditor", EnumSet.of(Action.PULL, Action.MANAGE));
        assertThat(access().customRole("pusher")).isEmpty();
        access().defineRole(pusher);
        access().defineRole(auditor);
        assertThat(access().customRole("pusher")).contains(pusher);
        assertThat(access().customRoles()).containsExactly(auditor, pusher);

        var widened = new Role("pusher", EnumSet.of(Action.PUSH, Action.PULL, Action.DELETE));
        access().defineRole(widened);
        assertThat(access().customRole("pusher")).contains(widened);
        assertThat(access().customRoles()).containsExactly(auditor, widened);
        assertThat(rows("custom_roles")).isEqualTo(2);
    }

    @Test
    void aRoleWithNoActionsRoundTrips() {
        var nothing = new Role("nothing", Set.of());
        access().defineRole(nothing);
        assertThat(access().customRole("nothing")).contains(nothing);
    }

    @Test
    void builtInRolesCannotBeDefined() {
        for (String name : List.of("reader", "writer", "deleter", "admin")) {
            assertThatThrownBy(() -> access().defineRole(new Role(name, EnumSet.of(Action.PULL))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(name);
            assertThat(access().customRole(name)).isEmpty();
        }
        assertThat(access().customRoles()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- robots

    @Test
    void robotRecordRoundTripsEveryField() {
        var ci = robot("ci", Optional.of(T0.plusSeconds(86_400)));
        assertThat(access().createRobot(ci)).isTrue();

        var got = access().robotRecord("ci").orElseThrow();
        assertThat(got.account()).isEqualTo(ci.account());
        assertThat(got.account().scopes())
                .containsExactly(
                        new BindingScope.Project("team"),
                        new BindingScope.Repository(RepositoryName.parse("prod/api")));
        assertThat(got.account().actions()).containsExactlyInAnyOrder(Action.PUSH, Action.PULL);
        assertThat(got.account().expiresAt()).contains(T0.plusSeconds(86_400));
        assertThat(got.account().revoked()).isFalse();
        assertThat(got.secretHash()).isEqualTo(HASH);
        assertThat(got.createdBy()).isEqualTo("alice");
        assertThat(got.createdAt()).isEqualTo(T0);
        assertThat(got.lastUsed()).isEmpty();
        assertThat(access().robot("ci")).contains(ci.account());
    }

    @Test
    void aRobotWithoutExpiryAndWithSystemScopeRoundTrips() {
        var account = new RobotAccount(
                "scanner", List.of(BindingScope.SYSTEM), EnumSet.of(Action.PULL), Optional.empty(), false);
        access().createRobot(new RobotRecord(account, HASH, "admin", T0, Optional.empty()));
        assertThat(access().robot("scanner")).contains(account);
        assertThat(access().robot("scanner").orElseThrow().expiresAt()).isEmpty();
        assertThat(access().robot("nobody")).isEmpty();
        assertThat(access().robotRecord("nobody")).isEmpty();
    }

    @Test
    void robotsAreListedByName() {
        access().createRobot(robot("zeta", Optional.empty()));
        access().createRobot(robot("alpha", Optional.of(T0)));
        access().createRobot(robot("mid", Optional.empty()));
        assertThat(access().robots()).extracting(r -> r.account().name()).containsExactly("alpha", "mid", "zeta");
    }

    @Test
    void aRobotNameTakenByARobotIsRefused() {
        assertThat(access().createRobot(robot("ci", Optional.empty()))).isTrue();
        var again = new RobotRecord(
                new RobotAccount(
                        "ci", List.of(BindingScope.SYSTEM), EnumSet.of(Action.DELETE), Optional.empty(), false),
                "$argon2id$other",
                "mallory",
                T0,
                Optional.empty());
        assertThat(access().createRobot(again)).isFalse();
        assertThat(access().robotRecord("ci").orElseThrow().createdBy()).isEqualTo("alice");
        assertThat(access().robots()).hasSize(1);
    }

    @Test
    void aFederatedRobotIsStoredWithItsIssuerBindingAndNoSecret() {
        var ci = new RobotRecord(robot("ci", Optional.empty()).account(), RobotRecord.NO_SECRET, "alice", T0, null);
        var binding = new RobotFederation(
                "https://token.actions.example.com",
                "gatehouse",
                Map.of("repository", "org/app", "ref", "refs/heads/release-*"));
        assertThat(access().createFederatedRobot(ci, binding)).isTrue();

        assertThat(access().robotFederation("ci")).contains(binding);
        assertThat(access().robotRecord("ci").orElseThrow().secretHash()).isEqualTo(RobotRecord.NO_SECRET);
        assertThat(access().robot("ci").orElseThrow().actions()).containsExactlyInAnyOrder(Action.PUSH, Action.PULL);
    }

    @Test
    void aRobotWithASecretHasNoFederationAndAFederatedNameCannotBeTakenAgain() {
        access().createRobot(robot("plain", Optional.empty()));
        assertThat(access().robotFederation("plain")).isEmpty();
        assertThat(access().robotFederation("nobody")).isEmpty();

        var binding = new RobotFederation("https://issuer.example.com", "gatehouse", Map.of("sub", "x"));
        assertThat(access().createFederatedRobot(robot("plain", Optional.empty()), binding))
                .isFalse();
        assertThat(access().robotFederation("plain")).isEmpty();
        assertThat(rows("robot_federations")).isZero();
    }

    @Test
    void robotsAndUsersShareOneNamespace() {
        assertThat(store.users().create(new UserRecord("alice", HASH, T0))).isTrue();
        assertThat(access().createRobot(robot("alice", Optional.empty()))).isFalse();
        assertThat(access().robot("alice")).isEmpty();

        assertThat(access().createRobot(robot("ci", Optional.empty()))).isTrue();
        assertThat(store.users().create(new UserRecord("ci", HASH, T0))).isFalse();
        assertThat(store.users().find("ci")).isEmpty();

        assertThat(access().createRobot(robot("Alice", Optional.empty()))).isTrue(); // names are case-sensitive
    }

    @Test
    void ofAUserAndARobotCreatedAtOnceUnderOneNameExactlyOneIsCreated() throws Exception {
        for (int round = 0; round < 5; round++) {
            String name = "contended-" + round;
            var turn = new AtomicInteger();
            var created = MetadataStoreContract.concurrently(
                    8,
                    () -> turn.getAndIncrement() % 2 == 0
                            ? store.users().create(new UserRecord(name, HASH, T0))
                            : access().createRobot(robot(name, Optional.empty())));
            assertThat(created).filteredOn(c -> c).hasSize(1);
            assertThat(store.users().find(name).isPresent()
                            ^ access().robot(name).isPresent())
                    .isTrue();
        }
    }

    @Test
    void revokingARobotMarksItRevoked() {
        access().createRobot(robot("ci", Optional.empty()));
        assertThat(access().revokeRobot("ci")).isTrue();
        assertThat(access().robot("ci").orElseThrow().revoked()).isTrue();
        assertThat(access().revokeRobot("ci")).isTrue(); // still known
        assertThat(access().revokeRobot("nobody")).isFalse();
        assertThat(access().createRobot(robot("ci", Optional.empty())))
                .as("a revoked robot keeps its name")
                .isFalse();
    }

    @Test
    void touchRecordsTheLatestUse() {
        access().createRobot(robot("ci", Optional.empty()));
        access().touchRobot("ci", T0.plusSeconds(10));
        assertThat(access().robotRecord("ci").orElseThrow().lastUsed()).contains(T0.plusSeconds(10));
        access().touchRobot("ci", T0.plusSeconds(20));
        assertThat(access().robotRecord("ci").orElseThrow().lastUsed()).contains(T0.plusSeconds(20));
        access().touchRobot("ci", T0.plusSeconds(15)); // a slower concurrent login does not move it back
        assertThat(access().robotRecord("ci").orElseThrow().lastUsed()).contains(T0.plusSeconds(20));
        access().touchRobot("nobody", T0);
        assertThat(access().robotRecord("nobody")).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- deny rules

    @Test
    void denyRulesRoundTripWithLabelsAndExemptSubjects() {
        var noProdDeletes =
                new DenyRule("no-prod-deletes", EnumSet.of(Action.DELETE), "", Map.of("env", "production"), Set.of());
        var onlyCiPushes = new DenyRule(
                "only-ci-pushes",
                EnumSet.of(Action.PUSH, Action.DELETE),
                "prod/**",
                Map.of("env", "production", "tier", "1"),
                Set.of(new Subject.Robot("ci-release"), new Subject.User("alice"), new Subject.Group("release:team")));
        assertThat(access().denyRules()).isEmpty();
        access().putDenyRule(noProdDeletes);
        access().putDenyRule(onlyCiPushes);
        assertThat(access().denyRules()).containsExactly(noProdDeletes, onlyCiPushes);
        var got = access().denyRules().get(1);
        assertThat(got.repositoryPattern()).isEqualTo("prod/**");
        assertThat(got.labels()).isEqualTo(Map.of("env", "production", "tier", "1"));
        assertThat(got.exempt())
                .containsExactlyInAnyOrder(
                        new Subject.Robot("ci-release"), new Subject.User("alice"), new Subject.Group("release:team"));
    }

    @Test
    void puttingADenyRuleWithAKnownIdReplacesItAndRemoveDeletesItOnce() {
        access().putDenyRule(new DenyRule(
                "r", EnumSet.of(Action.DELETE), "a/*", Map.of("k", "v"), Set.of(new Subject.User("x"))));
        var replaced = new DenyRule("r", EnumSet.of(Action.PUSH), "", Map.of(), Set.of());
        access().putDenyRule(replaced);
        assertThat(access().denyRules()).containsExactly(replaced);
        assertThat(rows("deny_rules")).isEqualTo(1);

        assertThat(access().removeDenyRule("r")).isTrue();
        assertThat(access().removeDenyRule("r")).isFalse();
        assertThat(access().denyRules()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- labels

    @Test
    void labelsAreReplacedPerRepository() {
        assertThat(access().labels(REPO)).isEmpty();
        access().setLabels(REPO, Map.of("env", "production", "team", "payments", "quoted", "ü \"x\""));
        access().setLabels(OTHER, Map.of("env", "staging"));
        assertThat(access().labels(REPO))
                .isEqualTo(Map.of("env", "production", "team", "payments", "quoted", "ü \"x\""));

        access().setLabels(REPO, Map.of("env", "staging"));
        assertThat(access().labels(REPO)).isEqualTo(Map.of("env", "staging"));
        access().setLabels(REPO, Map.of());
        assertThat(access().labels(REPO)).isEmpty();
        assertThat(access().labels(OTHER)).isEqualTo(Map.of("env", "staging"));
        assertThat(access().labels(RepositoryName.parse("never/labelled"))).isEmpty();
    }
}

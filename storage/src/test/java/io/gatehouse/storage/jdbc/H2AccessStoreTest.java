package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.DenyRule;
import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.access.policy.Role;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.store.MetadataStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access contract on embedded H2, one fresh database file per test; plus durability and migration. */
class H2AccessStoreTest extends AccessStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected MetadataStore openEmptyStore() {
        return JdbcMetadataStore.open(DatabaseSettings.h2(dataDir));
    }

    @Test
    void everyWriteThatChangesSomethingWaitsForASyncAndReadsDoNot() {
        var durable = ((JdbcMetadataStore) store).durableCommits().orElseThrow();
        var binding = new RoleBinding(new Subject.User("alice"), BindingScope.SYSTEM, Role.READER.name());
        List<Runnable> writes = List.of(
                () -> access().createProject(new ProjectSettings("team", false, List.of("10.0.0.0/8"))),
                () -> access().updateProject(new ProjectSettings("team", true, List.of())),
                () -> access().addGroupMember("ops", "alice"),
                () -> access().removeGroupMember("ops", "alice"),
                () -> access().grant(binding),
                () -> access().revoke(binding),
                () -> access().defineRole(new Role("pusher", EnumSet.of(Action.PUSH))),
                () -> access().createRobot(robot("ci", Optional.empty())),
                () -> access().touchRobot("ci", T0),
                () -> access().revokeRobot("ci"),
                () -> access().putDenyRule(new DenyRule("r", EnumSet.of(Action.DELETE), "", Map.of(), Set.of())),
                () -> access().removeDenyRule("r"),
                () -> access().setLabels(REPO, Map.of("env", "production")));
        for (var write : writes) {
            long before = durable.syncs();
            write.run();
            assertThat(durable.syncs()).isEqualTo(before + 1);
        }

        long before = durable.syncs();
        access().project("team");
        access().projects();
        access().groupsOf("alice");
        access().bindings(Set.of(new Subject.User("alice")));
        access().allBindings();
        access().customRole("pusher");
        access().customRoles();
        access().robot("ci");
        access().robots();
        access().denyRules();
        access().labels(REPO);
        // writes that change nothing need no sync
        access().createProject(new ProjectSettings("team", false, List.of()));
        access().updateProject(new ProjectSettings("nobody", false, List.of()));
        access().removeGroupMember("ops", "alice");
        access().revoke(binding);
        access().createRobot(robot("ci", Optional.empty()));
        access().revokeRobot("nobody");
        access().touchRobot("ci", T0);
        access().removeDenyRule("r");
        assertThat(durable.syncs()).isEqualTo(before);
    }

    @Test
    void accessControlSurvivesACleanCloseAndReopen() {
        var binding = new RoleBinding(new Subject.Group("ops"), new BindingScope.Project("team"), Role.ADMIN.name());
        access().grant(binding);
        access().createRobot(robot("ci", Optional.of(T0)));
        access().setLabels(REPO, Map.of("env", "production"));
        store.close();
        store = JdbcMetadataStore.open(DatabaseSettings.h2(dataDir));
        assertThat(access().allBindings()).containsExactly(binding);
        assertThat(access().robot("ci").orElseThrow().expiresAt()).contains(T0);
        assertThat(access().labels(REPO)).containsEntry("env", "production");
    }

    /** Users created before the migration keep their names: no robot may take one. */
    @Test
    void theMigrationClaimsTheNamesOfExistingUsers() {
        store.close();
        Path older = dataDir.resolve("older");
        var settings = DatabaseSettings.h2(older);
        Flyway.configure()
                .dataSource(settings.jdbcUrl(), settings.username(), settings.password())
                .locations("classpath:db/migration")
                .placeholders(Map.of("name_order", ""))
                .target("1")
                .load()
                .migrate();
        try (var c = java.sql.DriverManager.getConnection(settings.jdbcUrl(), settings.username(), "");
                var s = c.createStatement()) {
            s.execute("INSERT INTO users (username, password_hash, created_at)"
                    + " VALUES ('bob', 'hash', TIMESTAMP WITH TIME ZONE '2025-01-01 00:00:00+00')");
            s.execute("SHUTDOWN");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        store = JdbcMetadataStore.open(settings);
        assertThat(store.users().find("bob").orElseThrow().createdAt())
                .isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(access().createRobot(robot("bob", Optional.empty()))).isFalse();
        assertThat(access().createRobot(robot("ci", Optional.empty()))).isTrue();
    }
}

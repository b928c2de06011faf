package io.gatehouse.storage.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.Update;

/**
 * Access control over JDBC ({@code V2__access_control.sql}). What the authorizer reads on every request is one
 * indexed query each: a project, a user's groups, the bindings of a set of subjects, a robot, a custom role, a
 * repository's labels; the deny rules are a small table read whole.
 *
 * <p>Columns hold sets readably: actions as comma-separated scope names in enum order ({@code pull,push}), string
 * lists and maps as JSON, binding scopes and subjects as {@code kind:name} strings ({@code project:team},
 * {@code repository:team/app}, {@code robot:ci}; the system scope is {@code system}).
 */
final class JdbcAccessStore implements AccessStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final String BINDING_ORDER = " ORDER BY subject_kind, subject_name, scope_kind, scope_name, role";
    private static final String ROBOT_COLUMNS =
            "name, scopes, actions, expires_at, revoked, secret_hash, created_by, created_at, last_used";

    private final Database db;
    private final Clock clock;

    JdbcAccessStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    // ------------------------------------------------------------------------------------------ projects

    @Override
    public Optional<ProjectSettings> project(String name) {
        return db.read(h -> h.createQuery(
                        "SELECT name, is_public, allowed_cidrs, expected_cidrs FROM projects WHERE name = :name")
                .bind("name", name)
                .map((rs, ctx) -> project(rs))
                .findOne());
    }

    @Override
    public List<ProjectSettings> projects() {
        return db.read(
                h -> h.createQuery("SELECT name, is_public, allowed_cidrs, expected_cidrs FROM projects ORDER BY name")
                        .map((rs, ctx) -> project(rs))
                        .list());
    }

    @Override
    public boolean createProject(ProjectSettings project) {
        String cidrs = json(project.allowedCidrs());
        return db.write(
                        h -> h.createUpdate(
                                        "INSERT INTO projects (name, is_public, allowed_cidrs, expected_cidrs, created_at)"
                                                + " VALUES (:name, :isPublic, :cidrs, :expected, :createdAt)"
                                                + " ON CONFLICT DO NOTHING")
                                .bind("name", project.name())
                                .bind("isPublic", project.isPublic())
                                .bind("cidrs", cidrs)
                                .bind("expected", json(project.expectedCidrs()))
                                .bind("createdAt", Database.timestamp(clock.instant()))
                                .execute(),
                        n -> n > 0)
                > 0;
    }

    @Override
    public boolean updateProject(ProjectSettings project) {
        String cidrs = json(project.allowedCidrs());
        return db.write(
                        h -> h.createUpdate("UPDATE projects SET is_public = :isPublic, allowed_cidrs = :cidrs,"
                                        + " expected_cidrs = :expected WHERE name = :name")
                                .bind("name", project.name())
                                .bind("isPublic", project.isPublic())
                                .bind("cidrs", cidrs)
                                .bind("expected", json(project.expectedCidrs()))
                                .execute(),
                        n -> n > 0)
                > 0;
    }

    private static ProjectSettings project(ResultSet rs) throws SQLException {
        return new ProjectSettings(
                rs.getString("name"),
                rs.getBoolean("is_public"),
                parse(rs.getString("allowed_cidrs"), STRING_LIST, "allowed networks"),
                parse(rs.getString("expected_cidrs"), STRING_LIST, "expected networks"));
    }

    // ------------------------------------------------------------------------------------------ groups

    @Override
    public Set<String> groupsOf(String user) {
        return db.read(h -> h.createQuery("SELECT group_name FROM group_members WHERE username = :user")
                .bind("user", user)
                .mapTo(String.class)
                .collect(Collectors.toUnmodifiableSet()));
    }

    @Override
    public void addGroupMember(String group, String user) {
        db.write(
                h -> h.createUpdate(
                                "INSERT INTO group_members (group_name, username) VALUES (:group, :user) ON CONFLICT DO NOTHING")
                        .bind("group", Objects.requireNonNull(group, "group"))
                        .bind("user", Objects.requireNonNull(user, "user"))
                        .execute(),
                n -> n > 0);
    }

    @Override
    public boolean removeGroupMember(String group, String user) {
        return db.write(
                        h -> h.createUpdate("DELETE FROM group_members WHERE group_name = :group AND username = :user")
                                .bind("group", group)
                                .bind("user", user)
                                .execute(),
                        n -> n > 0)
                > 0;
    }

    // ------------------------------------------------------------------------------------------ bindings

    /** One query; each subject kind present adds {@code (subject_kind = k AND subject_name IN (...))}. */
    @Override
    public List<RoleBinding> bindings(Set<Subject> subjects) {
        Map<String, List<String>> namesByKind = subjects.stream()
                .collect(Collectors.groupingBy(
                        JdbcAccessStore::kind, TreeMap::new, Collectors.mapping(Subject::name, Collectors.toList())));
        if (namesByKind.isEmpty()) {
            return List.of();
        }
        String where = namesByKind.keySet().stream()
                .map(kind -> "(subject_kind = '" + kind + "' AND subject_name IN (<" + kind + ">))")
                .collect(Collectors.joining(" OR "));
        return db.read(h -> {
            var query = h.createQuery("SELECT subject_kind, subject_name, scope_kind, scope_name, role"
                    + " FROM role_bindings WHERE " + where + BINDING_ORDER);
            namesByKind.forEach(query::bindList);
            return query.map((rs, ctx) -> binding(rs)).list();
        });
    }

    @Override
    public List<RoleBinding> allBindings() {
        return db.read(
                h -> h.createQuery("SELECT subject_kind, subject_name, scope_kind, scope_name, role FROM role_bindings"
                                + BINDING_ORDER)
                        .map((rs, ctx) -> binding(rs))
                        .list());
    }

    @Override
    public boolean grant(RoleBinding binding) {
        return db.write(
                        h -> bindBinding(
                                        h.createUpdate(
                                                "INSERT INTO role_bindings (subject_kind, subject_name, scope_kind, scope_name, role, created_at)"
                                                        + " VALUES (:subjectKind, :subjectName, :scopeKind, :scopeName, :role, :createdAt)"
                                                        + " ON CONFLICT DO NOTHING"),
                                        binding)
                                .bind("createdAt", Database.timestamp(clock.instant()))
                                .execute(),
                        n -> n > 0)
                > 0;
    }

    @Override
    public boolean revoke(RoleBinding binding) {
        return db.write(
                        h -> bindBinding(
                                        h.createUpdate("DELETE FROM role_bindings WHERE subject_kind = :subjectKind"
                                                + " AND subject_name = :subjectName AND scope_kind = :scopeKind"
                                                + " AND scope_name = :scopeName AND role = :role"),
                                        binding)
                                .execute(),
                        n -> n > 0)
                > 0;
    }

    private static Update bindBinding(Update update, RoleBinding binding) {
        return update.bind("subjectKind", kind(binding.subject()))
                .bind("subjectName", binding.subject().name())
                .bind("scopeKind", scopeKind(binding.scope()))
                .bind("scopeName", scopeName(binding.scope()))
                .bind("role", binding.role());
    }

    private static RoleBinding binding(ResultSet rs) throws SQLException {
        return new RoleBinding(
                subject(rs.getString("subject_kind"), rs.getString("subject_name")),
                scope(rs.getString("scope_kind"), rs.getString("scope_name")),
                rs.getString("role"));
    }

    // ------------------------------------------------------------------------------------------ custom roles

    @Override
    public Optional<Role> customRole(String name) {
        return db.read(h -> h.createQuery("SELECT name, actions FROM custom_roles WHERE name = :name")
                .bind("name", name)
                .map((rs, ctx) -> new Role(rs.getString("name"), actions(rs.getString("actions"))))
                .findOne());
    }

    @Override
    public List<Role> customRoles() {
        return db.read(h -> h.createQuery("SELECT name, actions FROM custom_roles ORDER BY name")
                .map((rs, ctx) -> new Role(rs.getString("name"), actions(rs.getString("actions"))))
                .list());
    }

    /** @throws IllegalArgumentException for the name of a built-in role */
    @Override
    public void defineRole(Role role) {
        if (Role.isBuiltIn(role.name())) {
            throw new IllegalArgumentException("built-in role " + role.name() + " cannot be redefined");
        }
        String actions = actions(role.actions());
        db.write(h -> {
            upsert(
                    () -> h.createUpdate("UPDATE custom_roles SET actions = :actions WHERE name = :name")
                            .bind("name", role.name())
                            .bind("actions", actions)
                            .execute(),
                    () -> h.createUpdate(
                                    "INSERT INTO custom_roles (name, actions) VALUES (:name, :actions) ON CONFLICT DO NOTHING")
                            .bind("name", role.name())
                            .bind("actions", actions)
                            .execute(),
                    "custom role");
            return null;
        });
    }

    // ------------------------------------------------------------------------------------------ robots

    @Override
    public Optional<RobotAccount> robot(String name) {
        return robotRecord(name).map(RobotRecord::account);
    }

    @Override
    public Optional<RobotRecord> robotRecord(String name) {
        return db.read(h -> h.createQuery("SELECT " + ROBOT_COLUMNS + " FROM robots WHERE name = :name")
                .bind("name", name)
                .map((rs, ctx) -> robotRecord(rs))
                .findOne());
    }

    @Override
    public List<RobotRecord> robots() {
        return db.read(h -> h.createQuery("SELECT " + ROBOT_COLUMNS + " FROM robots ORDER BY name")
                .map((rs, ctx) -> robotRecord(rs))
                .list());
    }

    /** Claims the name in the namespace robots share with users ({@link PrincipalNames}), then stores the robot. */
    @Override
    public boolean createRobot(RobotRecord robot) {
        return createRobot(robot, Optional.empty());
    }

    /** Like {@link #createRobot(RobotRecord)}, with the issuer binding in the same transaction. */
    @Override
    public boolean createFederatedRobot(RobotRecord robot, RobotFederation federation) {
        return createRobot(robot, Optional.of(federation));
    }

    @Override
    public Optional<RobotFederation> robotFederation(String name) {
        return db.read(h -> h.createQuery(
                        "SELECT issuer, audience, claims FROM robot_federations WHERE robot_name = :name")
                .bind("name", name)
                .map((rs, ctx) -> new RobotFederation(
                        rs.getString("issuer"),
                        rs.getString("audience"),
                        parse(rs.getString("claims"), STRING_MAP, "federation claims")))
                .findOne());
    }

    private boolean createRobot(RobotRecord robot, Optional<RobotFederation> federation) {
        RobotAccount account = robot.account();
        Objects.requireNonNull(robot.createdBy(), "createdBy");
        String scopes =
                json(account.scopes().stream().map(JdbcAccessStore::scope).toList());
        String actions = actions(account.actions());
        Instant createdAt = robot.createdAt() == null ? clock.instant() : robot.createdAt();
        return db.write(
                h -> {
                    if (!PrincipalNames.claim(h, account.name(), PrincipalNames.ROBOT)) {
                        return false;
                    }
                    h.createUpdate("INSERT INTO robots (" + ROBOT_COLUMNS + ") VALUES (:name, :scopes, :actions,"
                                    + " :expiresAt, :revoked, :secretHash, :createdBy, :createdAt, :lastUsed)")
                            .bind("name", account.name())
                            .bind("scopes", scopes)
                            .bind("actions", actions)
                            .bind("expiresAt", optionalTimestamp(account.expiresAt()))
                            .bind("revoked", account.revoked())
                            .bind("secretHash", robot.secretHash())
                            .bind("createdBy", robot.createdBy())
                            .bind("createdAt", Database.timestamp(createdAt))
                            .bind("lastUsed", optionalTimestamp(robot.lastUsed()))
                            .execute();
                    if (federation.isPresent()) {
                        h.createUpdate("INSERT INTO robot_federations (robot_name, issuer, audience, claims)"
                                        + " VALUES (:name, :issuer, :audience, :claims)")
                                .bind("name", account.name())
                                .bind("issuer", federation.get().issuer())
                                .bind("audience", federation.get().audience())
                                .bind("claims", json(federation.get().claims()))
                                .execute();
                    }
                    return true;
                },
                created -> created);
    }

    @Override
    public boolean revokeRobot(String name) {
        return db.write(
                        h -> h.createUpdate("UPDATE robots SET revoked = TRUE WHERE name = :name")
                                .bind("name", name)
                                .execute(),
                        n -> n > 0)
                > 0;
    }

    /** Never moves {@code last_used} backwards (concurrent logins may finish out of order). */
    @Override
    public void touchRobot(String name, Instant usedAt) {
        db.write(
                h -> h.createUpdate("UPDATE robots SET last_used = :usedAt"
                                + " WHERE name = :name AND (last_used IS NULL OR last_used < :usedAt)")
                        .bind("name", name)
                        .bind("usedAt", Database.timestamp(usedAt))
                        .execute(),
                n -> n > 0);
    }

    private static RobotRecord robotRecord(ResultSet rs) throws SQLException {
        List<BindingScope> scopes = new ArrayList<>();
        for (String scope : parse(rs.getString("scopes"), STRING_LIST, "robot scopes")) {
            scopes.add(scope(scope));
        }
        var account = new RobotAccount(
                rs.getString("name"),
                scopes,
                actions(rs.getString("actions")),
                optionalInstant(rs, "expires_at"),
                rs.getBoolean("revoked"));
        return new RobotRecord(
                account,
                rs.getString("secret_hash"),
                rs.getString("created_by"),
                Database.instant(rs, "created_at"),
                optionalInstant(rs, "last_used"));
    }

    // ------------------------------------------------------------------------------------------ deny rules

    @Override
    public List<DenyRule> denyRules() {
        return db.read(h -> h.createQuery(
                        "SELECT id, actions, repository_pattern, labels, exempt FROM deny_rules ORDER BY id")
                .map((rs, ctx) -> {
                    Set<Subject> exempt = new HashSet<>();
                    for (String subject : parse(rs.getString("exempt"), STRING_LIST, "exempt subjects")) {
                        exempt.add(subject(subject));
                    }
                    return new DenyRule(
                            rs.getString("id"),
                            actions(rs.getString("actions")),
                            rs.getString("repository_pattern"),
                            parse(rs.getString("labels"), STRING_MAP, "deny rule labels"),
                            exempt);
                })
                .list());
    }

    @Override
    public void putDenyRule(DenyRule rule) {
        String actions = actions(rule.actions());
        String labels = json(new TreeMap<>(rule.labels()));
        String exempt = json(rule.exempt().stream()
                .map(s -> kind(s) + ":" + s.name())
                .sorted()
                .toList());
        db.write(h -> {
            Function<String, Update> statement = sql -> h.createUpdate(sql)
                    .bind("id", rule.id())
                    .bind("actions", actions)
                    .bind("pattern", rule.repositoryPattern())
                    .bind("labels", labels)
                    .bind("exempt", exempt);
            upsert(
                    () -> statement
                            .apply("UPDATE deny_rules SET actions = :actions, repository_pattern = :pattern,"
                                    + " labels = :labels, exempt = :exempt WHERE id = :id")
                            .execute(),
                    () -> statement
                            .apply("INSERT INTO deny_rules (id, actions, repository_pattern, labels, exempt)"
                                    + " VALUES (:id, :actions, :pattern, :labels, :exempt) ON CONFLICT DO NOTHING")
                            .execute(),
                    "deny rule");
            return null;
        });
    }

    @Override
    public boolean removeDenyRule(String id) {
        return db.write(
                        h -> h.createUpdate("DELETE FROM deny_rules WHERE id = :id")
                                .bind("id", id)
                                .execute(),
                        n -> n > 0)
                > 0;
    }

    // ------------------------------------------------------------------------------------------ labels

    @Override
    public Map<String, String> labels(RepositoryName repository) {
        return db.read(h -> {
            Map<String, String> labels = new LinkedHashMap<>();
            h.createQuery("SELECT label_key, label_value FROM repository_labels WHERE repository = :repository"
                            + " ORDER BY label_key")
                    .bind("repository", repository.value())
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .forEach(e -> labels.put(e.getKey(), e.getValue()));
            return Collections.unmodifiableMap(labels);
        });
    }

    /** Deletes the old labels and inserts the new ones in one transaction. */
    @Override
    public void setLabels(RepositoryName repository, Map<String, String> labels) {
        var sorted = new TreeMap<>(labels);
        db.write(h -> {
            h.createUpdate("DELETE FROM repository_labels WHERE repository = :repository")
                    .bind("repository", repository.value())
                    .execute();
            if (!sorted.isEmpty()) {
                var batch = h.prepareBatch("INSERT INTO repository_labels (repository, label_key, label_value)"
                        + " VALUES (:repository, :key, :value)");
                sorted.forEach((key, value) -> batch.bind("repository", repository.value())
                        .bind("key", key)
                        .bind("value", Objects.requireNonNull(value, "label value"))
                        .add());
                batch.execute();
            }
            return null;
        });
    }

    // ------------------------------------------------------------------------------------------ encoding

    /**
     * Inside a write transaction: UPDATE, else an INSERT that yields to a concurrent creator, else UPDATE again
     * (as {@link JdbcTags#move}); portable across both engines and safe under READ COMMITTED.
     */
    private static void upsert(RowCount update, RowCount insert, String what) {
        if (update.run() > 0 || insert.run() > 0 || update.run() > 0) {
            return;
        }
        throw new Database.Retry(what + " deleted while being replaced");
    }

    @FunctionalInterface
    private interface RowCount {
        int run();
    }

    private static String kind(Subject subject) {
        return switch (subject) {
            case Subject.User u -> "user";
            case Subject.Group g -> "group";
            case Subject.Robot r -> "robot";
        };
    }

    private static Subject subject(String kind, String name) throws SQLException {
        return switch (kind) {
            case "user" -> new Subject.User(name);
            case "group" -> new Subject.Group(name);
            case "robot" -> new Subject.Robot(name);
            default -> throw new SQLException("unknown subject kind in the database: " + kind);
        };
    }

    /** {@code user:alice} and the like. */
    private static Subject subject(String encoded) throws SQLException {
        int colon = encoded.indexOf(':');
        if (colon < 0) {
            throw new SQLException("stored subject is not kind:name: " + encoded);
        }
        return subject(encoded.substring(0, colon), encoded.substring(colon + 1));
    }

    private static String scopeKind(BindingScope scope) {
        return switch (scope) {
            case BindingScope.System s -> "system";
            case BindingScope.Project p -> "project";
            case BindingScope.Repository r -> "repository";
        };
    }

    private static String scopeName(BindingScope scope) {
        return switch (scope) {
            case BindingScope.System s -> "";
            case BindingScope.Project p -> p.name();
            case BindingScope.Repository r -> r.name().value();
        };
    }

    private static BindingScope scope(String kind, String name) throws SQLException {
        return switch (kind) {
            case "system" -> BindingScope.SYSTEM;
            case "project" -> new BindingScope.Project(name);
            case "repository" -> new BindingScope.Repository(RepositoryName.parse(name));
            default -> throw new SQLException("unknown binding scope kind in the database: " + kind);
        };
    }

    /** {@code system}, {@code project:team}, {@code repository:team/app}. */
    private static String scope(BindingScope scope) {
        return scope instanceof BindingScope.System ? "system" : scopeKind(scope) + ":" + scopeName(scope);
    }

    private static BindingScope scope(String encoded) throws SQLException {
        int colon = encoded.indexOf(':');
        return colon < 0 ? scope(encoded, "") : scope(encoded.substring(0, colon), encoded.substring(colon + 1));
    }

    /** Scope names in enum order, comma-separated. */
    private static String actions(Set<Action> actions) {
        return (actions.isEmpty() ? EnumSet.noneOf(Action.class) : EnumSet.copyOf(actions))
                .stream().map(Action::scopeName).collect(Collectors.joining(","));
    }

    /** An {@link EnumSet}, so that the records accept an empty set too. */
    private static Set<Action> actions(String joined) throws SQLException {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        if (joined.isEmpty()) {
            return actions;
        }
        for (String name : joined.split(",")) {
            actions.add(Action.fromScopeName(name)
                    .orElseThrow(() -> new SQLException("unknown action in the database: " + name)));
        }
        return actions;
    }

    private static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }

    /** A nullable TIMESTAMP WITH TIME ZONE argument (typed, so that PostgreSQL accepts a NULL). */
    private static Argument optionalTimestamp(Optional<Instant> instant) {
        return instant.map(Database::timestamp)
                .orElse((position, statement, ctx) -> statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T parse(String json, TypeReference<T> type, String what) throws SQLException {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored " + what + " are not valid JSON", e);
        }
    }
}

package io.gatehouse.access.admin;

import io.gatehouse.access.PasswordHasher;
import io.gatehouse.access.RequestContext;
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
import io.gatehouse.core.error.Conflict;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.model.Cidr;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.UserRecord;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The changes the admin API makes to users, projects, role bindings, roles, robots, deny rules, labels and
 * groups, validated here so handlers stay thin. Who may make each change is decided before this is called,
 * by the decision point. Every successful change is emitted as one {@link Event.AdminChanged}, from {@link
 * #changed} only.
 */
public final class AccessAdministration {
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,62}");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9._-]{0,63}");
    private static final Pattern REPOSITORY_GLOB = Pattern.compile("[a-z0-9*][a-z0-9._/*-]{0,254}");
    private static final Pattern ROBOT_NAME =
            Pattern.compile("robot\\$[a-z0-9][a-z0-9._-]{0,254}\\+[a-z0-9][a-z0-9._-]{0,63}");
    private static final int MAX_LABELS = 32;
    private static final int MIN_PASSWORD_LENGTH = 12;
    private static final Duration MAX_ROBOT_LIFETIME = Duration.ofDays(3650);
    private static final Set<Action> ROBOT_ACTIONS = EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE);

    private final MetadataStore.Users users;
    private final AccessStore access;
    private final PasswordHasher hasher;
    private final AdminChanges changes;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** Who makes a change and where the request came from, for the audit trail. */
    public record Actor(String name, RequestContext context) {
        public Actor {
            Objects.requireNonNull(name, "name");
            context = context == null ? RequestContext.INTERNAL : context;
        }

        /** A change made by the server itself or a test, not through the API. */
        public static Actor internal(String name) {
            return new Actor(name, RequestContext.INTERNAL);
        }
    }

    /** A new robot: its login name and its secret, which is shown this once and stored only as a hash. */
    public record CreatedRobot(String loginName, String secret, Optional<Instant> expiresAt) {
        @Override
        public String toString() {
            return "CreatedRobot[" + loginName + "]";
        }
    }

    /** A local user as the API lists it: no password hash. */
    public record UserSummary(String name, Instant createdAt) {}

    /** A role as the API lists it. */
    public record RoleDescription(Role role, boolean builtIn) {}

    /** A deny rule and the project it belongs to (empty for a system-wide rule). */
    public record ScopedDenyRule(Optional<String> project, String id, DenyRule rule) {}

    public AccessAdministration(
            MetadataStore.Users users, AccessStore access, PasswordHasher hasher, EventSink events, Clock clock) {
        this.users = users;
        this.access = access;
        this.hasher = hasher;
        this.changes = new AdminChanges(events, clock);
        this.clock = clock;
    }

    // ------------------------------------------------------------------------------------------ users

    public void createUser(Actor actor, String name, char[] password) {
        requireAccountName(name);
        if (password.length < MIN_PASSWORD_LENGTH) {
            throw new Invalid(
                    Invalid.Kind.PARAMETER, "passwords must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (!users.create(new UserRecord(name, hasher.hash(password), clock.instant()))) {
            throw new Conflict("the name " + name + " is taken");
        }
        changed(actor, "user.create", "user:" + name, Map.of());
    }

    /** Local users, by name, with when they were created; never their password hashes. */
    public List<UserSummary> users() {
        return users.all().stream()
                .map(u -> new UserSummary(u.username(), u.createdAt()))
                .toList();
    }

    public void addGroupMember(Actor actor, String group, String user) {
        requireGroupName(group);
        requireUser(user);
        if (access.groupsOf(user).contains(group)) {
            throw new Conflict("user " + user + " is already in group " + group);
        }
        access.addGroupMember(group, user);
        changed(actor, "group.addMember", "group:" + group, Map.of("user", user));
    }

    public void removeGroupMember(Actor actor, String group, String user) {
        requireGroupName(group);
        if (!access.removeGroupMember(group, user)) {
            throw new NotFound(NotFound.Kind.PROJECT, "user " + user + " is not in group " + group);
        }
        changed(actor, "group.removeMember", "group:" + group, Map.of("user", user));
    }

    // ------------------------------------------------------------------------------------------ projects

    public ProjectSettings createProject(Actor actor, String name, boolean isPublic) {
        var project = new ProjectSettings(projectName(name), isPublic, List.of());
        if (!access.createProject(project)) {
            throw new Conflict("project " + name + " exists");
        }
        changed(actor, "project.create", "project:" + project.name(), Map.of("public", String.valueOf(isPublic)));
        return project;
    }

    public ProjectSettings updateProject(
            Actor actor,
            String name,
            Optional<Boolean> isPublic,
            Optional<List<String>> allowedCidrs,
            Optional<List<String>> expectedCidrs) {
        ProjectSettings current = project(name);
        allowedCidrs.ifPresent(cidrs -> cidrs.forEach(Cidr::parse));
        expectedCidrs.ifPresent(cidrs -> cidrs.forEach(Cidr::parse));
        var updated = new ProjectSettings(
                current.name(),
                isPublic.orElse(current.isPublic()),
                allowedCidrs.orElse(current.allowedCidrs()),
                expectedCidrs.orElse(current.expectedCidrs()));
        access.updateProject(updated);
        changed(
                actor,
                "project.update",
                "project:" + updated.name(),
                Map.of(
                        "public",
                        String.valueOf(updated.isPublic()),
                        "allowedCidrs",
                        String.join(",", updated.allowedCidrs()),
                        "expectedCidrs",
                        String.join(",", updated.expectedCidrs())));
        return updated;
    }

    public List<ProjectSettings> projects() {
        return access.projects();
    }

    // ------------------------------------------------------------------------------------------ bindings

    /** Grants a role in a project (or one of its repositories) to a user, group or robot. */
    public RoleBinding grant(
            Actor actor, String role, String projectName, Optional<RepositoryName> repository, Subject subject) {
        var binding = binding(role, projectName, repository, subject);
        switch (subject) {
            case Subject.User user
            when users.find(user.name()).isEmpty() ->
                throw new Invalid(Invalid.Kind.PARAMETER, "unknown user " + user.name());
            case Subject.Robot robot
            when access.robot(robot.name()).isEmpty() ->
                throw new Invalid(Invalid.Kind.PARAMETER, "unknown robot " + robot.name());
            case Subject.Group group -> requireGroupName(group.name());
            default -> {}
        }
        if (!access.grant(binding)) {
            throw new Conflict(describe(binding) + " exists");
        }
        changed(actor, "binding.grant", scopeName(binding.scope()), bindingDetails(binding));
        return binding;
    }

    /** Removes a binding made by {@link #grant}; the same arguments name it. */
    public RoleBinding revoke(
            Actor actor, String role, String projectName, Optional<RepositoryName> repository, Subject subject) {
        var binding = binding(role, projectName, repository, subject);
        if (!access.revoke(binding)) {
            throw new NotFound(NotFound.Kind.PROJECT, "no " + describe(binding));
        }
        changed(actor, "binding.revoke", scopeName(binding.scope()), bindingDetails(binding));
        return binding;
    }

    /** The project's own bindings and those on its repositories. */
    public List<RoleBinding> bindings(String projectName) {
        String project = project(projectName).name();
        return access.allBindings().stream()
                .filter(b -> switch (b.scope()) {
                    case BindingScope.Project(String p) -> p.equals(project);
                    case BindingScope.Repository(RepositoryName r) ->
                        r.project().equals(project);
                    case BindingScope.System s -> false;
                })
                .toList();
    }

    private RoleBinding binding(String role, String projectName, Optional<RepositoryName> repository, Subject subject) {
        ProjectSettings project = project(projectName);
        if (role == null
                || (Role.builtIn(role).isEmpty() && access.customRole(role).isEmpty())) {
            throw new Invalid(Invalid.Kind.PARAMETER, "unknown role " + role);
        }
        if (repository.isPresent() && !repository.get().project().equals(project.name())) {
            throw new Invalid(
                    Invalid.Kind.PARAMETER, "repository " + repository.get() + " is not in project " + project.name());
        }
        BindingScope scope = repository
                .<BindingScope>map(BindingScope.Repository::new)
                .orElse(new BindingScope.Project(project.name()));
        return new RoleBinding(subject, scope, role);
    }

    // ------------------------------------------------------------------------------------------ roles

    /** Defines a custom role; a system admin's change, usable in any binding afterwards. */
    public Role defineRole(Actor actor, String name, Set<Action> actions) {
        if (name == null || Role.isBuiltIn(name)) {
            throw new Invalid(Invalid.Kind.PARAMETER, "role " + name + " is built in and cannot be redefined");
        }
        if (actions.isEmpty()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "a role needs at least one action");
        }
        Role role;
        try {
            role = new Role(name, actions);
        } catch (IllegalArgumentException e) {
            throw new Invalid(Invalid.Kind.PARAMETER, e.getMessage() + " (roles take pull, push, delete, manage)");
        }
        if (access.customRole(name).isPresent()) {
            throw new Conflict("role " + name + " exists");
        }
        access.defineRole(role);
        changed(actor, "role.define", "role:" + name, Map.of("actions", actionNames(role.actions())));
        return role;
    }

    /** The built-in roles first, then the custom ones. */
    public List<RoleDescription> roles() {
        var builtIn = List.of(Role.READER, Role.WRITER, Role.DELETER, Role.ADMIN).stream()
                .map(r -> new RoleDescription(r, true));
        var custom = access.customRoles().stream().map(r -> new RoleDescription(r, false));
        return java.util.stream.Stream.concat(builtIn, custom).toList();
    }

    // ------------------------------------------------------------------------------------------ robots

    /**
     * Creates a robot that may do exactly {@code actions} in the project. Its login name is {@code
     * robot$<project>+<name>}, which no user name can be.
     */
    public CreatedRobot createRobot(
            Actor actor, String projectName, String name, Set<Action> actions, Optional<Duration> lifetime) {
        RobotAccount account = newRobot(projectName, name, actions, lifetime);
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        var record = new RobotRecord(
                account, hasher.hash(secret.toCharArray()), actor.name(), clock.instant(), Optional.empty());
        if (!access.createRobot(record)) {
            throw new Conflict("robot " + account.name() + " exists");
        }
        robotCreated(actor, account, Map.of());
        return new CreatedRobot(account.name(), secret, account.expiresAt());
    }

    /**
     * Creates a robot like {@link #createRobot} that has no secret at all: it logs in with an OIDC token from
     * the bound issuer (keyless CI login), e.g. a CI job's own identity token.
     *
     * @return the robot as created
     */
    public RobotAccount createFederatedRobot(
            Actor actor,
            String projectName,
            String name,
            Set<Action> actions,
            Optional<Duration> lifetime,
            RobotFederation federation) {
        RobotAccount account = newRobot(projectName, name, actions, lifetime);
        var record = new RobotRecord(account, RobotRecord.NO_SECRET, actor.name(), clock.instant(), Optional.empty());
        if (!access.createFederatedRobot(record, federation)) {
            throw new Conflict("robot " + account.name() + " exists");
        }
        robotCreated(actor, account, Map.of("issuer", federation.issuer(), "audience", federation.audience()));
        return account;
    }

    private void robotCreated(Actor actor, RobotAccount account, Map<String, String> extra) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("actions", actionNames(account.actions()));
        account.expiresAt().ifPresent(t -> details.put("expiresAt", t.toString()));
        details.putAll(extra);
        changed(actor, "robot.create", "robot:" + account.name(), details);
    }

    /** A robot's account as validated from the request; its login name is {@code robot$<project>+<name>}. */
    private RobotAccount newRobot(String projectName, String name, Set<Action> actions, Optional<Duration> lifetime) {
        ProjectSettings project = project(projectName);
        requireAccountName(name);
        if (actions.isEmpty() || !ROBOT_ACTIONS.containsAll(actions)) {
            throw new Invalid(Invalid.Kind.PARAMETER, "robot actions are some of pull, push, delete");
        }
        if (lifetime.isPresent()
                && (lifetime.get().isNegative() || lifetime.get().isZero())) {
            throw new Invalid(Invalid.Kind.PARAMETER, "a robot's lifetime must be positive");
        }
        if (lifetime.isPresent() && lifetime.get().compareTo(MAX_ROBOT_LIFETIME) > 0) {
            // Also keeps Instant arithmetic from overflowing into a 500.
            throw new Invalid(Invalid.Kind.PARAMETER, "a robot's lifetime is at most 3650 days; omit it for none");
        }
        String loginName = "robot$" + project.name() + "+" + name;
        // Whole seconds: what the store keeps, and what a person reads.
        Optional<Instant> expiresAt =
                lifetime.map(d -> clock.instant().plus(d).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        return new RobotAccount(
                loginName, List.of(new BindingScope.Project(project.name())), actions, expiresAt, false);
    }

    public void revokeRobot(Actor actor, String projectName, String loginName) {
        project(projectName);
        if (!loginName.startsWith("robot$" + projectName + "+") || !access.revokeRobot(loginName)) {
            throw new NotFound(NotFound.Kind.PROJECT, "no robot " + loginName + " in project " + projectName);
        }
        changed(actor, "robot.revoke", "robot:" + loginName, Map.of());
    }

    /** The project's robots with their state; the records hold only secret hashes, which callers never show. */
    public List<RobotRecord> robots(String projectName) {
        String prefix = "robot$" + project(projectName).name() + "+";
        return access.robots().stream()
                .filter(r -> r.account().name().startsWith(prefix))
                .toList();
    }

    // ------------------------------------------------------------------------------------------ deny rules

    /**
     * Adds a deny rule. A project's rules are stored under the id {@code <project>/<id>} and may only match
     * repositories of that project, so a project admin can neither see nor replace a system-wide rule.
     *
     * @param project empty for a system-wide rule
     */
    public ScopedDenyRule addDenyRule(Actor actor, Optional<String> project, DenyRule input) {
        requireRuleId(input.id());
        if (input.actions().isEmpty() || !ROBOT_ACTIONS.containsAll(input.actions())) {
            throw new Invalid(Invalid.Kind.PARAMETER, "deny rules refuse some of pull, push, delete");
        }
        String pattern = input.repositoryPattern();
        if (!pattern.isEmpty() && !REPOSITORY_GLOB.matcher(pattern).matches()) {
            throw new Invalid(
                    Invalid.Kind.PARAMETER,
                    "repository pattern " + pattern + " is not a glob over repository names (a-z, 0-9, . _ - / *)");
        }
        Map<String, String> labels = validLabels(input.labels());
        input.exempt().forEach(AccessAdministration::requireSubjectName);
        String storedId = input.id();
        if (project.isPresent()) {
            String p = project(project.get()).name();
            storedId = p + "/" + input.id();
            if (pattern.isEmpty()) {
                pattern = p + "/**";
            } else if (!pattern.startsWith(p + "/")) {
                throw new Invalid(
                        Invalid.Kind.PARAMETER,
                        "a project's deny rule matches only its repositories: start with " + p + "/");
            }
        }
        String id = storedId;
        if (access.denyRules().stream().anyMatch(r -> r.id().equals(id))) {
            throw new Conflict("deny rule " + input.id() + " exists");
        }
        var rule = new DenyRule(id, input.actions(), pattern, labels, input.exempt());
        access.putDenyRule(rule);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("actions", actionNames(rule.actions()));
        details.put("repositoryPattern", rule.repositoryPattern());
        details.put("labels", labelText(rule.labels()));
        details.put(
                "exempt",
                rule.exempt().stream()
                        .map(AccessAdministration::subjectText)
                        .sorted()
                        .collect(Collectors.joining(",")));
        changed(actor, "denyRule.put", "denyRule:" + id, details);
        return scoped(rule);
    }

    /** System-wide: every rule; for a project: that project's rules. */
    public List<ScopedDenyRule> denyRules(Optional<String> project) {
        Optional<String> owner = project.map(p -> project(p).name());
        return access.denyRules().stream()
                .map(AccessAdministration::scoped)
                .filter(r -> owner.isEmpty() || r.project().equals(owner))
                .toList();
    }

    public void removeDenyRule(Actor actor, Optional<String> project, String id) {
        requireRuleId(id);
        // A project's rules live under <project>/<id>; a bare id on the project route can reach no other rule.
        String storedId = project.isPresent() ? project(project.get()).name() + "/" + id : id;
        if (!access.removeDenyRule(storedId)) {
            throw new NotFound(
                    NotFound.Kind.PROJECT,
                    "no deny rule " + id + project.map(p -> " in project " + p).orElse(""));
        }
        changed(actor, "denyRule.remove", "denyRule:" + storedId, Map.of());
    }

    private static ScopedDenyRule scoped(DenyRule rule) {
        int slash = rule.id().indexOf('/');
        return slash < 0
                ? new ScopedDenyRule(Optional.empty(), rule.id(), rule)
                : new ScopedDenyRule(
                        Optional.of(rule.id().substring(0, slash)), rule.id().substring(slash + 1), rule);
    }

    // ------------------------------------------------------------------------------------------ labels

    /** Replaces the repository's labels; its project must exist (the repository need not have content yet). */
    public Map<String, String> setLabels(Actor actor, RepositoryName repository, Map<String, String> labels) {
        project(repository.project());
        Map<String, String> valid = validLabels(labels);
        access.setLabels(repository, valid);
        changed(actor, "labels.set", "repository:" + repository, Map.of("labels", labelText(valid)));
        return new TreeMap<>(valid);
    }

    public Map<String, String> labels(RepositoryName repository) {
        project(repository.project());
        return access.labels(repository);
    }

    private static Map<String, String> validLabels(Map<String, String> labels) {
        if (labels.size() > MAX_LABELS) {
            throw new Invalid(Invalid.Kind.PARAMETER, "at most " + MAX_LABELS + " labels");
        }
        labels.forEach((key, value) -> {
            if (key == null || !LABEL_KEY.matcher(key).matches()) {
                throw new Invalid(
                        Invalid.Kind.PARAMETER, "label key '" + key + "' must be 1-63 characters of a-z, 0-9, . _ - /");
            }
            if (value == null || !LABEL_VALUE.matcher(value).matches()) {
                throw new Invalid(
                        Invalid.Kind.PARAMETER,
                        "label value '" + value + "' must be 0-63 characters of A-Z, a-z, 0-9, . _ -");
            }
        });
        return Map.copyOf(labels);
    }

    // ------------------------------------------------------------------------------------------ audit

    /** The one place administrative changes become events. Callers pass only non-secret details. */
    private void changed(Actor actor, String change, String target, Map<String, String> details) {
        changes.emit(actor, change, target, details);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private ProjectSettings project(String name) {
        return access.project(name)
                .orElseThrow(() -> new NotFound(NotFound.Kind.PROJECT, "project " + name + " not found"));
    }

    private void requireUser(String name) {
        if (name == null || users.find(name).isEmpty()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "unknown user " + name);
        }
    }

    private static Map<String, String> bindingDetails(RoleBinding binding) {
        return Map.of("role", binding.role(), "subject", subjectText(binding.subject()));
    }

    private static String describe(RoleBinding binding) {
        return "binding of " + binding.role() + " to " + subjectText(binding.subject()) + " on "
                + scopeName(binding.scope());
    }

    /** {@code system}, {@code project:teama} or {@code repository:teama/api}. */
    public static String scopeName(BindingScope scope) {
        return switch (scope) {
            case BindingScope.Repository(RepositoryName r) -> "repository:" + r;
            case BindingScope.Project(String p) -> "project:" + p;
            case BindingScope.System s -> "system";
        };
    }

    /** {@code user:alice}, {@code group:ops} or {@code robot:robot$teama+ci}. */
    public static String subjectText(Subject subject) {
        return switch (subject) {
                    case Subject.User u -> "user:";
                    case Subject.Group g -> "group:";
                    case Subject.Robot r -> "robot:";
                }
                + subject.name();
    }

    private static String actionNames(Set<Action> actions) {
        return actions.stream().sorted().map(Action::scopeName).collect(Collectors.joining(","));
    }

    private static String labelText(Map<String, String> labels) {
        return new TreeMap<>(labels)
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static String projectName(String name) {
        if (name == null || name.contains("/")) {
            throw new Invalid(Invalid.Kind.NAME, "a project name is one path segment");
        }
        return RepositoryName.parse(name).value();
    }

    private static void requireAccountName(String name) {
        if (name == null || !ACCOUNT_NAME.matcher(name).matches()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "names are 1-64 characters of a-z, 0-9, '.', '_', '-'");
        }
    }

    private static void requireGroupName(String name) {
        if (name == null || !ACCOUNT_NAME.matcher(name).matches()) {
            throw new Invalid(
                    Invalid.Kind.PARAMETER, "group and user names are 1-64 characters of a-z, 0-9, '.', '_', '-'");
        }
    }

    private static void requireSubjectName(Subject subject) {
        boolean valid = subject instanceof Subject.Robot
                ? ROBOT_NAME.matcher(subject.name()).matches()
                : ACCOUNT_NAME.matcher(subject.name()).matches();
        if (!valid) {
            throw new Invalid(Invalid.Kind.PARAMETER, "not a valid name: " + subjectText(subject));
        }
    }

    private static void requireRuleId(String id) {
        if (id == null || !RULE_ID.matcher(id).matches()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "deny rule ids are 1-64 characters of a-z, 0-9, '.', '_', '-'");
        }
    }
}

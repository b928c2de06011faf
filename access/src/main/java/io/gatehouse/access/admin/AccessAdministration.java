package io.gatehouse.access.admin;

import io.gatehouse.access.PasswordHasher;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.policy.AccessStore;
import io.gatehouse.core.access.policy.BindingScope;
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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The changes the admin API makes to users, projects, role bindings and robots, validated here so handlers
 * stay thin. Who may make each change is decided before this is called, by the decision point.
 */
public final class AccessAdministration {
    private static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final int MIN_PASSWORD_LENGTH = 12;

    private final MetadataStore.Users users;
    private final AccessStore access;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** A new robot: its login name and its secret, which is shown this once and stored only as a hash. */
    public record CreatedRobot(String loginName, String secret, Optional<Instant> expiresAt) {
        @Override
        public String toString() {
            return "CreatedRobot[" + loginName + "]";
        }
    }

    public AccessAdministration(MetadataStore.Users users, AccessStore access, PasswordHasher hasher, Clock clock) {
        this.users = users;
        this.access = access;
        this.hasher = hasher;
        this.clock = clock;
    }

    public void createUser(String name, char[] password) {
        requireAccountName(name);
        if (password.length < MIN_PASSWORD_LENGTH) {
            throw new Invalid(
                    Invalid.Kind.PARAMETER, "passwords must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (!users.create(new UserRecord(name, hasher.hash(password), clock.instant()))) {
            throw new Conflict("the name " + name + " is taken");
        }
    }

    public ProjectSettings createProject(String name, boolean isPublic) {
        var project = new ProjectSettings(projectName(name), isPublic, List.of());
        if (!access.createProject(project)) {
            throw new Conflict("project " + name + " exists");
        }
        return project;
    }

    public ProjectSettings updateProject(String name, Optional<Boolean> isPublic, Optional<List<String>> allowedCidrs) {
        ProjectSettings current = project(name);
        allowedCidrs.ifPresent(cidrs -> cidrs.forEach(Cidr::parse));
        var updated = new ProjectSettings(
                current.name(), isPublic.orElse(current.isPublic()), allowedCidrs.orElse(current.allowedCidrs()));
        access.updateProject(updated);
        return updated;
    }

    /** Grants a role in a project (or one of its repositories) to a user, group or robot. */
    public RoleBinding grant(String role, String projectName, Optional<RepositoryName> repository, Subject subject) {
        ProjectSettings project = project(projectName);
        if (Role.builtIn(role).isEmpty() && access.customRole(role).isEmpty()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "unknown role " + role);
        }
        if (repository.isPresent() && !repository.get().project().equals(project.name())) {
            throw new Invalid(
                    Invalid.Kind.PARAMETER, "repository " + repository.get() + " is not in project " + project.name());
        }
        switch (subject) {
            case Subject.User user
            when users.find(user.name()).isEmpty() ->
                throw new Invalid(Invalid.Kind.PARAMETER, "unknown user " + user.name());
            case Subject.Robot robot
            when access.robot(robot.name()).isEmpty() ->
                throw new Invalid(Invalid.Kind.PARAMETER, "unknown robot " + robot.name());
            default -> {}
        }
        BindingScope scope = repository
                .<BindingScope>map(BindingScope.Repository::new)
                .orElse(new BindingScope.Project(project.name()));
        var binding = new RoleBinding(subject, scope, role);
        access.grant(binding);
        return binding;
    }

    /**
     * Creates a robot that may do exactly {@code actions} in the project. Its login name is {@code
     * robot$<project>+<name>}, which no user name can be.
     */
    public CreatedRobot createRobot(
            String projectName, String name, Set<Action> actions, Optional<Duration> lifetime, String createdBy) {
        RobotAccount account = newRobot(projectName, name, actions, lifetime);
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        var record = new RobotRecord(
                account, hasher.hash(secret.toCharArray()), createdBy, clock.instant(), Optional.empty());
        if (!access.createRobot(record)) {
            throw new Conflict("robot " + account.name() + " exists");
        }
        return new CreatedRobot(account.name(), secret, account.expiresAt());
    }

    /**
     * Creates a robot like {@link #createRobot} that has no secret at all: it logs in with an OIDC token from
     * the bound issuer (keyless CI login), e.g. a CI job's own identity token.
     *
     * @return the robot as created
     */
    public RobotAccount createFederatedRobot(
            String projectName,
            String name,
            Set<Action> actions,
            Optional<Duration> lifetime,
            RobotFederation federation,
            String createdBy) {
        RobotAccount account = newRobot(projectName, name, actions, lifetime);
        var record = new RobotRecord(account, RobotRecord.NO_SECRET, createdBy, clock.instant(), Optional.empty());
        if (!access.createFederatedRobot(record, federation)) {
            throw new Conflict("robot " + account.name() + " exists");
        }
        return account;
    }

    /** A robot's account as validated from the request; its login name is {@code robot$<project>+<name>}. */
    private RobotAccount newRobot(String projectName, String name, Set<Action> actions, Optional<Duration> lifetime) {
        ProjectSettings project = project(projectName);
        requireAccountName(name);
        if (actions.isEmpty()
                || !EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE).containsAll(actions)) {
            throw new Invalid(Invalid.Kind.PARAMETER, "robot actions are some of pull, push, delete");
        }
        String loginName = "robot$" + project.name() + "+" + name;
        Optional<Instant> expiresAt = lifetime.map(d -> clock.instant().plus(d));
        return new RobotAccount(
                loginName, List.of(new BindingScope.Project(project.name())), actions, expiresAt, false);
    }

    public void revokeRobot(String projectName, String loginName) {
        project(projectName);
        if (!loginName.startsWith("robot$" + projectName + "+") || !access.revokeRobot(loginName)) {
            throw new NotFound(NotFound.Kind.PROJECT, "no robot " + loginName + " in project " + projectName);
        }
    }

    private ProjectSettings project(String name) {
        return access.project(name)
                .orElseThrow(() -> new NotFound(NotFound.Kind.PROJECT, "project " + name + " not found"));
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
}

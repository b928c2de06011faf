package io.gatehouse.access.policy;

import io.gatehouse.core.access.AccessDecision;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Authorizer;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.access.policy.AccessPolicy;
import io.gatehouse.core.access.policy.BindingScope;
import io.gatehouse.core.access.policy.DenyRule;
import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.access.policy.RobotAccount;
import io.gatehouse.core.access.policy.Role;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.model.RepositoryName;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Decides from role bindings, robot rights, project visibility and deny rules. Deny by default: an action is
 * allowed only when a binding (or the robot's own rights, or a public project for pulls) grants it, and a
 * matching deny rule overrides any grant.
 */
public final class RoleBasedAuthorizer implements Authorizer {
    private final AccessPolicy policy;
    private final Clock clock;

    public RoleBasedAuthorizer(AccessPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public AccessDecision decide(Principal principal, Action action, Resource resource) {
        return switch (resource) {
            case Resource.Registry registry -> decideRegistry(principal, action);
            case Resource.Project(String project) -> decideProject(principal, action, project);
            case Resource.Repository(RepositoryName repository) -> decideRepository(principal, action, repository);
        };
    }

    private AccessDecision decideRegistry(Principal principal, Action action) {
        if (principal instanceof Principal.Anonymous) {
            return AccessDecision.deny("authentication required");
        }
        return switch (action) {
            case AUTHENTICATE -> AccessDecision.allow("authenticated");
            // The catalog itself is open to any signed-in caller; each repository in it is filtered by PULL.
            case CATALOG -> AccessDecision.allow("catalog lists only repositories the caller may pull");
            case MANAGE ->
                systemAdmin(principal)
                        ? AccessDecision.allow("system admin")
                        : AccessDecision.deny("only a system admin manages the registry");
            default -> AccessDecision.deny(action.scopeName() + " applies to repositories, not the registry");
        };
    }

    /** Managing a project (settings, bindings, robots): a user whose role on the project or registry grants it. */
    private AccessDecision decideProject(Principal principal, Action action, String project) {
        if (!(principal instanceof Principal.User user)) {
            return principal instanceof Principal.Anonymous
                    ? AccessDecision.deny("authentication required")
                    : AccessDecision.deny("robots do not manage projects");
        }
        for (RoleBinding binding : policy.bindings(userSubjects(user.name()))) {
            boolean covers = binding.scope() instanceof BindingScope.System
                    || binding.scope().equals(new BindingScope.Project(project));
            if (covers && role(binding.role()).map(r -> r.grants(action)).orElse(false)) {
                return AccessDecision.allow("role " + binding.role() + " on " + describe(binding.scope()));
            }
        }
        return AccessDecision.deny("no role grants " + action.scopeName() + " on project:" + project);
    }

    private AccessDecision decideRepository(Principal principal, Action action, RepositoryName repository) {
        // Group membership is looked up once per decision, for the bindings and the deny rules alike.
        Set<Subject> subjects = subjects(principal);
        AccessDecision granted = switch (principal) {
            case Principal.Anonymous anonymous -> anonymous(action, repository);
            case Principal.Robot robot -> robot(robot.name(), action, repository);
            case Principal.User user -> user(subjects, action, repository);
        };
        if (!granted.allowed()) {
            return granted;
        }
        var labels = policy.labels(repository);
        for (DenyRule rule : policy.denyRules()) {
            if (rule.refuses(action, repository, labels, subjects)) {
                return AccessDecision.deny(
                        "deny rule " + rule.id() + " refuses " + action.scopeName() + " on " + repository);
            }
        }
        return granted;
    }

    private AccessDecision anonymous(Action action, RepositoryName repository) {
        if (action == Action.PULL && isPublic(repository)) {
            return AccessDecision.allow("project " + repository.project() + " is public");
        }
        return AccessDecision.deny("authentication required");
    }

    private AccessDecision robot(String name, Action action, RepositoryName repository) {
        Optional<RobotAccount> robot = policy.robot(name);
        if (robot.isEmpty() || robot.get().revoked()) {
            return AccessDecision.deny("robot " + name + " is revoked");
        }
        if (robot.get().isExpired(clock.instant())) {
            return AccessDecision.deny("robot " + name + " has expired");
        }
        if (action == Action.PULL && isPublic(repository)) {
            // Anyone may pull a public project; a valid robot credential is not worth less than none.
            return AccessDecision.allow("project " + repository.project() + " is public");
        }
        if (!robot.get().covers(repository)) {
            return AccessDecision.deny("robot " + name + " is not scoped to " + repository);
        }
        if (!robot.get().actions().contains(action)) {
            return AccessDecision.deny("robot " + name + " may not " + action.scopeName());
        }
        return AccessDecision.allow("robot " + name + " may " + action.scopeName() + " in its scope");
    }

    private AccessDecision user(Set<Subject> subjects, Action action, RepositoryName repository) {
        for (RoleBinding binding : policy.bindings(subjects)) {
            if (binding.scope().covers(repository)
                    && role(binding.role()).map(r -> r.grants(action)).orElse(false)) {
                return AccessDecision.allow("role " + binding.role() + " on " + describe(binding.scope()));
            }
        }
        if (action == Action.PULL && isPublic(repository)) {
            return AccessDecision.allow("project " + repository.project() + " is public");
        }
        return AccessDecision.deny("no role grants " + action.scopeName() + " on repository:" + repository);
    }

    private boolean systemAdmin(Principal principal) {
        return principal instanceof Principal.User user
                && policy.bindings(userSubjects(user.name())).stream()
                        .anyMatch(b -> b.scope() instanceof BindingScope.System
                                && Role.ADMIN.name().equals(b.role()));
    }

    private boolean isPublic(RepositoryName repository) {
        return policy.project(repository.project())
                .map(ProjectSettings::isPublic)
                .orElse(false);
    }

    private Optional<Role> role(String name) {
        return Role.builtIn(name).or(() -> policy.customRole(name));
    }

    private Set<Subject> subjects(Principal principal) {
        return switch (principal) {
            case Principal.Anonymous anonymous -> Set.of();
            case Principal.Robot robot -> Set.of(new Subject.Robot(robot.name()));
            case Principal.User user -> userSubjects(user.name());
        };
    }

    private Set<Subject> userSubjects(String name) {
        Set<Subject> subjects = new HashSet<>();
        subjects.add(new Subject.User(name));
        policy.groupsOf(name).forEach(g -> subjects.add(new Subject.Group(g)));
        return subjects;
    }

    private static String describe(BindingScope scope) {
        return switch (scope) {
            case BindingScope.System system -> "the registry";
            case BindingScope.Project(String project) -> "project " + project;
            case BindingScope.Repository(RepositoryName repository) -> "repository " + repository;
        };
    }
}

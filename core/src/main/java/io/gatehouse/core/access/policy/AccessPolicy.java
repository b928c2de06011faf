package io.gatehouse.core.access.policy;

import io.gatehouse.core.model.RepositoryName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The access-control state the authorizer reads: projects, groups, bindings, roles, robots, deny rules, labels. */
public interface AccessPolicy {
    Optional<ProjectSettings> project(String name);

    /** Groups the user belongs to (local membership; identity-provider groups join later). */
    Set<String> groupsOf(String user);

    /** Bindings naming any of these subjects. */
    List<RoleBinding> bindings(Set<Subject> subjects);

    /** A custom role defined by a system admin. */
    Optional<Role> customRole(String name);

    Optional<RobotAccount> robot(String name);

    List<DenyRule> denyRules();

    Map<String, String> labels(RepositoryName repository);
}

package io.gatehouse.access.policy;

import io.gatehouse.core.access.policy.AccessPolicy;
import io.gatehouse.core.access.policy.DenyRule;
import io.gatehouse.core.access.policy.ProjectSettings;
import io.gatehouse.core.access.policy.RobotAccount;
import io.gatehouse.core.access.policy.Role;
import io.gatehouse.core.access.policy.RoleBinding;
import io.gatehouse.core.access.policy.Subject;
import io.gatehouse.core.model.RepositoryName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An in-memory policy for unit tests of the decision logic (the store behind it is tested on its own). */
final class InMemoryAccessPolicy implements AccessPolicy {
    final Map<String, ProjectSettings> projects = new HashMap<>();
    final Map<String, Set<String>> groups = new HashMap<>();
    final List<RoleBinding> bindings = new ArrayList<>();
    final Map<String, Role> customRoles = new HashMap<>();
    final Map<String, RobotAccount> robots = new HashMap<>();
    final List<DenyRule> denyRules = new ArrayList<>();
    final Map<RepositoryName, Map<String, String>> labels = new HashMap<>();

    @Override
    public Optional<ProjectSettings> project(String name) {
        return Optional.ofNullable(projects.get(name));
    }

    @Override
    public Set<String> groupsOf(String user) {
        return groups.getOrDefault(user, Set.of());
    }

    @Override
    public List<RoleBinding> bindings(Set<Subject> subjects) {
        return bindings.stream().filter(b -> subjects.contains(b.subject())).toList();
    }

    @Override
    public Optional<Role> customRole(String name) {
        return Optional.ofNullable(customRoles.get(name));
    }

    @Override
    public Optional<RobotAccount> robot(String name) {
        return Optional.ofNullable(robots.get(name));
    }

    @Override
    public List<DenyRule> denyRules() {
        return denyRules;
    }

    @Override
    public Map<String, String> labels(RepositoryName repository) {
        return labels.getOrDefault(repository, Map.of());
    }

    void member(String user, String group) {
        groups.computeIfAbsent(user, u -> new HashSet<>()).add(group);
    }
}

package io.gatehouse.access.policy;

import io.gatehouse.core.access.Resource;
import io.gatehouse.core.access.policy.AccessPolicy;
import io.gatehouse.core.model.Cidr;
import java.util.Optional;

/**
 * A project's network allowlist: when a project lists source networks, its repositories and its management
 * (settings, bindings, robots, rules) can be reached only from them. The decision point lets the system admin
 * manage a project from anywhere, so a wrong list can always be corrected, while a project admin's stolen
 * credentials cannot lift the list from outside it.
 */
public final class ProjectNetworks {
    private final AccessPolicy policy;

    public ProjectNetworks(AccessPolicy policy) {
        this.policy = policy;
    }

    /** Why the source address may not reach the resource, if it may not. */
    public Optional<String> refusal(Resource resource, String sourceAddress) {
        String project;
        switch (resource) {
            case Resource.Repository(var repository) -> project = repository.project();
            case Resource.Project(var name) -> project = name;
            case Resource.Registry registry -> {
                return Optional.empty();
            }
        }
        var cidrs = policy.project(project).map(p -> p.allowedCidrs()).orElse(java.util.List.of());
        if (cidrs.isEmpty() || cidrs.stream().map(Cidr::parse).anyMatch(c -> c.contains(sourceAddress))) {
            return Optional.empty();
        }
        return Optional.of("source address " + sourceAddress + " is not allowed to reach project " + project);
    }
}

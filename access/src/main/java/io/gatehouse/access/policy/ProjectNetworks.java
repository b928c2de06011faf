package io.gatehouse.access.policy;

import io.gatehouse.core.access.Resource;
import io.gatehouse.core.access.policy.AccessPolicy;
import io.gatehouse.core.model.Cidr;
import java.util.Optional;

/**
 * A project's network allowlist: when a project lists source networks, its repositories can be reached only
 * from them, whoever the caller is. Managing the project is not restricted, so an admin who locks the wrong
 * networks out can still correct the list.
 */
public final class ProjectNetworks {
    private final AccessPolicy policy;

    public ProjectNetworks(AccessPolicy policy) {
        this.policy = policy;
    }

    /** Why the source address may not reach the resource, if it may not. */
    public Optional<String> refusal(Resource resource, String sourceAddress) {
        if (!(resource instanceof Resource.Repository(var repository))) {
            return Optional.empty();
        }
        var cidrs =
                policy.project(repository.project()).map(p -> p.allowedCidrs()).orElse(java.util.List.of());
        if (cidrs.isEmpty() || cidrs.stream().map(Cidr::parse).anyMatch(c -> c.contains(sourceAddress))) {
            return Optional.empty();
        }
        return Optional.of(
                "source address " + sourceAddress + " is not allowed to reach project " + repository.project());
    }
}

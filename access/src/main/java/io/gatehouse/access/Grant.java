package io.gatehouse.access;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import java.util.Objects;

/**
 * One permission a credential carries: an action on a resource. Only meaningful pairs exist: pull, push and
 * delete on a repository, catalog on the registry. (Proving identity needs no grant.)
 */
public record Grant(Resource resource, Action action) {
    public Grant {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(action, "action");
        if (!isGrantable(action, resource)) {
            throw new IllegalArgumentException(action.scopeName() + " cannot be granted on " + resource);
        }
    }

    static boolean isGrantable(Action action, Resource resource) {
        return switch (resource) {
            case Resource.Repository r -> action == Action.PULL || action == Action.PUSH || action == Action.DELETE;
            case Resource.Registry r -> action == Action.CATALOG;
            case Resource.Project p -> false; // project management is never delegated to a token
        };
    }

    @Override
    public String toString() {
        return action.scopeName() + " on " + resource;
    }
}

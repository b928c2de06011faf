package io.gatehouse.core.access;

import io.gatehouse.core.model.RepositoryName;

/** What an action is applied to. */
public sealed interface Resource permits Resource.Repository, Resource.Registry {

    record Repository(RepositoryName name) implements Resource {
        @Override
        public String toString() {
            return "repository:" + name;
        }
    }

    /** The registry as a whole (catalog, login). */
    record Registry() implements Resource {
        @Override
        public String toString() {
            return "registry";
        }
    }

    Registry REGISTRY = new Registry();

    static Resource repository(RepositoryName name) {
        return new Repository(name);
    }
}

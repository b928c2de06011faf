package io.gatehouse.core.access;

import io.gatehouse.core.model.RepositoryName;

/** What an action is applied to. */
public sealed interface Resource permits Resource.Repository, Resource.Project, Resource.Registry {

    record Repository(RepositoryName name) implements Resource {
        @Override
        public String toString() {
            return "repository:" + name;
        }
    }

    /** A project as a whole: its settings, role bindings and robots (the admin API). */
    record Project(String name) implements Resource {
        @Override
        public String toString() {
            return "project:" + name;
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

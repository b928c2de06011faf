package io.gatehouse.core.access.policy;

import io.gatehouse.core.model.RepositoryName;
import java.util.Objects;

/** Where a role binding applies: everywhere, one project (and all its repositories), or one repository. */
public sealed interface BindingScope permits BindingScope.System, BindingScope.Project, BindingScope.Repository {

    boolean covers(RepositoryName repository);

    record System() implements BindingScope {
        @Override
        public boolean covers(RepositoryName repository) {
            return true;
        }
    }

    record Project(String name) implements BindingScope {
        public Project {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public boolean covers(RepositoryName repository) {
            return repository.project().equals(name);
        }
    }

    record Repository(RepositoryName name) implements BindingScope {
        @Override
        public boolean covers(RepositoryName repository) {
            return name.equals(repository);
        }
    }

    System SYSTEM = new System();
}

package io.gatehouse.core.access.policy;

import java.util.Objects;

/** Grants a role to a subject within a scope. */
public record RoleBinding(Subject subject, BindingScope scope, String role) {
    public RoleBinding {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(role, "role");
    }
}

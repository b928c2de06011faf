package io.gatehouse.access.policy;

import java.util.Objects;

/** What the authorizer needs to know of a project. Public projects may be pulled by anyone. */
public record ProjectSettings(String name, boolean isPublic) {
    public ProjectSettings {
        Objects.requireNonNull(name, "name");
    }
}

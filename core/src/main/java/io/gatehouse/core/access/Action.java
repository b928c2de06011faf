package io.gatehouse.core.access;

import java.util.Optional;

/** What a request wants to do; each route names one. */
public enum Action {
    /** Read content and list tags. */
    PULL("pull"),
    /** Upload blobs, put manifests and tags. */
    PUSH("push"),
    /** Delete manifests, tags and blobs. */
    DELETE("delete"),
    /** List all repositories (filtered to what the caller may pull). */
    CATALOG("catalog"),
    /** Manage role bindings, robots and settings within a scope (the admin API). */
    MANAGE("manage"),
    /** Prove identity only (the /v2/ base endpoint, login). */
    AUTHENTICATE("login");

    private final String scopeName;

    Action(String scopeName) {
        this.scopeName = scopeName;
    }

    /** The name used in token scopes, e.g. {@code repository:foo:pull,push}. */
    public String scopeName() {
        return scopeName;
    }

    public static Optional<Action> fromScopeName(String name) {
        for (Action a : values()) {
            if (a.scopeName.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}

package io.gatehouse.core.access.policy;

import io.gatehouse.core.access.Action;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named set of actions that a binding grants within its scope. The four built-in roles cover what
 * registries usually need; a system admin may define more (custom roles) from the same actions.
 */
public record Role(String name, Set<Action> actions) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** Pull and list. */
    public static final Role READER = new Role("reader", EnumSet.of(Action.PULL));
    /** Reader plus push. */
    public static final Role WRITER = new Role("writer", EnumSet.of(Action.PULL, Action.PUSH));
    /** Reader plus delete. */
    public static final Role DELETER = new Role("deleter", EnumSet.of(Action.PULL, Action.DELETE));
    /** Everything in its scope, including managing bindings, robots and settings there. */
    public static final Role ADMIN =
            new Role("admin", EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE, Action.MANAGE));

    private static final Map<String, Role> BUILT_IN =
            Map.of(READER.name, READER, WRITER.name, WRITER, DELETER.name, DELETER, ADMIN.name, ADMIN);

    public Role {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("role names are lowercase letters, digits and '-'");
        }
        if (actions.contains(Action.AUTHENTICATE) || actions.contains(Action.CATALOG)) {
            throw new IllegalArgumentException("roles grant repository actions only");
        }
        actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
    }

    public static Optional<Role> builtIn(String name) {
        return Optional.ofNullable(BUILT_IN.get(name));
    }

    public static boolean isBuiltIn(String name) {
        return BUILT_IN.containsKey(name);
    }

    public boolean grants(Action action) {
        return actions.contains(action);
    }
}

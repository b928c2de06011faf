package io.gatehouse.access;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.model.RepositoryName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Docker token scope: a resource and the actions asked for (or granted) on it. Its string form is
 * {@code repository:NAME:pull,push} or {@code registry:catalog:*}; the same parts appear as one entry of a
 * token's {@code access} claim ({@link #type()}, {@link #name()}, {@link #actionNames()}).
 *
 * <p>Parsing follows the distribution token server: unknown resource types and unknown actions are
 * ignored (they grant nothing), while a malformed scope or an invalid repository name is refused.
 */
public record Scope(Resource resource, Set<Action> actions) {

    public static final String REPOSITORY = "repository";
    public static final String REGISTRY = "registry";
    public static final String CATALOG = "catalog";
    private static final String ALL_ACTIONS = "*";
    private static final Set<Action> REPOSITORY_ACTIONS = EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE);
    private static final int MAX_SCOPE_LENGTH = 512;
    private static final int MAX_SCOPES = 64;

    public Scope {
        Objects.requireNonNull(resource, "resource");
        if (actions == null || actions.isEmpty()) {
            throw new IllegalArgumentException("a scope needs at least one action");
        }
        for (Action a : actions) {
            if (!Grant.isGrantable(a, resource)) {
                throw new IllegalArgumentException(a.scopeName() + " cannot be granted on " + resource);
            }
        }
        actions = Collections.unmodifiableSet(EnumSet.copyOf(actions));
    }

    public static Scope of(Resource resource, Action first, Action... rest) {
        return new Scope(resource, EnumSet.of(first, rest));
    }

    /** {@code registry:catalog:*}. */
    public static Scope catalog() {
        return of(Resource.REGISTRY, Action.CATALOG);
    }

    /** One grant per action. */
    public Set<Grant> grants() {
        return actions.stream().map(a -> new Grant(resource, a)).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** {@code repository} or {@code registry}. */
    public String type() {
        return resource instanceof Resource.Repository ? REPOSITORY : REGISTRY;
    }

    /** The repository name, or {@code catalog}. */
    public String name() {
        return switch (resource) {
            case Resource.Repository r -> r.name().value();
            case Resource.Registry r -> CATALOG;
            case Resource.Project p -> p.name();
        };
    }

    /** Action names in a stable order: {@code pull, push, delete}, or {@code *} for the catalog. */
    public List<String> actionNames() {
        if (resource instanceof Resource.Registry) {
            return List.of(ALL_ACTIONS);
        }
        return actions.stream().map(Action::scopeName).toList();
    }

    /** The string form, as sent in a {@code scope} parameter. */
    public String render() {
        return type() + ":" + name() + ":" + String.join(",", actionNames());
    }

    @Override
    public String toString() {
        return render();
    }

    /**
     * Parses one scope. Empty if its type or every one of its actions is unknown (it grants nothing).
     *
     * @throws Invalid if it does not have the {@code type:name:actions} shape or the repository name is invalid
     */
    public static Optional<Scope> parse(String scope) {
        if (scope == null || scope.isEmpty() || scope.length() > MAX_SCOPE_LENGTH) {
            throw new Invalid(Invalid.Kind.PARAMETER, "malformed scope");
        }
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (first <= 0 || last == first || last == first + 1) {
            throw new Invalid(Invalid.Kind.PARAMETER, "malformed scope");
        }
        String type = scope.substring(0, first);
        String name = scope.substring(first + 1, last);
        List<String> actions = List.of(scope.substring(last + 1).split(",", -1));
        return fromParts(type, name, actions);
    }

    /**
     * Parses the {@code scope} parameters of a token request. Each may hold several scopes separated by
     * spaces; scopes on the same resource are merged. Order of first appearance is kept.
     *
     * @throws Invalid if any scope is malformed or there are too many
     */
    public static List<Scope> parseAll(Collection<String> scopeParameters) {
        List<Scope> parsed = new ArrayList<>();
        int count = 0;
        for (String parameter : scopeParameters) {
            if (parameter == null) {
                continue;
            }
            for (String one : parameter.split(" ")) {
                if (one.isEmpty()) {
                    continue;
                }
                if (++count > MAX_SCOPES) {
                    throw new Invalid(Invalid.Kind.PARAMETER, "too many scopes");
                }
                parse(one).ifPresent(parsed::add);
            }
        }
        return merge(parsed);
    }

    /**
     * A scope from its three parts, as they appear in a token's {@code access} claim. Empty if the type or
     * all of the actions are unknown.
     *
     * @throws Invalid if the repository name is invalid
     */
    public static Optional<Scope> fromParts(String type, String name, Collection<String> actionNames) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        switch (type) {
            case REPOSITORY -> {
                RepositoryName repository = RepositoryName.parse(name);
                Set<Action> actions = EnumSet.noneOf(Action.class);
                for (String actionName : actionNames) {
                    if (ALL_ACTIONS.equals(actionName)) {
                        actions.addAll(REPOSITORY_ACTIONS);
                    } else {
                        Action.fromScopeName(actionName)
                                .filter(REPOSITORY_ACTIONS::contains)
                                .ifPresent(actions::add);
                    }
                }
                return actions.isEmpty()
                        ? Optional.empty()
                        : Optional.of(new Scope(Resource.repository(repository), actions));
            }
            case REGISTRY -> {
                boolean catalog = CATALOG.equals(name)
                        && actionNames.stream().anyMatch(a -> ALL_ACTIONS.equals(a) || CATALOG.equals(a));
                return catalog ? Optional.of(catalog()) : Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** The grants as scopes, one per resource, in order of first appearance. */
    public static List<Scope> fromGrants(Collection<Grant> grants) {
        Map<Resource, Set<Action>> byResource = new LinkedHashMap<>();
        for (Grant g : grants) {
            byResource
                    .computeIfAbsent(g.resource(), r -> EnumSet.noneOf(Action.class))
                    .add(g.action());
        }
        return byResource.entrySet().stream()
                .map(e -> new Scope(e.getKey(), e.getValue()))
                .toList();
    }

    /** All grants of the scopes. */
    public static Set<Grant> grantsOf(Collection<Scope> scopes) {
        Set<Grant> grants = new LinkedHashSet<>();
        scopes.forEach(s -> grants.addAll(s.grants()));
        return grants;
    }

    /** Space-separated string forms, as in a {@code WWW-Authenticate} {@code scope} parameter. */
    public static String renderAll(Collection<Scope> scopes) {
        return scopes.stream().map(Scope::render).collect(Collectors.joining(" "));
    }

    private static List<Scope> merge(List<Scope> scopes) {
        return fromGrants(grantsOf(scopes));
    }
}

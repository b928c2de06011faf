package io.gatehouse.core.access.policy;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.model.RepositoryName;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A machine identity: it may do exactly {@code actions}, only within {@code scopes}, until it expires or is
 * revoked. Role bindings do not apply to robots, so a push-only robot can never pull.
 */
public record RobotAccount(
        String name, List<BindingScope> scopes, Set<Action> actions, Optional<Instant> expiresAt, boolean revoked) {
    public RobotAccount {
        Objects.requireNonNull(name, "name");
        scopes = List.copyOf(scopes);
        actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
        expiresAt = expiresAt == null ? Optional.empty() : expiresAt;
    }

    public boolean isExpired(Instant now) {
        return expiresAt.map(t -> !now.isBefore(t)).orElse(false);
    }

    public boolean covers(RepositoryName repository) {
        return scopes.stream().anyMatch(s -> s.covers(repository));
    }
}

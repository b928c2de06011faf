package io.gatehouse.server;

import io.gatehouse.access.Scope;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import io.gatehouse.http.Dispatcher;
import io.gatehouse.http.Exchange;
import java.util.Optional;

/**
 * The {@code WWW-Authenticate: Bearer realm="…/token",service="…",scope="…"} header that sends docker,
 * podman and skopeo to the token endpoint. Push routes ask for {@code pull,push}, as those clients do.
 */
final class BearerChallenge implements Dispatcher.Challenge {
    private final String publicUrl;
    private final String service;

    BearerChallenge(String publicUrl, String service) {
        this.publicUrl = publicUrl == null ? "" : publicUrl.replaceAll("/+$", "");
        this.service = service;
    }

    @Override
    public String header(Exchange ex, Optional<Resource> resource, Action action, boolean insufficientScope) {
        String base = publicUrl.isEmpty() ? ex.baseUrl() : publicUrl;
        StringBuilder header = new StringBuilder("Bearer realm=\"")
                .append(base)
                .append("/token\",service=\"")
                .append(service)
                .append('"');
        scopeOf(resource, action)
                .ifPresent(scope ->
                        header.append(",scope=\"").append(scope.render()).append('"'));
        if (insufficientScope) {
            header.append(",error=\"insufficient_scope\"");
        }
        return header.toString();
    }

    private static Optional<Scope> scopeOf(Optional<Resource> resource, Action action) {
        if (action == Action.CATALOG) {
            return Optional.of(Scope.catalog());
        }
        if (resource.isEmpty() || action == Action.AUTHENTICATE || resource.get() instanceof Resource.Project) {
            return Optional.empty();
        }
        return Optional.of(
                action == Action.PUSH
                        ? Scope.of(resource.get(), Action.PULL, Action.PUSH)
                        : Scope.of(resource.get(), action));
    }
}

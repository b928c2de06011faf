package io.gatehouse.audit.anomaly;

import io.gatehouse.core.access.AccessDecision;
import io.gatehouse.core.access.AccessRequest;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.RepositoryName;
import java.time.Instant;

/** Builds the events the server emits, at chosen times, for feeding rules without a server. */
final class SyntheticEvents {
    private SyntheticEvents() {}

    static Event.AccessDecided decided(Instant at, String principal, Action action, String repository, String from) {
        return decided(at, principal, action, repository, from, true);
    }

    static Event.AccessDecided decided(
            Instant at, String principal, Action action, String repository, String from, boolean allowed) {
        var request = new AccessRequest(
                new Principal.User(principal, Principal.AuthMethod.BASIC),
                action,
                Resource.repository(RepositoryName.parse(repository)),
                from,
                "test/1.0",
                "req-1");
        return new Event.AccessDecided(
                at, request, allowed ? AccessDecision.allow("granted") : AccessDecision.deny("no role"));
    }

    static Event.AuthenticationFailed failed(Instant at, String account, String address) {
        return new Event.AuthenticationFailed(
                at, account, address, "probe/1.0", "req-1", "invalid username or password");
    }
}

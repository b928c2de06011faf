package io.gatehouse.access;

import io.gatehouse.access.AuthorizationDecision.Outcome;
import io.gatehouse.core.access.AccessDecision;
import io.gatehouse.core.access.AccessRequest;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Authorizer;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The one place access is decided. A request is allowed only if the caller's credential covers it and the
 * {@link Authorizer} grants it; every decision, allowed or denied, is emitted as {@link Event.AccessDecided}.
 */
public final class AccessDecisionPoint {
    private final Authorizer authorizer;
    private final BiFunction<Resource, String, Optional<String>> networks;
    private final EventSink events;
    private final Clock clock;

    public AccessDecisionPoint(Authorizer authorizer, EventSink events, Clock clock) {
        this(authorizer, (resource, source) -> Optional.empty(), events, clock);
    }

    /**
     * @param networks why a source address may not reach a resource (project allowlists), checked before the
     *     authorizer for every caller
     */
    public AccessDecisionPoint(
            Authorizer authorizer,
            BiFunction<Resource, String, Optional<String>> networks,
            EventSink events,
            Clock clock) {
        this.networks = Objects.requireNonNull(networks, "networks");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public AccessDecisionPoint(Authorizer authorizer, EventSink events) {
        this(authorizer, events, Clock.systemUTC());
    }

    /**
     * Decides and audits one request. If the authorizer fails, a denial is audited and the failure is
     * rethrown (so a store outage becomes 503, not 403).
     */
    public AuthorizationDecision decide(Caller caller, Action action, Resource resource, RequestContext context) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(context, "context");
        AuthorizationDecision decision;
        try {
            decision = evaluate(caller, action, resource, context);
        } catch (RuntimeException e) {
            audit(caller, action, resource, context, AccessDecision.deny("authorization could not be decided"));
            throw e;
        }
        audit(caller, action, resource, context, decision.toAccessDecision());
        return decision;
    }

    /**
     * For the token endpoint: of the requested grants, those the caller may have, in request order. Each
     * grant is decided (and audited) on its own.
     */
    public Set<Grant> grantable(Caller caller, Set<Grant> requested, RequestContext context) {
        Set<Grant> granted = new LinkedHashSet<>();
        for (Grant grant : requested) {
            if (decide(caller, grant.action(), grant.resource(), context).allowed()) {
                granted.add(grant);
            }
        }
        return granted;
    }

    /**
     * Records refused credentials: not a decision on a resource, but audited (and watched for anomalies)
     * like one.
     *
     * @param account the account name the caller claimed, null if none
     * @param reason why, as told to the client; never the credential
     */
    public void authenticationFailed(String account, RequestContext context, String reason) {
        events.emit(new Event.AuthenticationFailed(
                clock.instant(), account, context.sourceAddress(), context.userAgent(), context.requestId(), reason));
    }

    private AuthorizationDecision evaluate(Caller caller, Action action, Resource resource, RequestContext context) {
        if (!caller.grants().covers(action, resource)) {
            return new AuthorizationDecision(
                    Outcome.INSUFFICIENT_SCOPE, "token does not grant " + action.scopeName() + " on " + resource);
        }
        Optional<String> refusal = networks.apply(resource, context.sourceAddress());
        if (refusal.isPresent() && !(resource instanceof Resource.Project && systemAdmin(caller))) {
            return new AuthorizationDecision(Outcome.DENIED, refusal.get());
        }
        AccessDecision answer = authorizer.decide(caller.principal(), action, resource);
        if (answer != null && answer.allowed()) {
            return new AuthorizationDecision(Outcome.ALLOWED, answer.reason() == null ? "allowed" : answer.reason());
        }
        String reason = answer == null || answer.reason() == null ? "denied by default" : answer.reason();
        return new AuthorizationDecision(
                caller.isAnonymous() ? Outcome.AUTHENTICATION_REQUIRED : Outcome.DENIED, reason);
    }

    /** The system admin may manage a project from outside its allowlist, to correct a wrong list. */
    private boolean systemAdmin(Caller caller) {
        if (!caller.grants().covers(Action.MANAGE, Resource.REGISTRY)) {
            return false;
        }
        AccessDecision answer = authorizer.decide(caller.principal(), Action.MANAGE, Resource.REGISTRY);
        return answer != null && answer.allowed();
    }

    private void audit(
            Caller caller, Action action, Resource resource, RequestContext context, AccessDecision decision) {
        AccessRequest request = new AccessRequest(
                caller.principal(),
                action,
                resource,
                context.sourceAddress(),
                context.userAgent(),
                context.requestId(),
                context.reference());
        events.emit(new Event.AccessDecided(clock.instant(), request, decision));
    }
}

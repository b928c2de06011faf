package io.gatehouse.access;

import io.gatehouse.access.AuthorizationDecision.Outcome;
import io.gatehouse.access.policy.VulnerabilityGate;
import io.gatehouse.core.access.AccessDecision;
import io.gatehouse.core.access.AccessRequest;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Authorizer;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.model.RepositoryName;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The one place access is decided. A request is allowed only if the caller's credential covers it and the
 * {@link Authorizer} grants it; every decision, allowed or denied, is emitted as {@link Event.AccessDecided}.
 * A manifest pull ({@link #decidePull}) must also pass the pull gates (the vulnerability policy), in the same
 * decision: one audited record per request, and a refusal also emits {@link Event.PolicyViolation}.
 */
public final class AccessDecisionPoint {
    /** Decides on the content of a manifest pull that access control allowed: (repository, tag or digest). */
    @FunctionalInterface
    public interface PullGate {
        VulnerabilityGate.Verdict check(RepositoryName repository, String reference);

        PullGate OPEN = (repository, reference) -> new VulnerabilityGate.Verdict.Pass(Optional.empty());
    }

    private final Authorizer authorizer;
    private final BiFunction<Resource, String, Optional<String>> networks;
    private final PullGate pullGate;
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
        this(authorizer, networks, PullGate.OPEN, events, clock);
    }

    /** @param pullGate what a manifest pull must also pass once access control allowed it */
    public AccessDecisionPoint(
            Authorizer authorizer,
            BiFunction<Resource, String, Optional<String>> networks,
            PullGate pullGate,
            EventSink events,
            Clock clock) {
        this.networks = Objects.requireNonNull(networks, "networks");
        this.pullGate = Objects.requireNonNull(pullGate, "pullGate");
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
     * Decides and audits a pull of the manifest {@code context.reference()} (a tag or digest): access control
     * first, then the pull gate. The audit record of a refusal carries the gate's reason; a gate that cannot
     * decide fails closed (its {@code Unavailable} is rethrown after a denial is audited). An allowed decision
     * names the digest the gate checked, which the caller must serve.
     */
    public AuthorizationDecision decidePull(Caller caller, RepositoryName repository, RequestContext context) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(context, "context");
        Resource resource = Resource.repository(repository);
        AuthorizationDecision decision;
        VulnerabilityGate.Verdict.Refuse refused = null;
        try {
            decision = evaluate(caller, Action.PULL, resource, context);
            if (decision.allowed() && context.reference() != null) {
                switch (pullGate.check(repository, context.reference())) {
                    case VulnerabilityGate.Verdict.Pass pass ->
                        decision = new AuthorizationDecision(decision.outcome(), decision.reason(), pass.checked());
                    case VulnerabilityGate.Verdict.Refuse refuse -> {
                        refused = refuse;
                        decision = new AuthorizationDecision(Outcome.DENIED, refuse.reason());
                    }
                }
            }
        } catch (RuntimeException e) {
            audit(caller, Action.PULL, resource, context, AccessDecision.deny("authorization could not be decided"));
            throw e;
        }
        audit(caller, Action.PULL, resource, context, decision.toAccessDecision());
        if (refused != null) {
            events.emit(new Event.PolicyViolation(
                    clock.instant(),
                    repository,
                    refused.digest(),
                    caller.principal().name(),
                    refused.policy(),
                    refused.reason()));
        }
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

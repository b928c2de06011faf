package io.gatehouse.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.access.AuthorizationDecision.Outcome;
import io.gatehouse.core.access.AccessDecision;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.RepositoryName;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AccessDecisionPointTest {
    static final Resource FOO = Resource.repository(RepositoryName.parse("team/foo"));
    static final Resource BAR = Resource.repository(RepositoryName.parse("team/bar"));
    static final Caller ADMIN = Caller.withPassword("admin");
    static final Caller BOB = Caller.withPassword("bob");
    static final RequestContext CONTEXT = new RequestContext("203.0.113.7", "docker/27.0", "req-42");

    MutableClock clock;
    RecordingEventSink events;
    AccessDecisionPoint decisions;

    @BeforeEach
    void setUp() {
        clock = new MutableClock();
        events = new RecordingEventSink();
        decisions = new AccessDecisionPoint(new AdminOnlyAuthorizer(), events, clock);
    }

    static Stream<Arguments> matrix() {
        List<Object[]> requests = List.of(
                new Object[] {Action.PULL, FOO},
                new Object[] {Action.PUSH, FOO},
                new Object[] {Action.DELETE, FOO},
                new Object[] {Action.CATALOG, Resource.REGISTRY},
                new Object[] {Action.AUTHENTICATE, Resource.REGISTRY});
        return Stream.of(new Object[] {"admin", ADMIN}, new Object[] {"anonymous", Caller.ANONYMOUS}, new Object[] {
                    "bob", BOB
                })
                .flatMap(who -> requests.stream()
                        .map(r -> Arguments.of(who[0], who[1], r[0], r[1], expected((String) who[0], (Action) r[0]))));
    }

    static Outcome expected(String who, Action action) {
        return switch (who) {
            case "admin" -> Outcome.ALLOWED;
            case "anonymous" -> Outcome.AUTHENTICATION_REQUIRED;
            default -> action == Action.AUTHENTICATE ? Outcome.ALLOWED : Outcome.DENIED;
        };
    }

    @ParameterizedTest(name = "{0} {2} {3} -> {4}")
    @MethodSource("matrix")
    void decidesTheMatrixAndAuditsEachDecisionOnce(
            String who, Caller caller, Action action, Resource resource, Outcome expected) {
        AuthorizationDecision decision = decisions.decide(caller, action, resource, CONTEXT);

        assertThat(decision.outcome()).isEqualTo(expected);
        assertThat(decision.allowed()).isEqualTo(expected == Outcome.ALLOWED);
        assertThat(events.events).hasSize(1);
        Event.AccessDecided event = (Event.AccessDecided) events.events.get(0);
        assertThat(event.at()).isEqualTo(clock.instant());
        assertThat(event.request().principal()).isEqualTo(caller.principal());
        assertThat(event.request().action()).isEqualTo(action);
        assertThat(event.request().resource()).isEqualTo(resource);
        assertThat(event.request().sourceAddress()).isEqualTo("203.0.113.7");
        assertThat(event.request().userAgent()).isEqualTo("docker/27.0");
        assertThat(event.request().requestId()).isEqualTo("req-42");
        assertThat(event.decision()).isEqualTo(new AccessDecision(decision.allowed(), decision.reason()));
    }

    @Test
    void denialSaysWhatWasMissing() {
        assertThat(decisions.decide(BOB, Action.PUSH, FOO, CONTEXT).reason())
                .isEqualTo("no role grants push on repository:team/foo");
        assertThat(decisions.decide(Caller.ANONYMOUS, Action.PULL, FOO, CONTEXT).reason())
                .contains("no role grants pull on repository:team/foo");
    }

    @Test
    void tokenThatDoesNotCoverTheActionIsInsufficientScopeEvenForAdmin() {
        Caller adminToken = tokenCaller("admin", Set.of(new Grant(FOO, Action.PULL)));

        assertThat(decisions.decide(adminToken, Action.PULL, FOO, CONTEXT).outcome())
                .isEqualTo(Outcome.ALLOWED);
        AuthorizationDecision push = decisions.decide(adminToken, Action.PUSH, FOO, CONTEXT);
        assertThat(push.outcome()).isEqualTo(Outcome.INSUFFICIENT_SCOPE);
        assertThat(push.reason()).isEqualTo("token does not grant push on repository:team/foo");
        assertThat(decisions.decide(adminToken, Action.PULL, BAR, CONTEXT).outcome())
                .isEqualTo(Outcome.INSUFFICIENT_SCOPE);
        assertThat(decisions
                        .decide(adminToken, Action.CATALOG, Resource.REGISTRY, CONTEXT)
                        .outcome())
                .isEqualTo(Outcome.INSUFFICIENT_SCOPE);
        assertThat(decisions
                        .decide(adminToken, Action.AUTHENTICATE, Resource.REGISTRY, CONTEXT)
                        .outcome())
                .as("any valid token proves identity")
                .isEqualTo(Outcome.ALLOWED);
        assertThat(events.events).hasSize(5);
        assertThat(((Event.AccessDecided) events.events.get(1)).decision())
                .isEqualTo(AccessDecision.deny("token does not grant push on repository:team/foo"));
    }

    @Test
    void tokenGrantsDoNotOverrideTheAuthorizer() {
        Caller bobToken = tokenCaller("bob", Set.of(new Grant(FOO, Action.PUSH)));
        assertThat(decisions.decide(bobToken, Action.PUSH, FOO, CONTEXT).outcome())
                .isEqualTo(Outcome.DENIED);
    }

    @Test
    void grantableIsTheAllowedPartOfTheRequestAndAuditsEachGrant() {
        Set<Grant> requested = new LinkedHashSet<>(List.of(
                new Grant(FOO, Action.PULL),
                new Grant(FOO, Action.PUSH),
                new Grant(Resource.REGISTRY, Action.CATALOG)));

        assertThat(decisions.grantable(ADMIN, requested, CONTEXT)).containsExactlyElementsOf(requested);
        assertThat(decisions.grantable(BOB, requested, CONTEXT)).isEmpty();
        assertThat(decisions.grantable(Caller.ANONYMOUS, requested, CONTEXT)).isEmpty();
        assertThat(decisions.grantable(tokenCaller("admin", Set.of(new Grant(FOO, Action.PULL))), requested, CONTEXT))
                .containsExactly(new Grant(FOO, Action.PULL));
        assertThat(events.events).hasSize(12).allMatch(e -> e instanceof Event.AccessDecided);
    }

    @Test
    void authorizerFailureIsAuditedAsDenialAndRethrown() {
        Unavailable outage = new Unavailable("database unavailable", null);
        AccessDecisionPoint failing = new AccessDecisionPoint(
                (p, a, r) -> {
                    throw outage;
                },
                events,
                clock);

        assertThatThrownBy(() -> failing.decide(BOB, Action.PULL, FOO, CONTEXT)).isSameAs(outage);
        assertThat(events.events)
                .singleElement()
                .satisfies(e -> assertThat(((Event.AccessDecided) e).decision().allowed())
                        .isFalse());
    }

    @Test
    void authorizerWithoutAnAnswerDenies() {
        AccessDecisionPoint silent = new AccessDecisionPoint((p, a, r) -> null, events, clock);
        assertThat(silent.decide(ADMIN, Action.PULL, FOO, CONTEXT).outcome()).isEqualTo(Outcome.DENIED);
        assertThat(events.events).hasSize(1);
    }

    @Test
    void contextValuesAreBounded() {
        RequestContext context = new RequestContext(null, "x".repeat(10_000), "id");
        assertThat(context.userAgent()).hasSize(256);
        assertThat(context.sourceAddress()).isNull();
    }

    static Caller tokenCaller(String user, Set<Grant> grants) {
        return Caller.withToken(
                new VerifiedToken(new Principal.User(user, Principal.AuthMethod.BEARER), grants, Instant.MAX));
    }
}

package io.gatehouse.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.access.AuthorizationDecision.Outcome;
import io.gatehouse.access.policy.VulnerabilityGate.Verdict;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.error.Unavailable;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A manifest pull is one decision: access control, then the pull gate; audited once, refusals also as policy violations. */
class PullDecisionTest {
    static final RepositoryName REPO = RepositoryName.parse("team/app");
    static final Digest IMAGE = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));
    static final RequestContext CONTEXT = new RequestContext("203.0.113.7", "skopeo/1.18", "req-7").withReference("v1");

    MutableClock clock = new MutableClock();
    RecordingEventSink events = new RecordingEventSink();
    AtomicInteger gateCalls = new AtomicInteger();

    AccessDecisionPoint decisions(Verdict verdict) {
        return new AccessDecisionPoint(
                new AdminOnlyAuthorizer(),
                (resource, source) -> Optional.empty(),
                (repository, reference) -> {
                    gateCalls.incrementAndGet();
                    assertThat(reference).isEqualTo("v1");
                    return verdict;
                },
                events,
                clock);
    }

    @Test
    void aRefusedPullIsOneAuditedDenialWithTheGatesReasonAndAPolicyViolation() {
        var decision = decisions(new Verdict.Refuse(IMAGE, "vulnerability-threshold", "CVE-1 is critical"))
                .decidePull(Caller.withPassword("admin"), REPO, CONTEXT);

        assertThat(decision.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(decision.reason()).isEqualTo("CVE-1 is critical");
        assertThat(events.events).hasSize(2);
        var decided = (Event.AccessDecided) events.events.get(0);
        assertThat(decided.decision().allowed()).isFalse();
        assertThat(decided.decision().reason()).isEqualTo("CVE-1 is critical");
        assertThat(decided.request().action()).isEqualTo(Action.PULL);
        assertThat(decided.request().reference()).isEqualTo("v1");
        var violation = (Event.PolicyViolation) events.events.get(1);
        assertThat(violation.repository()).isEqualTo(REPO);
        assertThat(violation.digest()).isEqualTo(IMAGE);
        assertThat(violation.principal()).isEqualTo("admin");
        assertThat(violation.policy()).isEqualTo("vulnerability-threshold");
        assertThat(violation.summary()).isEqualTo("CVE-1 is critical");
    }

    @Test
    void anAllowedPullNamesTheCheckedDigestAndIsAuditedOnce() {
        var decision =
                decisions(new Verdict.Pass(Optional.of(IMAGE))).decidePull(Caller.withPassword("admin"), REPO, CONTEXT);
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.pinned()).contains(IMAGE);
        assertThat(events.events).hasSize(1).first().isInstanceOf(Event.AccessDecided.class);
    }

    @Test
    void accessControlDecidesFirstAndTheGateIsNotAskedForARefusedCaller() {
        var decision =
                decisions(new Verdict.Pass(Optional.of(IMAGE))).decidePull(Caller.withPassword("bob"), REPO, CONTEXT);
        assertThat(decision.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(gateCalls).hasValue(0);
        assertThat(events.events).hasSize(1);
    }

    @Test
    void aGateFailureIsAuditedAsADenialAndRethrown() {
        var decisions = new AccessDecisionPoint(
                new AdminOnlyAuthorizer(),
                (resource, source) -> Optional.empty(),
                (repository, reference) -> {
                    throw new Unavailable("the pull policy could not read the scan verdict; try again", null);
                },
                events,
                clock);
        assertThatThrownBy(() -> decisions.decidePull(Caller.withPassword("admin"), REPO, CONTEXT))
                .isInstanceOf(Unavailable.class);
        assertThat(events.events).hasSize(1);
        assertThat(((Event.AccessDecided) events.events.get(0)).decision().allowed())
                .isFalse();
    }
}

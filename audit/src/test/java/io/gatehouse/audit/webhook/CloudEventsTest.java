package io.gatehouse.audit.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.access.AccessDecision;
import io.gatehouse.core.access.AccessRequest;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which domain events become which CloudEvents, with which project and data. */
class CloudEventsTest {
    static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
    static final RepositoryName APP = RepositoryName.parse("teama/app");
    static final Digest D1 = Digest.sha256("one".getBytes(StandardCharsets.UTF_8));
    static final Digest D2 = Digest.sha256("two".getBytes(StandardCharsets.UTF_8));

    final AtomicInteger ids = new AtomicInteger();
    final CloudEvents events = new CloudEvents("https://registry.example", () -> "id-" + ids.incrementAndGet());

    static JsonNode json(CloudEvent e) throws Exception {
        return new ObjectMapper().readTree(e.toJson());
    }

    static Event.AccessDecided decided(Action action, Resource resource, boolean allowed) {
        return new Event.AccessDecided(
                T,
                new AccessRequest(
                        new Principal.User("alice", Principal.AuthMethod.BASIC),
                        action,
                        resource,
                        "10.0.0.1",
                        "curl",
                        "req-1"),
                allowed ? AccessDecision.allow("role writer") : AccessDecision.deny("no role grants pull"));
    }

    @Test
    void aPushThatMovesATagIsAlsoTagMoved() throws Exception {
        var fresh =
                events.map(new Event.ManifestPushed(T, APP, D1, "application/vnd.oci.image.manifest.v1+json", "v1"));
        assertThat(fresh).extracting(CloudEvent::type).containsExactly("artifact.pushed");

        var moved = events.map(
                new Event.ManifestPushed(T, APP, D2, "application/vnd.oci.image.manifest.v1+json", "v1", D1));
        assertThat(moved).extracting(CloudEvent::type).containsExactly("artifact.pushed", "tag.moved");
        JsonNode tagMoved = json(moved.get(1));
        assertThat(tagMoved.path("specversion").asText()).isEqualTo("1.0");
        assertThat(tagMoved.path("type").asText()).isEqualTo("io.gatehouse.tag.moved");
        assertThat(tagMoved.path("source").asText()).isEqualTo("https://registry.example");
        assertThat(tagMoved.path("time").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(tagMoved.path("subject").asText()).isEqualTo("teama/app:v1");
        assertThat(tagMoved.path("data").path("previousDigest").asText()).isEqualTo(D1.toString());
        assertThat(moved.get(1).project()).contains("teama");

        var same = events.map(new Event.ManifestPushed(T, APP, D1, "m", "v1", D1));
        assertThat(same)
                .as("pushing the same digest again moves nothing")
                .extracting(CloudEvent::type)
                .containsExactly("artifact.pushed");
    }

    @Test
    void deniedDecisionsAreAccessDeniedAndAllowedPullsArtifactPulled() throws Exception {
        var denied = events.map(decided(Action.PULL, Resource.repository(APP), false));
        assertThat(denied).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("access.denied");
            assertThat(e.project()).contains("teama");
        });
        JsonNode data = json(denied.getFirst()).path("data");
        assertThat(data.path("principal").asText()).isEqualTo("alice");
        assertThat(data.path("authMethod").asText()).isEqualTo("basic");
        assertThat(data.path("reason").asText()).isEqualTo("no role grants pull");
        assertThat(data.path("sourceAddress").asText()).isEqualTo("10.0.0.1");

        assertThat(events.map(decided(Action.PULL, Resource.repository(APP), true)))
                .extracting(CloudEvent::type)
                .containsExactly("artifact.pulled");
        assertThat(events.map(decided(Action.PUSH, Resource.repository(APP), true)))
                .isEmpty();
        assertThat(events.map(decided(Action.MANAGE, Resource.REGISTRY, false)))
                .singleElement()
                .satisfies(e -> assertThat(e.project()).isEmpty());
    }

    @Test
    void deletesBreakGlassAndAnomalies() {
        assertThat(events.map(new Event.ManifestDeleted(T, APP, D1)))
                .extracting(CloudEvent::type, CloudEvent::subject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("artifact.deleted", "teama/app@" + D1));
        assertThat(events.map(new Event.TagDeleted(T, APP, "v1")))
                .extracting(CloudEvent::type, CloudEvent::subject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("tag.deleted", "teama/app:v1"));
        assertThat(events.map(new Event.BreakGlassUsed(T, "admin", "10.0.0.9", "r")))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.type()).isEqualTo("breakglass.used");
                    assertThat(e.project()).as("only system-wide webhooks").isEmpty();
                });
        assertThat(events.map(new Event.AnomalyDetected(
                        T, "pull-rate-spike", "repository:teama/app", "spike", Map.of("count", "900"))))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.type()).isEqualTo("anomaly.detected");
                    assertThat(e.project()).contains("teama");
                });
        assertThat(events.map(new Event.AnomalyDetected(T, "auth-failures", "account:bob", "many", Map.of())))
                .singleElement()
                .satisfies(e -> assertThat(e.project()).isEmpty());
        assertThat(events.map(new Event.BlobCommitted(T, APP, D1, 3))).isEmpty();
    }

    @Test
    void aRefusedPullIsAPolicyViolationOfItsProject() throws Exception {
        var violation =
                new Event.PolicyViolation(T, APP, D1, "alice", "vulnerability-threshold", "CVE-1 (critical, zlib 1.2)");
        assertThat(CloudEvents.typesOf(violation)).containsExactly("policy.violation");
        var e = events.map(violation).getFirst();
        assertThat(e.type()).isEqualTo("policy.violation");
        assertThat(e.subject()).isEqualTo("teama/app@" + D1);
        assertThat(e.project()).contains("teama");
        JsonNode data = json(e).path("data");
        assertThat(data.path("policy").asText()).isEqualTo("vulnerability-threshold");
        assertThat(data.path("principal").asText()).isEqualTo("alice");
        assertThat(data.path("summary").asText()).isEqualTo("CVE-1 (critical, zlib 1.2)");
    }

    @Test
    void everyTypeLaterIssuesEmitIsAlreadySubscribable() {
        for (String type : List.of("quota.warning", "scan.completed", "vulnerability.found", "policy.violation")) {
            assertThat(EventTypes.isSubscribable(type)).as(type).isTrue();
        }
        assertThat(EventTypes.isSubscribable("webhook.test"))
                .as("sent to every webhook, not subscribed to")
                .isFalse();
        assertThat(events.test(T, "wh_1", Optional.of("teama"), "admin").type()).isEqualTo("webhook.test");
    }

    @Test
    void scanEventsCarryTheirVerdictToTheProjectsWebhooks() throws Exception {
        var completed = events.map(new Event.ScanCompleted(
                T, APP, D1, io.gatehouse.core.scan.ScanStatus.COMPLETE, Map.of("critical", 1, "high", 0), "push"));
        assertThat(completed).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("scan.completed");
            assertThat(e.project()).contains("teama");
        });
        JsonNode scan = json(completed.getFirst());
        assertThat(scan.path("subject").asText()).isEqualTo("teama/app@" + D1);
        assertThat(scan.path("data").path("status").asText()).isEqualTo("complete");
        assertThat(scan.path("data").path("trigger").asText()).isEqualTo("push");
        assertThat(scan.path("data").path("counts").path("critical").asInt()).isEqualTo(1);

        var found = events.map(new Event.VulnerabilityFound(
                T, APP, D1, List.of("DEBIAN-CVE-2005-2541"), io.gatehouse.core.scan.Severity.LOW));
        assertThat(found).extracting(CloudEvent::type).containsExactly("vulnerability.found");
        JsonNode vuln = json(found.getFirst());
        assertThat(vuln.path("data").path("advisories").get(0).asText()).isEqualTo("DEBIAN-CVE-2005-2541");
        assertThat(vuln.path("data").path("worst").asText()).isEqualTo("low");

        var violation = events.map(new Event.PolicyViolation(
                T, APP, D1, "alice", "vulnerability-threshold", "GHSA-jfh8-c2jp-5v3q is critical"));
        assertThat(violation).extracting(CloudEvent::type).containsExactly("policy.violation");
        assertThat(json(violation.getFirst()).path("data").path("policy").asText())
                .isEqualTo("vulnerability-threshold");
        assertThat(CloudEvents.typesOf(
                        new Event.VulnerabilityFound(T, APP, D1, List.of("x"), io.gatehouse.core.scan.Severity.LOW)))
                .containsExactly("vulnerability.found");
    }
}

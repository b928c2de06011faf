package io.gatehouse.server;

import static io.gatehouse.server.AuditLogApiTest.bytes;
import static io.gatehouse.server.AuditLogApiTest.ok;
import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.scan.ScanResults;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.ScanSummary;
import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pull policy through the whole server, with scan verdicts injected: a pull of a manifest over the
 * threshold is a 403 DENIED naming the advisory and how to allow it, audited with its reason; a clean one is
 * served; allowlists lift a refusal until they expire; a verdict that cannot be read is a 503, never a pull.
 * Also the policy and allowlist API with its refusals and bad input.
 */
class PullPolicyTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static RegistryHttp admin;
    static RegistryHttp projectAdmin;
    static RegistryHttp reader;
    static final Map<Digest, ScanSummary> verdicts = new ConcurrentHashMap<>();
    static final AtomicBoolean scanDatabaseDown = new AtomicBoolean();
    static final List<Event.PolicyViolation> violations = new CopyOnWriteArrayList<>();
    static Digest vulnerable;
    static Digest clean;

    static final ScanResults RESULTS = digest -> {
        if (scanDatabaseDown.get()) {
            throw new IllegalStateException("scan results unreadable");
        }
        return Optional.ofNullable(verdicts.get(digest));
    };

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dataDir, Map.of(), Clock.systemUTC(), RESULTS);
        server.server().events().subscribe(e -> {
            if (e instanceof Event.PolicyViolation v) {
                violations.add(v);
            }
        });
        admin = RegistryHttp.asAdmin(server);
        ok(admin.post("/api/v1/projects", bytes("{\"name\":\"teama\"}")), 201);
        ok(admin.post("/api/v1/projects", bytes("{\"name\":\"teamb\"}")), 201);
        for (String user : List.of("pat", "rita")) {
            ok(
                    admin.post(
                            "/api/v1/users",
                            bytes("{\"name\":\"" + user + "\",\"password\":\"a-long-enough-password\"}")),
                    201);
        }
        ok(admin.post("/api/v1/projects/teama/bindings", bytes("{\"role\":\"admin\",\"user\":\"pat\"}")), 201);
        ok(admin.post("/api/v1/projects/teama/bindings", bytes("{\"role\":\"reader\",\"user\":\"rita\"}")), 201);
        projectAdmin = admin.withAuthorization(RegistryHttp.basic("pat", "a-long-enough-password"));
        reader = admin.withAuthorization(RegistryHttp.basic("rita", "a-long-enough-password"));

        vulnerable = admin.pushImage("teama/app", "vulnerable", "vulnerable");
        clean = admin.pushImage("teama/app", "clean", "clean");
        verdicts.put(
                vulnerable,
                new ScanSummary(
                        vulnerable,
                        ScanStatus.COMPLETE,
                        Instant.now(),
                        List.of(
                                finding("DEBIAN-CVE-2023-45853", List.of("CVE-2023-45853"), Severity.CRITICAL, "zlib"),
                                finding("GHSA-7rjr-3q55-vv33", List.of("CVE-2021-45046"), Severity.MEDIUM, "log4j"))));
        verdicts.put(clean, new ScanSummary(clean, ScanStatus.COMPLETE, Instant.now(), List.of()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void resetPolicy() {
        scanDatabaseDown.set(false);
        ok(
                admin.put(
                        "/api/v1/projects/teama/scan-policy",
                        bytes("{\"blockSeverity\":\"none\",\"blockUnscanned\":false}"),
                        Map.of()),
                200);
        for (JsonNode e :
                json(admin.get("/api/v1/projects/teama/cve-allowlist")).path("entries")) {
            ok(
                    admin.delete("/api/v1/projects/teama/cve-allowlist/"
                            + e.path("id").asText()),
                    204);
        }
    }

    static VulnerabilityFinding finding(String id, List<String> aliases, Severity severity, String pkg) {
        return new VulnerabilityFinding(
                id,
                aliases,
                pkg,
                "1.2.13",
                "Debian:12",
                severity,
                List.of("1.2.13.dfsg-2"),
                null,
                "/var/lib/dpkg/status",
                null,
                VulnerabilityFinding.Certainty.AFFECTED,
                "");
    }

    static void blockAt(String severity) {
        ok(
                admin.put(
                        "/api/v1/projects/teama/scan-policy",
                        bytes("{\"blockSeverity\":\"" + severity + "\"}"),
                        Map.of()),
                200);
    }

    @Test
    void aPullOverTheThresholdIsDeniedWithTheAdvisoryAndHowToAllowItAndACleanOneIsServed() {
        blockAt("high");

        var denied = reader.get("/v2/teama/app/manifests/vulnerable");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(RegistryHttp.errorCode(denied)).isEqualTo("DENIED");
        String message = json(denied).path("errors").path(0).path("message").asText();
        assertThat(message)
                .contains("teama/app@" + vulnerable)
                .contains("block severity high")
                .contains("DEBIAN-CVE-2023-45853 (critical, zlib 1.2.13)")
                .doesNotContain("GHSA-7rjr-3q55-vv33")
                .contains("gatehouse cve allow DEBIAN-CVE-2023-45853 --project teama");
        assertThat(reader.get("/v2/teama/app/manifests/" + vulnerable).statusCode())
                .as("by digest too")
                .isEqualTo(403);

        var served = reader.get("/v2/teama/app/manifests/clean");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(Digest.sha256(served.body())).isEqualTo(clean);
    }

    @Test
    void headIsNotGatedSoClientsResolveTheDigestAndGetTheMessageOnTheGet() {
        blockAt("low");
        var head = reader.head("/v2/teama/app/manifests/vulnerable");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(vulnerable.toString());
    }

    @Test
    void theRefusalIsAnAuditedDecisionWithItsReasonAndAPolicyViolation() {
        blockAt("critical");
        var denied = reader.get("/v2/teama/app/manifests/vulnerable");
        assertThat(denied.statusCode()).isEqualTo(403);
        String requestId = denied.headers().firstValue("X-Request-Id").orElseThrow();

        var records =
                json(admin.get("/api/v1/audit/records?requestId=" + requestId)).path("records");
        assertThat(records).hasSize(1);
        JsonNode record = records.get(0);
        assertThat(record.path("result").asText()).isEqualTo("denied");
        assertThat(record.path("action").asText()).isEqualTo("pull");
        assertThat(record.path("principal").asText()).isEqualTo("rita");
        assertThat(record.path("repository").asText()).isEqualTo("teama/app");
        assertThat(record.path("reference").asText()).isEqualTo("vulnerable");
        assertThat(record.path("reason").asText())
                .contains("DEBIAN-CVE-2023-45853")
                .contains("block severity critical");

        assertThat(violations).anySatisfy(v -> {
            assertThat(v.digest()).isEqualTo(vulnerable);
            assertThat(v.principal()).isEqualTo("rita");
            assertThat(v.policy()).isEqualTo("vulnerability-threshold");
        });
    }

    @Test
    void anAllowlistEntryByAliasLiftsTheRefusalUntilItIsRevoked() {
        blockAt("high");
        var allowed = projectAdmin.post(
                "/api/v1/projects/teama/cve-allowlist",
                bytes("{\"id\":\"CVE-2023-45853\",\"reason\":\"minizip is not built\",\"expires\":\"30d\"}"));
        ok(allowed, 201);
        assertThat(json(allowed).path("createdBy").asText()).isEqualTo("pat");
        assertThat(json(allowed).path("expired").asBoolean()).isFalse();
        assertThat(reader.get("/v2/teama/app/manifests/vulnerable").statusCode())
                .isEqualTo(200);

        ok(projectAdmin.delete("/api/v1/projects/teama/cve-allowlist/cve-2023-45853"), 204);
        assertThat(reader.get("/v2/teama/app/manifests/vulnerable").statusCode())
                .isEqualTo(403);
    }

    @Test
    void theSystemListAppliesToEveryProjectAndOnlyTheSystemAdminChangesIt() {
        blockAt("high");
        String body = "{\"id\":\"DEBIAN-CVE-2023-45853\",\"reason\":\"accepted by security\",\"expires\":\"1h\"}";
        assertThat(projectAdmin.post("/api/v1/cve-allowlist", bytes(body)).statusCode())
                .isEqualTo(403);
        ok(admin.post("/api/v1/cve-allowlist", bytes(body)), 201);
        try {
            assertThat(reader.get("/v2/teama/app/manifests/vulnerable").statusCode())
                    .isEqualTo(200);
            assertThat(json(admin.get("/api/v1/cve-allowlist"))
                            .path("entries")
                            .get(0)
                            .path("project")
                            .isNull())
                    .isTrue();
        } finally {
            ok(admin.delete("/api/v1/cve-allowlist/DEBIAN-CVE-2023-45853"), 204);
        }
    }

    @Test
    void withBlockUnscannedAnImageWithoutVerdictIsRefusedClearly() {
        Digest fresh = admin.pushImage("teama/app", "fresh", "fresh");
        ok(admin.put("/api/v1/projects/teama/scan-policy", bytes("{\"blockUnscanned\":true}"), Map.of()), 200);
        var denied = reader.get("/v2/teama/app/manifests/fresh");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(json(denied).path("errors").path(0).path("message").asText())
                .contains("teama/app@" + fresh)
                .contains("has not been scanned yet");
        assertThat(reader.get("/v2/teama/app/manifests/clean").statusCode()).isEqualTo(200);
    }

    @Test
    void aVerdictThatCannotBeReadIsA503NotAPullAndNotA500() {
        blockAt("high");
        scanDatabaseDown.set(true);
        var r = reader.get("/v2/teama/app/manifests/clean");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(RegistryHttp.errorCode(r)).isEqualTo("UNAVAILABLE");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("scan results unreadable");
    }

    @Test
    void withoutAPolicyNothingIsRefused() {
        assertThat(reader.get("/v2/teama/app/manifests/vulnerable").statusCode())
                .isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------------ the API

    @Test
    void thePolicyReadsBackAndAPutKeepsTheFieldsItDoesNotName() {
        var teama = json(projectAdmin.get("/api/v1/projects/teama/scan-policy"));
        assertThat(teama.path("blockSeverity").asText()).isEqualTo("none");
        assertThat(teama.path("blockUnscanned").asBoolean()).isFalse();

        ok(
                projectAdmin.put(
                        "/api/v1/projects/teama/scan-policy", bytes("{\"blockSeverity\":\"MEDIUM\"}"), Map.of()),
                200);
        var updated =
                projectAdmin.put("/api/v1/projects/teama/scan-policy", bytes("{\"blockUnscanned\":true}"), Map.of());
        ok(updated, 200);
        assertThat(json(updated).path("blockSeverity").asText()).isEqualTo("medium");
        assertThat(json(updated).path("blockUnscanned").asBoolean()).isTrue();
    }

    @Test
    void badInputIsAClear400() {
        var badSeverity =
                admin.put("/api/v1/projects/teama/scan-policy", bytes("{\"blockSeverity\":\"severe\"}"), Map.of());
        assertThat(badSeverity.statusCode()).isEqualTo(400);
        assertThat(message(badSeverity))
                .isEqualTo("block severity must be one of critical, high, medium, low, none; got 'severe'");
        var badFlag = admin.put("/api/v1/projects/teama/scan-policy", bytes("{\"blockUnscanned\":\"yes\"}"), Map.of());
        assertThat(message(badFlag)).isEqualTo("blockUnscanned must be true or false");

        Map<String, String> bad = Map.of(
                "{\"reason\":\"r\",\"expires\":\"1d\"}", "id is required",
                "{\"id\":\"CVE-1\",\"expires\":\"1d\"}", "reason is required",
                "{\"id\":\"CVE-1\",\"reason\":\"r\"}", "expires is required",
                "{\"id\":\"CVE 1\",\"reason\":\"r\",\"expires\":\"1d\"}", "an advisory id is 1-128 characters",
                "{\"id\":\"CVE-1\",\"reason\":\"r\",\"expires\":\"soon\"}", "expiry 'soon' is neither a duration",
                "{\"id\":\"CVE-1\",\"reason\":\"r\",\"expires\":\"2001-01-01\"}", "is not in the future",
                "{\"id\":\"CVE-1\",\"reason\":\" \",\"expires\":\"1d\"}", "a reason is required");
        bad.forEach((body, expected) -> {
            var r = admin.post("/api/v1/projects/teama/cve-allowlist", bytes(body));
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(message(r)).as(body).contains(expected);
        });
    }

    @Test
    void anUnknownProjectOrEntryIs404AndOtherCallersAre403() {
        var unknown = admin.get("/api/v1/projects/nosuch/scan-policy");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(message(unknown)).isEqualTo("project nosuch not found");
        assertThat(admin.post(
                                "/api/v1/projects/nosuch/cve-allowlist",
                                bytes("{\"id\":\"CVE-1\",\"reason\":\"r\",\"expires\":\"1d\"}"))
                        .statusCode())
                .isEqualTo(404);
        var noEntry = admin.delete("/api/v1/projects/teama/cve-allowlist/CVE-0000-0");
        assertThat(noEntry.statusCode()).isEqualTo(404);
        assertThat(message(noEntry)).isEqualTo("CVE-0000-0 is not on the allowlist of project teama");

        assertThat(reader.put("/api/v1/projects/teama/scan-policy", bytes("{\"blockSeverity\":\"none\"}"), Map.of())
                        .statusCode())
                .isEqualTo(403);
        assertThat(projectAdmin
                        .put("/api/v1/projects/teamb/scan-policy", bytes("{\"blockSeverity\":\"none\"}"), Map.of())
                        .statusCode())
                .as("another project's admin")
                .isEqualTo(403);
        assertThat(reader.get("/api/v1/projects/teama/cve-allowlist").statusCode())
                .isEqualTo(403);
        assertThat(RegistryHttp.anonymous(server).get("/api/v1/cve-allowlist").statusCode())
                .isEqualTo(401);
    }

    @Test
    void policyChangesAreAuditedAsAdminChanges() {
        var r = projectAdmin.put(
                "/api/v1/projects/teama/scan-policy", bytes("{\"blockSeverity\":\"critical\"}"), Map.of());
        ok(r, 200);
        String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
        List<JsonNode> records = new ArrayList<>();
        json(admin.get("/api/v1/audit/records?requestId=" + requestId))
                .path("records")
                .forEach(records::add);
        assertThat(records).anySatisfy(rec -> {
            assertThat(rec.path("kind").asText()).isEqualTo("admin");
            assertThat(rec.path("principal").asText()).isEqualTo("pat");
            assertThat(rec.toString()).contains("scanPolicy.update").contains("critical");
        });
    }

    static String message(HttpResponse<byte[]> r) {
        return json(r).path("errors").path(0).path("message").asText();
    }
}

package io.gatehouse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.model.Tag;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.ScanSummary;
import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pull policy with the real skopeo: two images pushed, one with a critical finding and one clean (verdicts
 * injected as the scan pipeline would record them), project policy {@code high}: copying the vulnerable one
 * fails with the advisory's id in skopeo's message, the clean one copies; after a project admin allows the
 * advisory, the vulnerable one copies too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatehousePullPolicyIT {
    static final String ADVISORY = "DEBIAN-CVE-2023-45853";

    private final Map<Digest, ScanSummary> verdicts = new ConcurrentHashMap<>();
    private TestServer server;
    private Skopeo skopeo;
    private Path work;
    private RegistryHttp admin;
    private final Skopeo.Credentials adminCreds = new Skopeo.Credentials("admin", TestServer.ADMIN_PASSWORD);

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Skopeo.skipReasonIfMissing().ifPresent(org.junit.jupiter.api.Assumptions::abort);
        work = dir;
        server = TestServer.start(
                dir.resolve("data"), Map.of(), Clock.systemUTC(), digest -> Optional.ofNullable(verdicts.get(digest)));
        skopeo = Skopeo.create(dir.resolve("skopeo-home"));
        admin = RegistryHttp.asAdmin(server);
        ok(
                admin.post("/api/v1/projects", "{\"name\":\"teama\"}".getBytes(StandardCharsets.UTF_8))
                        .statusCode(),
                201);

        var layout = OciImageBuilder.create(work.resolve("layout"), 5151);
        layout.image("vulnerable", "amd64", 2);
        layout.image("clean", "amd64", 1);
        for (String tag : List.of("vulnerable", "clean")) {
            skopeo.copy(layout.ociReference(tag), null, ref(tag), adminCreds).orThrow();
        }
        Digest vulnerable = pushed("vulnerable");
        Digest clean = pushed("clean");
        var finding = new VulnerabilityFinding(
                ADVISORY,
                List.of("CVE-2023-45853"),
                "zlib",
                "1:1.2.13.dfsg-1",
                "Debian:12",
                Severity.CRITICAL,
                List.of(),
                "pkg:deb/debian/zlib@1:1.2.13.dfsg-1",
                "/var/lib/dpkg/status",
                null,
                VulnerabilityFinding.Certainty.AFFECTED,
                "integer overflow in minizip");
        verdicts.put(vulnerable, new ScanSummary(vulnerable, ScanStatus.COMPLETE, Instant.now(), List.of(finding)));
        verdicts.put(clean, new ScanSummary(clean, ScanStatus.COMPLETE, Instant.now(), List.of()));
        ok(
                admin.put(
                                "/api/v1/projects/teama/scan-policy",
                                "{\"blockSeverity\":\"high\"}".getBytes(StandardCharsets.UTF_8),
                                Map.of())
                        .statusCode(),
                200);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String ref(String tag) {
        return "docker://" + server.hostPort() + "/teama/app:" + tag;
    }

    private Digest pushed(String tag) {
        return server.server()
                .metadata()
                .tags()
                .resolve(RepositoryName.parse("teama/app"), Tag.parse(tag))
                .orElseThrow();
    }

    private static void ok(int status, int expected) {
        assertThat(status).isEqualTo(expected);
    }

    @Test
    void theVulnerableImageIsRefusedWithItsAdvisoryAndTheCleanOneCopiesUntilTheAdvisoryIsAllowed() {
        var refused = skopeo.copy(ref("vulnerable"), adminCreds, "oci:" + work.resolve("out-v") + ":v", null);
        assertThat(refused.succeeded())
                .as("the vulnerable image cannot be pulled")
                .isFalse();
        assertThat(refused.output())
                .contains("denied")
                .contains(ADVISORY)
                .contains("gatehouse cve allow " + ADVISORY + " --project teama");

        skopeo.copy(ref("clean"), adminCreds, "oci:" + work.resolve("out-c") + ":c", null)
                .orThrow();

        ok(
                admin.post(
                                "/api/v1/projects/teama/cve-allowlist",
                                "{\"id\":\"CVE-2023-45853\",\"reason\":\"minizip is not built\",\"expires\":\"7d\"}"
                                        .getBytes(StandardCharsets.UTF_8))
                        .statusCode(),
                201);
        skopeo.copy(ref("vulnerable"), adminCreds, "oci:" + work.resolve("out-v2") + ":v", null)
                .orThrow();
    }
}

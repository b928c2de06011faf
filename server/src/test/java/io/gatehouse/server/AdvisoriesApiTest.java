package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.event.Event;
import io.gatehouse.scan.advisory.AdvisoryDatabase;
import io.gatehouse.scan.advisory.OsvFixtures;
import io.gatehouse.server.testing.AdminCli.Run;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestClock;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The advisory database through the real server: CLI import and status, the API, /readyz, /metrics, alerts. */
class AdvisoriesApiTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    @Test
    void importThroughTheCliAndWatchTheDatabaseAge() throws Exception {
        var clock = new TestClock();
        Path fixtures = OsvFixtures.copyTo(work.resolve("osv"));
        try (var server = TestServer.start(dataDir, Map.of(), clock)) {
            List<Event.AnomalyDetected> alerts = new CopyOnWriteArrayList<>();
            server.server().events().subscribe(e -> {
                if (e instanceof Event.AnomalyDetected a && a.rule().equals(AdvisoryDatabase.STALE_RULE)) {
                    alerts.add(a);
                }
            });
            var http = RegistryHttp.asAdmin(server);

            // Never imported: stale and still ready; no alert (nothing went out of date).
            var ready = http.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            var body = RegistryHttp.json(ready);
            assertThat(body.path("status").asText()).isEqualTo("ready");
            assertThat(body.path("advisories").path("stale").asBoolean()).isTrue();
            assertThat(body.path("warnings").path(0).asText()).contains("advisory database is stale", "never imported");
            http.get("/readyz");
            assertThat(alerts).isEmpty();
            assertThat(WebhookCommandsTest.admin(server, "advisories", "status").out())
                    .contains("never imported");

            // A directory: zipped on the fly by the CLI; the malformed files are reported, the rest imported.
            Run imported = WebhookCommandsTest.admin(server, "advisories", "import", fixtures.toString());
            assertThat(imported.exit()).as(imported.err()).isZero();
            assertThat(imported.out())
                    .contains("7 added, 0 updated, 0 removed, 0 unchanged, 2 rejected")
                    .contains("rejected malformed/not-json.json: not valid OSV JSON")
                    .contains("rejected malformed/event-without-version.json: TEST-EVENT-WITHOUT-VERSION");

            Run status = WebhookCommandsTest.admin(server, "advisories", "status");
            assertThat(status.out())
                    .contains("7 advisories", "(0h ago) from " + fixtures.toAbsolutePath())
                    .doesNotContain("STALE");
            var metrics = new String(http.get("/metrics").body(), StandardCharsets.UTF_8);
            assertThat(metrics)
                    .contains("gatehouse_advisories 7.0")
                    .contains("gatehouse_advisory_database_age_seconds 0.0");

            // A zip with the same records changes nothing.
            Path zip = zip(fixtures, work.resolve("all.zip"));
            Run again = WebhookCommandsTest.admin(server, "advisories", "import", zip.toString());
            assertThat(again.out()).contains("0 added, 0 updated, 0 removed, 7 unchanged, 0 rejected");

            // 49 hours later: stale, still ready, one alert however often it is asked.
            clock.advance(Duration.ofHours(49));
            var staleReady = RegistryHttp.json(http.get("/readyz"));
            assertThat(http.get("/readyz").statusCode()).isEqualTo(200);
            assertThat(staleReady.path("warnings").path(0).asText()).contains("last imported 49h ago (limit 48h)");
            assertThat(alerts)
                    .singleElement()
                    .satisfies(a -> assertThat(a.summary()).contains("49h old"));
            assertThat(new String(http.get("/metrics").body(), StandardCharsets.UTF_8))
                    .contains("gatehouse_advisory_database_age_seconds 176400.0");
            assertThat(WebhookCommandsTest.admin(server, "advisories", "status").out())
                    .contains("(STALE)");
        }
    }

    @Test
    void badUploadsGetClearErrors() throws Exception {
        try (var server = TestServer.start(dataDir, Map.of("scan.advisories.maxUploadBytes", "100000"))) {
            var http = RegistryHttp.asAdmin(server);
            var garbage = http.post("/api/v1/advisories", "this is not a zip".getBytes());
            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(RegistryHttp.json(garbage)
                            .path("errors")
                            .path(0)
                            .path("message")
                            .asText())
                    .isEqualTo("the body is not a zip of OSV JSON files");

            var tooBig = http.post("/api/v1/advisories", new byte[200_000]);
            assertThat(tooBig.statusCode()).isEqualTo(400);
            assertThat(RegistryHttp.json(tooBig)
                            .path("errors")
                            .path(0)
                            .path("message")
                            .asText())
                    .isEqualTo("advisory upload larger than 100000 bytes");
            assertThat(server.server().metadata().advisories().imports(5)).isEmpty();
            try (var files = Files.list(dataDir.resolve("tmp").resolve("advisories"))) {
                assertThat(files).as("temporary uploads are deleted").isEmpty();
            }

            Run missing = WebhookCommandsTest.admin(server, "advisories", "import", "/nonexistent/osv.zip");
            assertThat(missing.exit()).isEqualTo(2);
            assertThat(missing.err()).contains("/nonexistent/osv.zip does not exist");
        }
    }

    private static Path zip(Path dir, Path target) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (List<String> group : List.of(OsvFixtures.REAL, OsvFixtures.DECOYS)) {
            for (String name : group) {
                entries.put(name, Files.readAllBytes(dir.resolve(name)));
            }
        }
        return OsvFixtures.zip(target, entries);
    }
}

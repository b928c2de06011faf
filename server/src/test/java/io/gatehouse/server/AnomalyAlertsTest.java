package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestClock;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HTTP requests against a whole server raise {@link Event.AnomalyDetected} on its event bus. The server's
 * clock stands still on a Saturday night in Berlin, so every push is outside working hours and every burst
 * falls in one rate window.
 */
class AnomalyAlertsTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    static Path dataDir;

    static TestServer server;
    static RegistryHttp admin;
    static final TestClock clock = new TestClock();
    static final List<Event.AnomalyDetected> alerts = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Instant saturdayNight = ZonedDateTime.now(BERLIN)
                .with(TemporalAdjusters.next(java.time.DayOfWeek.SATURDAY))
                .withHour(3)
                .withMinute(0)
                .withSecond(0)
                .withNano(0)
                .toInstant();
        clock.advance(Duration.between(clock.instant(), saturdayNight));
        server = TestServer.start(
                dataDir,
                Map.of(
                        "server.trustedProxies", "127.0.0.1/32",
                        "anomaly.authFailures.perAccount", "3",
                        "anomaly.pullSpike.floor", "20",
                        "anomaly.offHoursPush.enabled", "true",
                        "anomaly.offHoursPush.workingHours", "Mon-Fri 07:00-19:00 Europe/Berlin",
                        "anomaly.massDeletion.perPrincipal", "3"),
                clock);
        server.server().events().subscribe(e -> {
            if (e instanceof Event.AnomalyDetected a) {
                alerts.add(a);
            }
        });
        admin = RegistryHttp.asAdmin(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void clear() {
        alerts.clear();
    }

    private static List<Event.AnomalyDetected> alerts(String rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule)).toList();
    }

    @Test
    void repeatedWrongPasswordsForOneAccountRaiseOneAlertWithoutThePassword() {
        var guesser = RegistryHttp.anonymous(server).withAuthorization(RegistryHttp.basic("mallory", "hunter2-guess"));
        assertThat(guesser.get("/v2/").statusCode()).isEqualTo(401);
        assertThat(guesser.get("/v2/").statusCode()).isEqualTo(401);
        assertThat(alerts("repeated-authentication-failures"))
                .as("two failures are not yet an anomaly")
                .isEmpty();

        assertThat(guesser.get("/v2/").statusCode()).isEqualTo(401);
        assertThat(guesser.get("/v2/").statusCode()).isEqualTo(401);

        assertThat(alerts("repeated-authentication-failures"))
                .as("the third alerts, the fourth is in the cooldown")
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.subject()).isEqualTo("account:mallory");
                    assertThat(a.at()).isEqualTo(clock.instant());
                    assertThat(a.toString()).doesNotContain("hunter2-guess");
                });
    }

    @Test
    void aBurstOfPullsOnOneRepositoryRaisesASpikeAlertAtTheFloor() {
        push("teama/app", "v1", 1);
        for (int i = 1; i < 20; i++) {
            assertThat(admin.get("/v2/teama/app/manifests/v1").statusCode()).isEqualTo(200);
        }
        assertThat(alerts("pull-rate-spike")).as("19 pulls").isEmpty();

        assertThat(admin.get("/v2/teama/app/manifests/v1").statusCode()).isEqualTo(200);

        assertThat(alerts("pull-rate-spike")).singleElement().satisfies(a -> {
            assertThat(a.subject()).isEqualTo("repository:teama/app");
            assertThat(a.details()).containsEntry("pulls", "20");
        });
    }

    @Test
    void aPullFromOutsideTheProjectsExpectedNetworksIsServedAndAlerted() {
        assertThat(admin.post("/api/v1/projects", "{\"name\":\"office\"}".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(201);
        var bad = admin.send(
                "PATCH",
                "/api/v1/projects/office",
                "{\"expectedCidrs\":[\"10.0.0.0/33\"]}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(RegistryHttp.json(bad).toString()).contains("not a CIDR network");
        var set = admin.send(
                "PATCH",
                "/api/v1/projects/office",
                "{\"expectedCidrs\":[\"10.0.0.0/8\"]}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"));
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(RegistryHttp.json(set).path("expectedCidrs").toString()).isEqualTo("[\"10.0.0.0/8\"]");
        push("office/app", "v1", 2);
        var inside = admin.get("/v2/office/app/manifests/v1", Map.of("X-Forwarded-For", "10.1.2.3"));
        assertThat(inside.statusCode()).isEqualTo(200);
        assertThat(alerts("pull-from-unexpected-network")).isEmpty();

        var outside = admin.get("/v2/office/app/manifests/v1", Map.of("X-Forwarded-For", "198.51.100.7"));

        assertThat(outside.statusCode())
                .as("expected networks alert, they do not refuse")
                .isEqualTo(200);
        assertThat(alerts("pull-from-unexpected-network")).singleElement().satisfies(a -> {
            assertThat(a.subject()).isEqualTo("project:office");
            assertThat(a.details())
                    .containsEntry("sourceAddress", "198.51.100.7")
                    .containsEntry("expectedNetworks", "10.0.0.0/8");
        });
    }

    @Test
    void aPushOnSaturdayNightIsOutsideWorkingHours() {
        clock.advance(Duration.ofHours(1)); // past the cooldown of pushes in other tests; still night
        push("teamb/app", "v1", 3);
        String localTime = clock.instant().atZone(BERLIN).toLocalDateTime() + " Europe/Berlin";

        assertThat(alerts("push-outside-working-hours"))
                .as("a whole image push (two blobs and a manifest) alerts once")
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.subject()).isEqualTo("principal:admin");
                    assertThat(a.details()).containsEntry("localTime", localTime);
                });
    }

    @Test
    void deletingManyManifestsInARowIsAMassDeletion() {
        Digest[] digests = {push("teamc/a", "v1", 10), push("teamc/b", "v1", 11), push("teamc/c", "v1", 12)};
        assertThat(admin.delete("/v2/teamc/a/manifests/" + digests[0]).statusCode())
                .isEqualTo(202);
        assertThat(admin.delete("/v2/teamc/b/manifests/" + digests[1]).statusCode())
                .isEqualTo(202);
        assertThat(alerts("mass-deletion")).isEmpty();

        assertThat(admin.delete("/v2/teamc/c/manifests/" + digests[2]).statusCode())
                .isEqualTo(202);

        assertThat(alerts("mass-deletion"))
                .singleElement()
                .satisfies(a -> assertThat(a.subject()).isEqualTo("principal:admin"));
    }

    private static Digest push(String repo, String tag, long seed) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer " + seed).getBytes(StandardCharsets.UTF_8);
        Digest c = blob(repo, config);
        Digest l = blob(repo, layer);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + c
                        + "\",\"size\":" + config.length + "},"
                        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                        + l + "\",\"size\":" + layer.length + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        var r = admin.put(
                "/v2/" + repo + "/manifests/" + tag,
                manifest,
                Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(201);
        return Digest.sha256(manifest);
    }

    private static Digest blob(String repo, byte[] content) {
        Digest digest = Digest.sha256(content);
        var r = admin.post("/v2/" + repo + "/blobs/uploads/?digest=" + digest, content);
        assertThat(r.statusCode())
                .as(new String(r.body(), StandardCharsets.UTF_8))
                .isEqualTo(201);
        return digest;
    }
}

package io.gatehouse.scan.advisory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.scan.match.OsvMatcher;
import io.gatehouse.scan.match.TestSchemes;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.storage.jdbc.DatabaseSettings;
import io.gatehouse.storage.jdbc.JdbcMetadataStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imports into the real JDBC store (embedded H2) and the index built from it. */
class AdvisoryDatabaseTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;

    private MetadataStore store;
    private final MovableClock clock = new MovableClock(T0);
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private AdvisoryDatabase db;

    @BeforeEach
    void open() {
        store = JdbcMetadataStore.open(DatabaseSettings.h2(dir.resolve("db")));
        db = newDatabase();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private AdvisoryDatabase newDatabase() {
        return new AdvisoryDatabase(
                store.advisories(),
                new OsvMatcher(TestSchemes::forEcosystem),
                clock,
                Duration.ofHours(48),
                events::add);
    }

    @Test
    void importsADirectoryRejectingBadFilesAndKeepingTheRest() {
        ImportResult result = db.importFrom(OsvFixtures.root(), "fixtures");
        assertThat(result.added()).isEqualTo(7);
        assertThat(result.updated()).isZero();
        assertThat(result.rejectedCount()).isEqualTo(2);
        assertThat(result.rejected())
                .extracting(ImportResult.Rejected::source)
                .containsExactlyInAnyOrder("malformed/not-json.json", "malformed/event-without-version.json");
        assertThat(result.rejected()).allSatisfy(r -> assertThat(r.reason()).isNotBlank());
        assertThat(result.changedPackages())
                .contains(
                        PackageKey.of("Maven", "org.apache.logging.log4j:log4j-core"),
                        PackageKey.of("npm", "lodash"),
                        PackageKey.of("Debian:12", "zlib"),
                        PackageKey.of("PyPI", "pip"));
        assertThat(ids(lodash("4.17.20"))).containsExactly("GHSA-35jh-r3h4-6jhm");
        assertThat(store.advisories().count()).isEqualTo(7);
        assertThat(store.advisories().imports(5)).singleElement().satisfies(log -> {
            assertThat(log.source()).isEqualTo("fixtures");
            assertThat(log.importedAt()).isEqualTo(T0);
            assertThat(log.added()).isEqualTo(7);
            assertThat(log.rejected()).isEqualTo(2);
            assertThat(log.total()).isEqualTo(9);
        });
    }

    @Test
    void reimportingUnchangedRecordsChangesNothing() throws Exception {
        Path zip = allZip(Map.of());
        db.importFrom(zip, "all.zip");
        String before = db.index().version();
        List<AdvisoryDatabase.Change> changes = new ArrayList<>();
        db.onChange(changes::add);
        clock.advance(Duration.ofHours(1));
        ImportResult again = db.importFrom(zip, "all.zip");
        assertThat(again.added()).isZero();
        assertThat(again.updated()).isZero();
        assertThat(again.removed()).isZero();
        assertThat(again.unchanged()).isEqualTo(7);
        assertThat(again.changedPackages()).isEmpty();
        assertThat(changes).as("nothing changed, nobody re-matches").isEmpty();
        assertThat(db.index().version()).isEqualTo(before);
        assertThat(store.advisories().imports(5)).hasSize(2); // the import is still logged
        assertThat(db.status().importedAt()).contains(T0.plus(Duration.ofHours(1)));
    }

    @Test
    void aModifiedRecordIsUpdatedAndListenersLearnWhichPackagesChanged() throws Exception {
        db.importFrom(allZip(Map.of()), "first");
        List<AdvisoryDatabase.Change> changes = new ArrayList<>();
        db.onChange(changes::add);
        // The lodash advisory now also covers 4.17.21 (fixed moved to 4.17.22), with a newer modified time.
        String changed = new String(OsvFixtures.bytes("GHSA-35jh-r3h4-6jhm.json"), StandardCharsets.UTF_8)
                .replace("2024-03-15T12:06:19Z", "2026-02-01T00:00:00Z")
                .replace("\"fixed\": \"4.17.21\"}]}]\n    },\n    {", "\"fixed\": \"4.17.22\"}]}]\n    },\n    {");
        assertThat(changed).contains("4.17.22");
        assertThat(ids(lodash("4.17.21"))).isEmpty();

        ImportResult result = db.importFrom(allZip(Map.of("GHSA-35jh-r3h4-6jhm.json", changed.getBytes())), "second");

        assertThat(result.updated()).isEqualTo(1);
        assertThat(result.added()).isZero();
        assertThat(result.unchanged()).isEqualTo(6);
        assertThat(result.changedPackages())
                .containsExactlyInAnyOrder(PackageKey.of("npm", "lodash"), PackageKey.of("npm", "lodash-es"));
        assertThat(ids(lodash("4.17.21"))).containsExactly("GHSA-35jh-r3h4-6jhm");
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.result().updated()).isEqualTo(1);
            assertThat(c.index().findingsFor(lodash("4.17.21"))).isNotEmpty();
        });
    }

    @Test
    void aWithdrawnRecordIsRemoved() throws Exception {
        db.importFrom(allZip(Map.of()), "first");
        assertThat(ids(log4j("2.14.1"))).containsExactly("GHSA-jfh8-c2jp-5v3q");
        String withdrawn = new String(OsvFixtures.bytes("GHSA-jfh8-c2jp-5v3q.json"), StandardCharsets.UTF_8)
                .replace(
                        "\"modified\": \"2025-10-22T19:37:02Z\",",
                        "\"modified\": \"2026-02-01T00:00:00Z\", \"withdrawn\": \"2026-02-01T00:00:00Z\",");
        ImportResult result = db.importFrom(allZip(Map.of("GHSA-jfh8-c2jp-5v3q.json", withdrawn.getBytes())), "second");
        assertThat(result.removed()).isEqualTo(1);
        assertThat(result.changedPackages())
                .containsExactlyInAnyOrder(
                        PackageKey.of("Maven", "org.apache.logging.log4j:log4j-core"),
                        PackageKey.of("Maven", "org.ops4j.pax.logging:pax-logging-log4j2"));
        assertThat(ids(log4j("2.14.1"))).isEmpty();
        assertThat(store.advisories().json("GHSA-jfh8-c2jp-5v3q")).isEmpty();
        assertThat(db.status().advisories()).isEqualTo(6);
    }

    @Test
    void theSnapshotPatchedAfterAnImportAnswersAsOneBuiltFromTheWholeStore() throws Exception {
        db.importFrom(allZip(Map.of()), "first");
        String changed = new String(OsvFixtures.bytes("GHSA-35jh-r3h4-6jhm.json"), StandardCharsets.UTF_8)
                .replace("2024-03-15T12:06:19Z", "2026-02-01T00:00:00Z")
                .replace("\"fixed\": \"4.17.21\"}]}]\n    },\n    {", "\"fixed\": \"4.17.22\"}]}]\n    },\n    {");
        String withdrawn = new String(OsvFixtures.bytes("GHSA-jfh8-c2jp-5v3q.json"), StandardCharsets.UTF_8)
                .replace(
                        "\"modified\": \"2025-10-22T19:37:02Z\",",
                        "\"modified\": \"2026-02-01T00:00:00Z\", \"withdrawn\": \"2026-02-01T00:00:00Z\",");
        byte[] added = """
                {"id":"GHSA-NEW-LODASH","modified":"2026-02-01T00:00:00Z","summary":"new",
                 "affected":[{"package":{"ecosystem":"npm","name":"lodash"},
                   "ranges":[{"type":"SEMVER","events":[{"introduced":"4.0.0"},{"fixed":"4.17.30"}]}]}]}
                """.getBytes(StandardCharsets.UTF_8);
        ImportResult result = db.importFrom(
                allZip(Map.of(
                        "GHSA-35jh-r3h4-6jhm.json", changed.getBytes(StandardCharsets.UTF_8),
                        "GHSA-jfh8-c2jp-5v3q.json", withdrawn.getBytes(StandardCharsets.UTF_8),
                        "GHSA-NEW-LODASH.json", added)),
                "second");
        assertThat(result.changedIds())
                .containsExactlyInAnyOrder("GHSA-35jh-r3h4-6jhm", "GHSA-jfh8-c2jp-5v3q", "GHSA-NEW-LODASH");

        var restarted = newDatabase(); // a restart builds the snapshot from the whole store
        var rebuilt = restarted.index();
        for (DetectedPackage p : List.of(lodash("4.17.20"), lodash("4.17.21"), lodash("4.17.25"), log4j("2.14.1"))) {
            assertThat(ids(p))
                    .as(p.version())
                    .containsExactlyInAnyOrderElementsOf(rebuilt.findingsFor(p).stream()
                            .map(VulnerabilityFinding::id)
                            .toList());
        }
        assertThat(ids(lodash("4.17.21"))).containsExactlyInAnyOrder("GHSA-35jh-r3h4-6jhm", "GHSA-NEW-LODASH");
        assertThat(ids(log4j("2.14.1"))).isEmpty();
        assertThat(db.status().advisories())
                .isEqualTo(restarted.status().advisories())
                .isEqualTo(7);
    }

    @Test
    void anOversizedOrDuplicateEntryIsRefusedAndTheRestImported() throws Exception {
        byte[] huge = ("{\"id\":\"HUGE-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"summary\":\""
                        + "x".repeat(OsvCodec.MAX_RECORD_BYTES) + "\"}")
                .getBytes();
        Map<String, byte[]> extra = new LinkedHashMap<>();
        extra.put("huge/HUGE-1.json", huge);
        extra.put("copy/GHSA-mq26-h93f-9w8m.json", OsvFixtures.bytes("GHSA-mq26-h93f-9w8m.json"));
        ImportResult result = db.importFrom(allZip(extra), "all.zip");
        assertThat(result.added()).isEqualTo(7);
        assertThat(result.rejected())
                .extracting(ImportResult.Rejected::source, ImportResult.Rejected::reason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                "huge/HUGE-1.json", "advisory is larger than 4 MiB; refused"),
                        org.assertj.core.groups.Tuple.tuple(
                                "copy/GHSA-mq26-h93f-9w8m.json",
                                "GHSA-mq26-h93f-9w8m appears twice (also in GHSA-mq26-h93f-9w8m.json)"));
    }

    @Test
    void somethingThatIsNeitherZipNorDirectoryIsRefused() throws Exception {
        Path text = Files.writeString(dir.resolve("advisories.txt"), "hello");
        assertThatThrownBy(() -> db.importFrom(text, "advisories.txt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a zip file or directory: advisories.txt");
        assertThat(store.advisories().imports(1)).isEmpty();
    }

    @Test
    void ageAndStalenessWithOneAlertPerStalePeriod() throws Exception {
        assertThat(db.status().stale()).as("never imported").isTrue();
        assertThat(db.status().importedAt()).isEmpty();
        db.checkStaleness();
        assertThat(staleAlerts())
                .as("nothing went out of date: no alert before the first import")
                .isEmpty();

        db.importFrom(allZip(Map.of()), "all.zip");
        clock.advance(Duration.ofHours(47));
        var status = db.checkStaleness();
        assertThat(status.stale()).isFalse();
        assertThat(status.age()).contains(Duration.ofHours(47));
        assertThat(status.source()).contains("all.zip");
        assertThat(staleAlerts()).isEmpty();

        clock.advance(Duration.ofHours(2));
        assertThat(db.checkStaleness().stale()).isTrue();
        db.checkStaleness();
        assertThat(staleAlerts()).hasSize(1);
        assertThat(staleAlerts().getLast().summary()).contains("49h old");

        db.importFrom(allZip(Map.of()), "all.zip"); // re-arms the alert
        assertThat(db.checkStaleness().stale()).isFalse();
        clock.advance(Duration.ofHours(49));
        db.checkStaleness();
        assertThat(staleAlerts()).hasSize(2);
    }

    @Test
    void aRestartedDatabaseServesTheStoredAdvisories() throws Exception {
        db.importFrom(allZip(Map.of()), "all.zip");
        var restarted = newDatabase();
        assertThat(restarted.status().advisories()).isEqualTo(7);
        assertThat(restarted.status().importedAt()).contains(T0);
        assertThat(restarted.index().findingsFor(log4j("2.14.1")))
                .extracting(VulnerabilityFinding::id)
                .containsExactly("GHSA-jfh8-c2jp-5v3q");
    }

    private List<Event.AnomalyDetected> staleAlerts() {
        return events.stream()
                .filter(e -> e instanceof Event.AnomalyDetected a && a.rule().equals(AdvisoryDatabase.STALE_RULE))
                .map(e -> (Event.AnomalyDetected) e)
                .toList();
    }

    /** The real fixtures and decoys as one zip, with {@code replace} overriding or adding entries. */
    private Path allZip(Map<String, byte[]> replace) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String name : concat(OsvFixtures.REAL, OsvFixtures.DECOYS)) {
            entries.put(name, OsvFixtures.bytes(name));
        }
        entries.putAll(replace);
        return OsvFixtures.zip(Files.createTempFile(dir, "all", ".zip"), entries);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private List<String> ids(DetectedPackage p) {
        return db.index().findingsFor(p).stream().map(VulnerabilityFinding::id).toList();
    }

    private static DetectedPackage lodash(String version) {
        return new DetectedPackage("npm", "lodash", version, null, null, "npm", "", "", "");
    }

    private static DetectedPackage log4j(String version) {
        return new DetectedPackage(
                "maven", "org.apache.logging.log4j:log4j-core", version, null, null, "Maven", "", "", "");
    }

    /** A clock tests move forward. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

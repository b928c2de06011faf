package io.gatehouse.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.store.ScanStore;
import io.gatehouse.core.store.ScanStore.IndexKey;
import io.gatehouse.core.store.ScanStore.Job;
import io.gatehouse.core.store.ScanStore.PackageRow;
import io.gatehouse.core.store.ScanStore.StoredReport;
import io.gatehouse.core.store.ScanStore.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The scan store on every engine: queue priorities, merging, leases, re-match lookup, keeping good reports. */
public abstract class ScanStoreContract extends StoreContractBase {
    static final Duration LEASE = Duration.ofMinutes(5);
    static final Digest A = digest('a');
    static final Digest B = digest('b');
    static final Digest C = digest('c');
    static final IndexKey ZLIB = new IndexKey("Debian:12", "zlib");
    static final IndexKey TAR = new IndexKey("Debian:12", "tar");
    static final IndexKey LOG4J = new IndexKey("Maven", "org.apache.logging.log4j:log4j-core");

    ScanStore scans() {
        return store.scans();
    }

    static Digest digest(char c) {
        return Digest.parse("sha256:" + String.valueOf(c).repeat(64));
    }

    static StoredReport report(Digest artifact, ScanStatus status, String json) {
        return new StoredReport(artifact, REPO, status, T0, "x1", "db1", json, List.of());
    }

    static List<PackageRow> rows(IndexKey... keys) {
        return java.util.Arrays.stream(keys)
                .map(k -> new PackageRow(k, "{\"name\":\"" + k.name() + "\"}"))
                .toList();
    }

    private List<Job> claimAll(String owner) {
        return scans().claim(owner, 100, Optional.empty(), LEASE, T0);
    }

    @Test
    void pushJobsGoBeforeDemandBeforeRematchBeforeRescan() {
        scans().enqueue(A, REPO, Trigger.RESCAN, T0);
        scans().enqueue(B, REPO, Trigger.REMATCH, T0);
        scans().enqueue(C, REPO, Trigger.DEMAND, T0);
        Digest d = digest('d');
        scans().enqueue(d, REPO, Trigger.PUSH, T0);

        assertThat(claimAll("w1").stream().map(Job::artifact)).containsExactly(d, C, B, A);
        assertThat(scans().claim("w1", 1, Optional.empty(), LEASE, T0))
                .as("all claimed")
                .isEmpty();
    }

    @Test
    void aRequestMergesIntoTheArtifactsUnclaimedJob() {
        scans().enqueue(A, REPO, Trigger.REMATCH, T0);
        scans().enqueue(A, REPO, Trigger.PUSH, T0);
        scans().enqueue(A, REPO, Trigger.DEMAND, T0);

        List<Job> jobs = claimAll("w1");
        assertThat(jobs).hasSize(1);
        assertThat(jobs.getFirst().trigger())
                .as("a full scan replaces the re-match")
                .isEqualTo(Trigger.PUSH);
        assertThat(scans().depth()).containsEntry(Trigger.PUSH, 1L).containsEntry(Trigger.REMATCH, 0L);
    }

    @Test
    void aJobBeingScannedGetsAFreshOneBesideIt() {
        scans().enqueue(A, REPO, Trigger.PUSH, T0);
        Job running = claimAll("w1").getFirst();
        scans().enqueue(A, REPO, Trigger.DEMAND, T0);
        assertThat(claimAll("w2"))
                .singleElement()
                .satisfies(j -> assertThat(j.trigger()).isEqualTo(Trigger.DEMAND));
        scans().finish(List.of(running));
        assertThat(scans().depth().get(Trigger.PUSH)).isZero();
    }

    @Test
    void aCrashedWorkersJobIsTakenAgainWhenItsLeaseRunsOut() {
        scans().enqueue(A, REPO, Trigger.PUSH, T0);
        Job first = claimAll("crashed").getFirst();
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(scans().claim("w2", 10, Optional.empty(), LEASE, T0.plusSeconds(60)))
                .as("still leased")
                .isEmpty();

        List<Job> retaken =
                scans().claim("w2", 10, Optional.empty(), LEASE, T0.plus(LEASE).plusSeconds(1));
        assertThat(retaken).singleElement().satisfies(j -> {
            assertThat(j.artifact()).isEqualTo(A);
            assertThat(j.attempts()).isEqualTo(2);
        });
        scans().finish(List.of(first)); // the crashed worker's late finish does not remove the retaken job
        assertThat(scans().depth().get(Trigger.PUSH)).isEqualTo(1);
        scans().finish(retaken);
        assertThat(scans().depth().get(Trigger.PUSH)).isZero();
    }

    @Test
    void aRenewedLeaseKeepsItsJobAndAStaleHolderCannotRenewOrFinishIt() {
        scans().enqueue(A, REPO, Trigger.PUSH, T0);
        Job slow = claimAll("slow").getFirst();
        Instant renewedAt = T0.plus(LEASE).minusSeconds(1);
        assertThat(scans().renew(List.of(slow), LEASE, renewedAt)).isTrue();
        assertThat(scans().claim(
                                "w2",
                                10,
                                Optional.empty(),
                                LEASE,
                                T0.plus(LEASE).plusSeconds(1)))
                .as("past the first lease, but renewed")
                .isEmpty();

        Instant expired = renewedAt.plus(LEASE).plusSeconds(1);
        List<Job> retaken = scans().claim("w2", 10, Optional.empty(), LEASE, expired);
        assertThat(retaken)
                .singleElement()
                .satisfies(j -> assertThat(j.attempts()).isEqualTo(2));
        assertThat(scans().renew(List.of(slow), LEASE, expired.plusSeconds(1)))
                .as("taken over")
                .isFalse();
        scans().finish(List.of(slow));
        assertThat(scans().depth().get(Trigger.PUSH))
                .as("still the new holder's")
                .isEqualTo(1);
        List<Job> third = scans().claim(
                        "w3", 10, Optional.empty(), LEASE, expired.plus(LEASE).plusMillis(500));
        assertThat(third)
                .as("w2's lease ran out when it was due to: the stale renewal moved nothing")
                .singleElement();
        scans().finish(third);
        assertThat(scans().depth().get(Trigger.PUSH)).isZero();
        assertThat(scans().renew(third, LEASE, expired)).as("finished").isFalse();
        assertThat(scans().renew(List.of(), LEASE, expired)).isTrue();
    }

    @Test
    void anAdvisoryUpdateQueuesRematchesOnlyForImagesHoldingAChangedPackage() {
        scans().save(report(A, ScanStatus.COMPLETE, "{}"), Optional.of(rows(ZLIB, TAR)));
        scans().save(report(B, ScanStatus.COMPLETE, "{}"), Optional.of(rows(LOG4J)));
        scans().save(report(C, ScanStatus.COMPLETE, "{}"), Optional.of(rows(ZLIB)));

        assertThat(scans().enqueueRematch(List.of(TAR, new IndexKey("npm", "left-pad")), T0))
                .isEqualTo(1);
        List<Job> jobs = scans().claim("w", 10, Optional.of(Trigger.REMATCH), LEASE, T0);
        assertThat(jobs).singleElement().satisfies(j -> {
            assertThat(j.artifact()).isEqualTo(A);
            assertThat(j.rematchSet()).isPresent();
        });
        // Only the changed packages are read back for the re-match.
        assertThat(scans().packages(List.of(A), jobs.getFirst().rematchSet()))
                .containsOnlyKeys(A)
                .satisfies(m -> assertThat(m.get(A)).extracting(PackageRow::key).containsExactly(TAR));
        assertThat(scans().packages(List.of(A, B), OptionalLong.empty()).get(A))
                .extracting(PackageRow::key)
                .containsExactly(ZLIB, TAR);
    }

    @Test
    void aPendingRematchMeetingASecondChangeReMatchesEverything() {
        scans().save(report(A, ScanStatus.COMPLETE, "{}"), Optional.of(rows(ZLIB, TAR)));
        assertThat(scans().enqueueRematch(List.of(TAR), T0)).isEqualTo(1);
        assertThat(scans().enqueueRematch(List.of(ZLIB), T0)).as("merged").isZero();
        assertThat(claimAll("w"))
                .singleElement()
                .satisfies(j -> assertThat(j.rematchSet()).isEmpty());
    }

    @Test
    void rematchedReportsAreSavedAndTheirJobsFinishedTogether() {
        scans().save(report(A, ScanStatus.COMPLETE, "{\"findings\":[]}"), Optional.of(rows(TAR)));
        scans().enqueueRematch(List.of(TAR), T0);
        List<Job> jobs = scans().claim("w", 10, Optional.of(Trigger.REMATCH), LEASE, T0);
        var updated = new StoredReport(
                A, REPO, ScanStatus.COMPLETE, T0.plusSeconds(5), "x1", "db2", "{\"findings\":[1]}", List.of());

        scans().saveRematched(List.of(updated), jobs);

        assertThat(scans().report(A)).hasValue(updated);
        assertThat(scans().depth().get(Trigger.REMATCH)).isZero();
        assertThat(scans().packages(List.of(A), OptionalLong.empty()).get(A))
                .as("packages kept")
                .hasSize(1);
    }

    @Test
    void aFailedRescanKeepsTheLastGoodReport() {
        StoredReport good = report(A, ScanStatus.COMPLETE, "{\"good\":true}");
        scans().save(good, Optional.of(rows(ZLIB)));
        Instant later = T0.plusSeconds(60);
        scans().save(
                        new StoredReport(
                                A,
                                REPO,
                                ScanStatus.FAILED,
                                later,
                                "x1",
                                "db1",
                                "{}",
                                List.of(),
                                Optional.of("layer unreadable"),
                                Optional.empty()),
                        Optional.empty());

        StoredReport kept = scans().report(A).orElseThrow();
        assertThat(kept.status()).isEqualTo(ScanStatus.COMPLETE);
        assertThat(kept.json()).isEqualTo(good.json());
        assertThat(kept.lastError()).hasValue("layer unreadable");
        assertThat(kept.lastErrorAt()).hasValue(later);
        assertThat(scans().packages(List.of(A), OptionalLong.empty()).get(A)).hasSize(1);

        // A failure with nothing good before it is the report.
        scans().save(report(B, ScanStatus.FAILED, "{\"error\":\"x\"}"), Optional.empty());
        assertThat(scans().report(B).orElseThrow().status()).isEqualTo(ScanStatus.FAILED);
        assertThat(scans().countByStatus()).isEqualTo(Map.of(ScanStatus.COMPLETE, 1L, ScanStatus.FAILED, 1L));
    }

    @Test
    void aNewScanReplacesReportAndPackages() {
        scans().save(report(A, ScanStatus.COMPLETE, "{}"), Optional.of(rows(ZLIB, TAR)));
        var index = new StoredReport(C, REPO, ScanStatus.COMPLETE, T0, "x2", "db1", "{}", List.of(A, B));
        scans().save(index, Optional.empty());
        scans().save(report(A, ScanStatus.COMPLETE, "{\"v\":2}"), Optional.of(rows(LOG4J)));

        assertThat(scans().packages(List.of(A), OptionalLong.empty()).get(A))
                .extracting(PackageRow::key)
                .containsExactly(LOG4J);
        assertThat(scans().report(C).orElseThrow().children()).containsExactly(A, B);
        assertThat(scans().reports(List.of(A, B, C))).containsOnlyKeys(A, C);
    }

    @Test
    void reportsMadeByOtherExtractorsAreQueuedForRescan() {
        scans().save(report(A, ScanStatus.COMPLETE, "{}"), Optional.of(rows(ZLIB)));
        scans().save(
                        new StoredReport(B, REPO, ScanStatus.COMPLETE, T0, "x2", "db1", "{}", List.of()),
                        Optional.of(rows(ZLIB)));
        assertThat(scans().enqueueRescans("x2", T0)).isEqualTo(1);
        assertThat(scans().enqueueRescans("x2", T0)).as("already queued").isZero();
        assertThat(claimAll("w")).singleElement().satisfies(j -> {
            assertThat(j.artifact()).isEqualTo(A);
            assertThat(j.trigger()).isEqualTo(Trigger.RESCAN);
        });
    }
}

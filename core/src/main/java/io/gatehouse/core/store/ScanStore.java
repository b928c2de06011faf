package io.gatehouse.core.store;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.scan.ScanStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Scanning's persistent state: the job queue (with leases, so a job whose worker died is taken again), the latest
 * report of each artifact, and each image's packages indexed by the (ecosystem, name) advisories use, so an
 * advisory update finds the SBOMs it concerns with one query. Report and package contents are JSON the scan
 * module writes and reads; this store only keeps them.
 */
public interface ScanStore {

    /** Why a job was queued; its priority is its order here (push first, so re-scans never starve pushes). */
    enum Trigger {
        PUSH,
        DEMAND,
        /** Re-match the stored packages against the current advisories (reads no layer). */
        REMATCH,
        /** Re-read the layers, because the extractors changed since the stored report was made. */
        RESCAN;

        public int priority() {
            return ordinal();
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean readsLayers() {
            return this != REMATCH;
        }
    }

    /**
     * A claimed job.
     *
     * @param rematchSet for a REMATCH, the advisory change whose packages need re-matching; empty: all packages
     * @param attempts how many times it was claimed, this time included
     */
    record Job(
            long id,
            Digest artifact,
            RepositoryName repository,
            Trigger trigger,
            OptionalLong rematchSet,
            int attempts,
            String owner) {}

    /** A package as advisories name it. */
    record IndexKey(String ecosystem, String name) {
        public IndexKey {
            Objects.requireNonNull(ecosystem, "ecosystem");
            Objects.requireNonNull(name, "name");
        }
    }

    /** One package of a stored SBOM: its advisory key and the package itself as JSON. */
    record PackageRow(IndexKey key, String json) {}

    /**
     * The latest report of one artifact.
     *
     * @param json the report without packages (kept as {@link PackageRow}s) and without children
     * @param children for an index, its platform manifests, each with its own report
     * @param lastError why the latest attempt failed, when a complete report was kept despite it
     */
    record StoredReport(
            Digest artifact,
            RepositoryName repository,
            ScanStatus status,
            Instant scannedAt,
            String extractorVersion,
            String databaseVersion,
            String json,
            List<Digest> children,
            Optional<String> lastError,
            Optional<Instant> lastErrorAt) {
        public StoredReport {
            Objects.requireNonNull(artifact, "artifact");
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(scannedAt, "scannedAt");
            Objects.requireNonNull(json, "json");
            children = List.copyOf(children);
            lastError = lastError == null ? Optional.empty() : lastError;
            lastErrorAt = lastErrorAt == null ? Optional.empty() : lastErrorAt;
        }

        public StoredReport(
                Digest artifact,
                RepositoryName repository,
                ScanStatus status,
                Instant scannedAt,
                String extractorVersion,
                String databaseVersion,
                String json,
                List<Digest> children) {
            this(
                    artifact,
                    repository,
                    status,
                    scannedAt,
                    extractorVersion,
                    databaseVersion,
                    json,
                    children,
                    Optional.empty(),
                    Optional.empty());
        }
    }

    /**
     * Queues a job, merging it into the artifact's unclaimed job if there is one: the merged job runs at the better
     * priority, and reads the layers if either did. A job already claimed is left alone (its result may predate
     * the request), so a new one is queued beside it.
     */
    void enqueue(Digest artifact, RepositoryName repository, Trigger trigger, Instant now);

    /**
     * Queues a REMATCH for every stored image whose SBOM holds one of {@code changed}, set-based (one statement,
     * whatever the number of images). Images with an unclaimed job get none: it will match against the newest
     * advisories when it runs. Returns how many jobs were queued.
     */
    int enqueueRematch(Collection<IndexKey> changed, Instant now);

    /** Queues a RESCAN for every stored report made by other extractors than {@code extractorVersion}. */
    int enqueueRescans(String extractorVersion, Instant now);

    /**
     * Claims up to {@code max} due jobs, best priority first: unclaimed ones and those whose lease ran out. With
     * {@code trigger} present only jobs of that trigger (the re-match worker takes them in batches).
     */
    List<Job> claim(String owner, int max, Optional<Trigger> trigger, Duration lease, Instant now);

    /**
     * Extends to {@code now + lease} the leases of the jobs their claimer still holds, so a scan that runs longer
     * than one lease keeps its job; false if any of them was finished or taken over meanwhile.
     */
    boolean renew(Collection<Job> jobs, Duration lease, Instant now);

    /** Removes finished jobs still held by their claimer (a job re-claimed after its lease ran out stays). */
    void finish(Collection<Job> jobs);

    /** Whether a job for the artifact waits or runs. */
    boolean queued(Digest artifact);

    /** Unfinished jobs by trigger (claimed ones included). */
    Map<Trigger, Long> depth();

    /**
     * Stores an artifact's report and, for an image, replaces its packages, in one transaction. A FAILED report
     * never replaces a COMPLETE one: the complete report stays and only records the error.
     */
    void save(StoredReport report, Optional<List<PackageRow>> packages);

    /** Stores re-matched reports (packages unchanged) and finishes their jobs, in one transaction. */
    void saveRematched(Collection<StoredReport> reports, Collection<Job> finished);

    Optional<StoredReport> report(Digest artifact);

    Map<Digest, StoredReport> reports(Collection<Digest> artifacts);

    /**
     * The packages of the given images; with {@code rematchSet} only those whose key that advisory change named.
     */
    Map<Digest, List<PackageRow>> packages(Collection<Digest> artifacts, OptionalLong rematchSet);

    /** Stored reports by status. */
    Map<ScanStatus, Long> countByStatus();
}

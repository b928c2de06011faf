package io.gatehouse.scan.pipeline;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.store.BlobStore;
import io.gatehouse.core.store.ManifestRecord;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.core.store.ScanStore;
import io.gatehouse.core.store.ScanStore.IndexKey;
import io.gatehouse.core.store.ScanStore.Job;
import io.gatehouse.core.store.ScanStore.PackageRow;
import io.gatehouse.core.store.ScanStore.StoredReport;
import io.gatehouse.core.store.ScanStore.Trigger;
import io.gatehouse.scan.advisory.AdvisoryDatabase;
import io.gatehouse.scan.advisory.AdvisoryIndex;
import io.gatehouse.scan.advisory.AdvisoryStatus;
import io.gatehouse.scan.advisory.PackageKey;
import io.gatehouse.scan.extract.lang.PickleExtractor;
import io.gatehouse.scan.layer.ImageExtractor;
import io.gatehouse.scan.report.ScanReport;
import io.gatehouse.scan.report.ScanReportJson;
import io.gatehouse.scan.sbom.ContentFinding;
import io.gatehouse.scan.sbom.LayerSource;
import io.gatehouse.scan.sbom.Sbom;
import io.gatehouse.scan.sbom.SbomExtraction;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans artifacts from the persistent queue: on push, on demand, and as re-matches after advisory updates.
 *
 * <p>A full scan reads the manifest (an index is scanned platform by platform and its report aggregates them),
 * streams the image's layers from the blob store through the extractors, matches the SBOM against the current
 * advisory snapshot and stores the report with its packages. Artifacts that are not images (signatures, SBOM
 * referrers, Helm charts) are UNSUPPORTED, except files pushed as OCI artifact layers that the pickle scanner
 * reads (model files).
 *
 * <p>A re-match after an advisory update reads no layer: it re-matches only the stored packages that the update
 * concerned, in batches, and reports advisories that newly match as {@link Event.VulnerabilityFound}.
 */
public final class ScanPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScanPipeline.class);
    private static final Comparator<VulnerabilityFinding> WORST_FIRST = Comparator.comparing(
                    VulnerabilityFinding::severity)
            .thenComparing(VulnerabilityFinding::id)
            .thenComparing(f -> String.valueOf(f.packageName()))
            .thenComparing(f -> String.valueOf(f.path()));

    /** What the pipeline did, for metrics. */
    public interface Observer {
        void scanned(Trigger trigger, ScanStatus status, Duration took);

        Observer NONE = (trigger, status, took) -> {};
    }

    private final MetadataStore metadata;
    private final ScanStore store;
    private final BlobStore blobs;
    private final AdvisoryDatabase advisories;
    private final SbomExtraction extraction;
    private final String extractorVersion;
    private final EventSink events;
    private final Clock clock;
    private final ScanSettings settings;
    private final Observer observer;
    private final ScanReports reports;
    private final PickleExtractor pickles = new PickleExtractor();
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private final Semaphore wake = new Semaphore(0);
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;
    private final ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("gatehouse-scan-lease").daemon().factory());

    public ScanPipeline(
            MetadataStore metadata,
            BlobStore blobs,
            AdvisoryDatabase advisories,
            ImageExtractor extraction,
            EventSink events,
            Clock clock,
            ScanSettings settings,
            Observer observer) {
        this(metadata, blobs, advisories, extraction, extractorVersion(extraction), events, clock, settings, observer);
    }

    ScanPipeline(
            MetadataStore metadata,
            BlobStore blobs,
            AdvisoryDatabase advisories,
            SbomExtraction extraction,
            String extractorVersion,
            EventSink events,
            Clock clock,
            ScanSettings settings,
            Observer observer) {
        this.metadata = metadata;
        this.store = metadata.scans();
        this.blobs = blobs;
        this.advisories = advisories;
        this.extraction = extraction;
        this.extractorVersion = extractorVersion;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
        this.observer = observer;
        this.reports = new ScanReports(store, clock);
        advisories.onChange(change -> enqueueRematch(change.result().changedPackages()));
    }

    /** Every extractor's name and version: a report made by another set is re-scanned at start. */
    public static String extractorVersion(ImageExtractor extraction) {
        return extraction.extractors().stream()
                .map(e -> e.name() + ":" + e.version())
                .sorted()
                .collect(Collectors.joining(","));
    }

    public ScanReports reports() {
        return reports;
    }

    /** Queues re-scans of reports made by other extractor versions, then starts the workers. */
    public void start() {
        int rescans = store.enqueueRescans(extractorVersion, clock.instant());
        if (rescans > 0) {
            log.info("extractors changed since {} reports were made; re-scans queued", rescans);
        }
        running = true;
        for (int i = 0; i < settings.workers(); i++) {
            Thread t = Thread.ofPlatform().name("gatehouse-scan-" + i).daemon().start(this::work);
            workers.add(t);
        }
    }

    @Override
    public void close() {
        running = false;
        wake.release(workers.size());
        try {
            for (Thread t : workers) {
                t.join(settings.lease().toMillis());
            }
            workers.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            leases.shutdownNow(); // after the workers: one still scanning keeps its lease until it stops
        }
    }

    /** Subscribe to the event bus: every pushed manifest is queued for a scan (the push does not wait for it). */
    public EventSink pushListener() {
        return event -> {
            if (event instanceof Event.ManifestPushed pushed) {
                enqueue(pushed.repository(), pushed.digest(), Trigger.PUSH);
            }
        };
    }

    /** Queues a scan on demand; it runs after pushes, before re-matches. */
    public void request(RepositoryName repository, Digest digest) {
        enqueue(repository, digest, Trigger.DEMAND);
    }

    private void enqueue(RepositoryName repository, Digest digest, Trigger trigger) {
        store.enqueue(digest, repository, trigger, clock.instant());
        wake.release();
    }

    /** Queues re-matches of the stored SBOMs that hold one of the changed packages. */
    int enqueueRematch(Set<PackageKey> changed) {
        long start = System.nanoTime();
        var keys =
                changed.stream().map(k -> new IndexKey(k.ecosystem(), k.name())).toList();
        int queued = store.enqueueRematch(keys, clock.instant());
        log.info(
                "advisory update changed {} packages: {} stored images queued for re-matching ({} ms)",
                keys.size(),
                queued,
                (System.nanoTime() - start) / 1_000_000);
        wake.release(Math.max(1, Math.min(queued, settings.workers())));
        return queued;
    }

    /** Runs queued jobs on the calling thread until none is due (tests, benchmarks, a node without workers). */
    public int runPending() {
        int jobs = 0;
        for (int n; (n = runOnce()) > 0; ) {
            jobs += n;
        }
        return jobs;
    }

    private void work() {
        while (running) {
            try {
                if (runOnce() == 0) {
                    wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The database went away, say: the job's lease runs out and it is taken again.
                log.warn("scan worker failed; retrying after the poll interval", e);
                try {
                    Thread.sleep(settings.pollInterval().toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Claims and runs the best due job (with more re-matches beside a re-match); returns how many ran. */
    int runOnce() {
        String owner = node + "/" + Thread.currentThread().getName();
        List<Job> claimed = store.claim(owner, 1, Optional.empty(), settings.lease(), clock.instant());
        if (claimed.isEmpty()) {
            return 0;
        }
        Job first = claimed.getFirst();
        List<Job> held = new ArrayList<>(claimed);
        if (first.trigger() == Trigger.REMATCH && settings.rematchBatch() > 1) {
            held.addAll(store.claim(
                    owner,
                    settings.rematchBatch() - 1,
                    Optional.of(Trigger.REMATCH),
                    settings.lease(),
                    clock.instant()));
        }
        ScheduledFuture<?> renewal = keepLeased(held);
        try {
            if (first.trigger() == Trigger.REMATCH) {
                rematch(held);
                return held.size();
            }
            scan(first);
            return 1;
        } finally {
            renewal.cancel(false);
        }
    }

    /**
     * Renews the jobs' leases every third of a lease while they run: a big image can take longer to scan than
     * one lease, and without renewal another worker would take its job again, scan it twice, and after
     * {@code maxAttempts} such takeovers record it as FAILED.
     */
    private ScheduledFuture<?> keepLeased(List<Job> jobs) {
        long period = Math.max(10, settings.lease().toMillis() / 3);
        return leases.scheduleAtFixedRate(
                () -> {
                    try {
                        if (!store.renew(jobs, settings.lease(), clock.instant())) {
                            log.debug("scan job lease not renewed: finished or taken over");
                        }
                    } catch (RuntimeException e) {
                        log.warn("cannot renew scan job leases; retrying", e); // a thrown task would not run again
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
    }

    private void scan(Job job) {
        long start = System.nanoTime();
        ScanReport report;
        if (job.attempts() > settings.maxAttempts()) {
            report = failed(
                    job.artifact(),
                    "",
                    "gave up after " + settings.maxAttempts() + " attempts (the scanner stopped"
                            + " while scanning it each time)");
        } else {
            Optional<ManifestRecord> manifest = metadata.manifests().get(job.repository(), job.artifact());
            if (manifest.isEmpty()) {
                store.finish(List.of(job)); // deleted since it was queued
                return;
            }
            report = scanManifest(manifest.get(), "", true);
        }
        reports.save(report, job.repository(), extractorVersion);
        store.finish(List.of(job));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        log.info(
                "scanned {}@{} ({}): {}, {} packages, {} findings in {} ms",
                job.repository(),
                job.artifact(),
                job.trigger().label(),
                report.status(),
                report.packages().size(),
                report.findings().size(),
                took.toMillis());
        observer.scanned(job.trigger(), report.status(), took);
        events.emit(new Event.ScanCompleted(
                clock.instant(),
                job.repository(),
                job.artifact(),
                report.status(),
                counts(report.findings()),
                job.trigger().label()));
    }

    private ScanReport scanManifest(ManifestRecord manifest, String platform, boolean indexAllowed) {
        ManifestParts parts;
        try {
            parts = ManifestParts.parse(manifest.mediaType(), manifest.content());
        } catch (IOException e) {
            return failed(manifest.digest(), platform, "the manifest does not parse: " + e.getMessage());
        }
        if (parts.isIndex()) {
            return indexAllowed
                    ? scanIndex(manifest, parts)
                    : unsupported(manifest.digest(), platform, "an index inside an index is not scanned");
        }
        if (parts.hasSubject()) {
            return unsupported(manifest.digest(), platform, "a referrer (signature, SBOM, attestation) is not scanned");
        }
        try {
            List<LayerSource> layers = parts.layers().stream()
                    .filter(ManifestParts.Layer::isFilesystem)
                    .map(l -> (LayerSource) new BlobLayer(blobs, l.digest(), l.mediaType()))
                    .toList();
            Sbom sbom;
            if (parts.isImage() && !layers.isEmpty()) {
                sbom = extraction.extract(layers, settings.limits());
            } else {
                Optional<Sbom> models = scanModelFiles(parts);
                if (models.isEmpty()) {
                    return unsupported(
                            manifest.digest(),
                            platform,
                            "nothing to scan in an artifact of config type '" + parts.configType() + "'");
                }
                sbom = models.get();
            }
            return matched(manifest.digest(), platform, sbom, clock.instant());
        } catch (IOException | RuntimeException e) {
            log.warn("scan of {} failed", manifest.digest(), e);
            return failed(manifest.digest(), platform, String.valueOf(e.getMessage()));
        }
    }

    /** Model files pushed as artifact layers (oras push model.pt): read by the pickle scanner, never unpickled. */
    private Optional<Sbom> scanModelFiles(ManifestParts parts) throws IOException {
        List<ContentFinding> findings = new ArrayList<>();
        boolean any = false;
        for (ManifestParts.Layer layer : parts.layers()) {
            String path = "/" + layer.title();
            if (layer.title().isEmpty() || layer.isFilesystem() || !pickles.wants(path, 0, false)) {
                continue;
            }
            any = true;
            try (InputStream in = blobs.read(layer.digest(), 0, -1)) {
                findings.addAll(pickles.extract(path, layer.digest().toString(), in, settings.limits())
                        .findings());
            }
        }
        return any ? Optional.of(new Sbom(Optional.empty(), List.of(), findings)) : Optional.empty();
    }

    private ScanReport scanIndex(ManifestRecord index, ManifestParts parts) {
        List<ScanReport> children = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (ManifestParts.Platform p : parts.manifests()) {
            if (p.isAttestation()) {
                continue;
            }
            Optional<ManifestRecord> child = metadata.manifests().get(index.repository(), p.digest());
            if (child.isEmpty()) {
                continue;
            }
            ScanReport report = scanManifest(child.get(), p.platform(), false);
            if (report.status() == ScanStatus.FAILED) {
                failures.add(p.platform() + ": " + report.error());
            }
            children.add(report);
        }
        ScanStatus status;
        if (!failures.isEmpty()) {
            status = ScanStatus.FAILED;
        } else if (children.stream().allMatch(c -> c.status() == ScanStatus.UNSUPPORTED)) {
            status = ScanStatus.UNSUPPORTED;
        } else {
            status = ScanStatus.COMPLETE;
        }
        var header = new ScanReport(
                index.digest(),
                "",
                status,
                clock.instant(),
                database(advisories.index()),
                Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                String.join("; ", failures));
        return ScanReports.aggregate(header, children);
    }

    /** The report's own matching (ScanReport.of), findings worst first as reports list them. */
    private ScanReport matched(Digest artifact, String platform, Sbom sbom, Instant at) {
        AdvisoryIndex index = advisories.index();
        ScanReport report = ScanReport.of(artifact, platform, sbom, index, database(index), at);
        return ScanReports.with(
                report,
                report.packages(),
                report.findings().stream().sorted(WORST_FIRST).toList(),
                List.of());
    }

    private ScanReport.DatabaseInfo database(AdvisoryIndex index) {
        AdvisoryStatus status = advisories.status();
        return new ScanReport.DatabaseInfo(index.version(), status.importedAt().orElse(null), status.advisories());
    }

    private ScanReport failed(Digest artifact, String platform, String error) {
        return new ScanReport(
                artifact,
                platform,
                ScanStatus.FAILED,
                clock.instant(),
                null,
                Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                error);
    }

    private ScanReport unsupported(Digest artifact, String platform, String why) {
        return new ScanReport(
                artifact,
                platform,
                ScanStatus.UNSUPPORTED,
                clock.instant(),
                null,
                Optional.empty(),
                List.of(),
                List.of(),
                List.of(),
                why);
    }

    /**
     * Re-matches stored SBOMs against the current snapshot: only the packages the advisory change named are read
     * and matched (a job without a change re-matches all), their old findings replaced, the rest kept.
     */
    private void rematch(List<Job> jobs) {
        long start = System.nanoTime();
        AdvisoryIndex index = advisories.index();
        ScanReport.DatabaseInfo database = database(index);
        Map<Digest, StoredReport> stored =
                store.reports(jobs.stream().map(Job::artifact).toList());
        Map<OptionalLong, List<Job>> bySet = new LinkedHashMap<>();
        for (Job job : jobs) {
            bySet.computeIfAbsent(job.rematchSet(), s -> new ArrayList<>()).add(job);
        }
        List<StoredReport> updated = new ArrayList<>();
        List<Event> toEmit = new ArrayList<>();
        Instant now = clock.instant();
        for (var entry : bySet.entrySet()) {
            Map<Digest, List<PackageRow>> packages =
                    store.packages(entry.getValue().stream().map(Job::artifact).toList(), entry.getKey());
            for (Job job : entry.getValue()) {
                StoredReport report = stored.get(job.artifact());
                if (report == null
                        || report.status() != ScanStatus.COMPLETE
                        || !report.children().isEmpty()) {
                    continue; // nothing matched before (an index's children are matched themselves)
                }
                List<PackageRow> rows = packages.getOrDefault(job.artifact(), List.of());
                ScanReport before = ScanReports.decode(report);
                ScanReport after = rematched(before, rows, index, database);
                updated.add(ScanReports.rematched(report, after));
                Set<String> oldIds = ids(before.findings());
                List<VulnerabilityFinding> added = after.findings().stream()
                        .filter(f -> !oldIds.contains(f.id()))
                        .toList();
                if (!new HashSet<>(after.findings()).equals(new HashSet<>(before.findings()))) {
                    toEmit.add(new Event.ScanCompleted(
                            now,
                            report.repository(),
                            report.artifact(),
                            ScanStatus.COMPLETE,
                            counts(after.findings()),
                            Trigger.REMATCH.label()));
                }
                if (!added.isEmpty()) {
                    toEmit.add(new Event.VulnerabilityFound(
                            now,
                            report.repository(),
                            report.artifact(),
                            List.copyOf(ids(added)),
                            added.getFirst().severity()));
                }
            }
        }
        store.saveRematched(updated, jobs);
        reports.invalidate();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        for (int i = 0; i < updated.size(); i++) {
            observer.scanned(Trigger.REMATCH, ScanStatus.COMPLETE, took.dividedBy(Math.max(1, updated.size())));
        }
        toEmit.forEach(events::emit);
    }

    static ScanReport rematched(
            ScanReport before, List<PackageRow> rows, AdvisoryIndex index, ScanReport.DatabaseInfo database) {
        Set<IndexKey> keys = new HashSet<>();
        List<VulnerabilityFinding> findings = new ArrayList<>();
        for (PackageRow row : rows) {
            keys.add(row.key());
            findings.addAll(index.findingsFor(ScanReportJson.decodePackage(row.json())));
        }
        for (VulnerabilityFinding f : before.findings()) {
            if (!keys.contains(key(f))) {
                findings.add(f);
            }
        }
        findings.sort(WORST_FIRST);
        return new ScanReport(
                before.artifact(),
                before.platform(),
                before.status(),
                before.scannedAt(),
                database,
                before.os(),
                List.of(),
                findings,
                List.of(),
                before.error());
    }

    private static IndexKey key(VulnerabilityFinding f) {
        PackageKey k = PackageKey.of(String.valueOf(f.ecosystem()), String.valueOf(f.packageName()));
        return new IndexKey(k.ecosystem(), k.name());
    }

    /** Advisory ids in the findings' order (worst first), each once. */
    private static Set<String> ids(List<VulnerabilityFinding> findings) {
        return findings.stream()
                .map(VulnerabilityFinding::id)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    private static Map<String, Integer> counts(List<VulnerabilityFinding> findings) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Severity s : Severity.values()) {
            counts.put(s.label(), 0);
        }
        findings.forEach(f -> counts.merge(f.severity().label(), 1, Integer::sum));
        return counts;
    }
}

package io.gatehouse.scan.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.model.Reference;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.registry.ManifestService;
import io.gatehouse.core.registry.UploadService;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.store.ManifestRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Attaches an image's SBOM to it as an OCI 1.1 referrer, so {@code GET /v2/NAME/referrers/DIGEST}, {@code oras
 * discover} and other referrers-aware clients find it: the CycloneDX BOM (packages only, no findings) as a blob,
 * and an artifact manifest with {@code artifactType: application/vnd.cyclonedx+json}, the empty config, the BOM
 * as its one layer and the image as its {@code subject}.
 *
 * <p>Idempotent: the BOM's bytes depend only on the image and its packages (no scan time, no findings), and the
 * manifest carries its digest in {@value #SBOM_ANNOTATION}; publishing a report whose BOM is attached already does
 * nothing, so re-matches after advisory updates never pile up SBOMs. When the packages changed (a re-scan with
 * newer extractors), the new SBOM replaces the ones Gatehouse attached before: they are deleted after the new one
 * is stored, so clients always find exactly one Gatehouse SBOM. SBOMs pushed by users carry no such annotation
 * and are never touched.
 *
 * <p>Publishes for one subject are serialized (a push scan and an on-demand scan may finish together): without
 * that, both would list the referrers before either stored its SBOM and the subject would keep two. The lock is
 * per process; nodes sharing a database can still race, and the next publish for the subject tidies up.
 *
 * <p>No scan loop: the SBOM manifest's config is the empty descriptor, so it is not an image (the pipeline scans
 * only manifests with an image config, and publishes only COMPLETE reports); and publishing for a subject that is
 * itself an SBOM is refused.
 */
public final class SbomPublisher {
    public static final String ARTIFACT_TYPE = CycloneDxReport.MEDIA_TYPE;
    /** Set on the SBOM manifests Gatehouse publishes: the digest of the BOM blob. */
    public static final String SBOM_ANNOTATION = "io.gatehouse.sbom.digest";

    static final String CREATED = "org.opencontainers.image.created";
    static final String TITLE = "org.opencontainers.image.title";
    static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UploadService uploads;
    private final ManifestService manifests;
    private final Clock clock;
    private final ReentrantLock[] subjectLocks = new ReentrantLock[64];

    /**
     * @param manifest the SBOM manifest now attached; {@code created} false when it was attached already
     * @param replaced earlier Gatehouse SBOM manifests of the same subject, deleted
     */
    public record Published(Digest manifest, Digest sbom, boolean created, List<Digest> replaced) {}

    public SbomPublisher(UploadService uploads, ManifestService manifests, Clock clock) {
        this.uploads = uploads;
        this.manifests = manifests;
        this.clock = clock;
        for (int i = 0; i < subjectLocks.length; i++) subjectLocks[i] = new ReentrantLock();
    }

    /**
     * Attaches the SBOM of a COMPLETE report to its artifact in {@code repository}.
     *
     * @throws IllegalArgumentException when the report is not COMPLETE or its artifact is itself an SBOM
     * @throws io.gatehouse.core.error.NotFound when the artifact is not in the repository (deleted meanwhile)
     */
    public Published publish(RepositoryName repository, ScanReport report) {
        if (report.status() != ScanStatus.COMPLETE) {
            throw new IllegalArgumentException("only a COMPLETE scan has an SBOM to publish, not " + report.status());
        }
        ManifestRecord subject = manifests.get(repository, new Reference.ByDigest(report.artifact()));
        if (ARTIFACT_TYPE.equals(subject.artifactType())) {
            throw new IllegalArgumentException(report.artifact() + " is an SBOM itself; it has no SBOM of its own");
        }
        byte[] sbom = CycloneDxReport.bytes(packagesOnly(report), false);
        ReentrantLock lock = subjectLocks[Math.floorMod(subject.digest().hashCode(), subjectLocks.length)];
        lock.lock();
        try {
            return attach(repository, subject, sbom);
        } finally {
            lock.unlock();
        }
    }

    private Published attach(RepositoryName repository, ManifestRecord subject, byte[] sbom) {
        Digest sbomDigest = Digest.sha256(sbom);

        List<Descriptor> ours = manifests.referrers(repository, subject.digest(), Optional.of(ARTIFACT_TYPE)).stream()
                .filter(d -> d.annotations().containsKey(SBOM_ANNOTATION))
                .toList();
        for (Descriptor d : ours) {
            if (sbomDigest.toString().equals(d.annotations().get(SBOM_ANNOTATION))) {
                return new Published(d.digest(), sbomDigest, false, List.of());
            }
        }
        uploads.putMonolithic(repository, sbomDigest, new ByteArrayInputStream(sbom), sbom.length);
        Digest config = Digest.sha256(EMPTY_CONFIG);
        uploads.putMonolithic(repository, config, new ByteArrayInputStream(EMPTY_CONFIG), EMPTY_CONFIG.length);
        byte[] manifest = manifest(subject, sbomDigest, sbom.length, config);
        Digest manifestDigest = Digest.sha256(manifest);
        manifests.put(repository, new Reference.ByDigest(manifestDigest), MediaTypes.OCI_MANIFEST, manifest);

        var replaced = new ArrayList<Digest>();
        for (Descriptor old : ours) {
            manifests.delete(repository, new Reference.ByDigest(old.digest()));
            replaced.add(old.digest());
        }
        return new Published(manifestDigest, sbomDigest, true, replaced);
    }

    /** The report without what changes between re-matches: scan time, database, findings. */
    private static ScanReport packagesOnly(ScanReport report) {
        return new ScanReport(
                report.artifact(),
                report.platform(),
                report.status(),
                null,
                null,
                report.os(),
                report.packages(),
                List.of(),
                List.of(),
                "");
    }

    private byte[] manifest(ManifestRecord subject, Digest sbom, long sbomSize, Digest config) {
        ObjectNode root = JSON.createObjectNode()
                .put("schemaVersion", 2)
                .put("mediaType", MediaTypes.OCI_MANIFEST)
                .put("artifactType", ARTIFACT_TYPE);
        root.putObject("config")
                .put("mediaType", MediaTypes.OCI_EMPTY)
                .put("digest", config.toString())
                .put("size", EMPTY_CONFIG.length);
        root.putArray("layers")
                .addObject()
                .put("mediaType", ARTIFACT_TYPE)
                .put("digest", sbom.toString())
                .put("size", sbomSize)
                .putObject("annotations")
                .put(TITLE, "sbom.cyclonedx.json");
        root.putObject("subject")
                .put("mediaType", subject.mediaType())
                .put("digest", subject.digest().toString())
                .put("size", subject.size());
        root.putObject("annotations")
                .put(
                        CREATED,
                        clock.instant()
                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                .toString())
                .put(SBOM_ANNOTATION, sbom.toString());
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.gatehouse.server.scan;

import static io.gatehouse.http.Route.get;
import static io.gatehouse.http.Route.post;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.Reference;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.store.MetadataStore;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.scan.pipeline.ScanPipeline;
import io.gatehouse.scan.report.ScanReport;
import io.gatehouse.scan.report.ScanReportJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scans of one repository's manifests: {@code POST .../scans} queues one on demand (push rights, or admin),
 * {@code GET .../scans/{reference}} returns the latest report (pull rights). A report waiting for a scan says so in
 * {@value #PENDING_HEADER}; an artifact queued but never scanned has a report with status {@code pending}.
 */
public final class ScansHandler {
    public static final String PENDING_HEADER = "Gatehouse-Scan-Pending";

    private final ScanPipeline pipeline;
    private final MetadataStore metadata;

    public ScansHandler(ScanPipeline pipeline, MetadataStore metadata) {
        this.pipeline = pipeline;
        this.metadata = metadata;
    }

    public List<Route> routes() {
        return List.of(
                post("/api/v1/repositories/{name+}/scans", Action.PUSH, this::request)
                        .orAllowing(Action.MANAGE),
                get("/api/v1/repositories/{name+}/scans/{reference}", Action.PULL, this::report));
    }

    void request(Exchange ex) throws Exception {
        RepositoryName repo = ex.pathParam("name", RepositoryName::parse);
        String reference = ex.query("reference")
                .or(() -> bodyReference(ex))
                .orElseThrow(
                        () -> new Invalid(Invalid.Kind.PARAMETER, "give the tag or digest to scan as 'reference'"));
        Digest digest = resolve(repo, reference);
        pipeline.request(repo, digest);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("repository", repo.toString());
        out.put("artifact", digest.toString());
        out.put("trigger", "demand");
        out.put("requestedAt", Instant.now().toString());
        ex.sendJson(202, out);
    }

    void report(Exchange ex) throws Exception {
        RepositoryName repo = ex.pathParam("name", RepositoryName::parse);
        Digest digest = resolve(repo, ex.pathParam("reference", s -> s));
        boolean queued = pipeline.reports().queued(digest);
        ScanReport report = pipeline.reports()
                .report(digest)
                .or(() -> queued ? Optional.of(pending(digest)) : Optional.empty())
                .orElseThrow(() -> new NotFound(
                        NotFound.Kind.SCAN_REPORT,
                        digest + " in " + repo + " was never scanned; request a scan with POST .../scans"));
        ex.header(PENDING_HEADER, String.valueOf(queued));
        ex.sendBytes(200, "application/json", ScanReportJson.encode(report));
    }

    /** {@code {"reference": "v1"}}, if there is a body. */
    private static Optional<String> bodyReference(Exchange ex) {
        try {
            byte[] body = ex.bodyBytes(64 * 1024, new Invalid(Invalid.Kind.SIZE, "scan request body too large"));
            if (body.length == 0) {
                return Optional.empty();
            }
            var node = Exchange.JSON.readTree(body).path("reference");
            return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
        } catch (java.io.IOException e) {
            throw new Invalid(Invalid.Kind.PARAMETER, "the body is not JSON");
        }
    }

    private Digest resolve(RepositoryName repo, String reference) {
        Reference ref;
        try {
            ref = Reference.parse(reference);
        } catch (RuntimeException e) {
            throw new Invalid(Invalid.Kind.TAG, "not a tag or digest: " + reference);
        }
        Optional<Digest> digest = switch (ref) {
            case Reference.ByTag t -> metadata.tags().resolve(repo, t.tag());
            case Reference.ByDigest d ->
                metadata.manifests().get(repo, d.digest()).map(m -> d.digest());
        };
        return digest.orElseThrow(
                () -> new NotFound(NotFound.Kind.MANIFEST, "manifest " + reference + " not found in " + repo));
    }

    private static ScanReport pending(Digest digest) {
        return new ScanReport(
                digest, "", ScanStatus.PENDING, null, null, Optional.empty(), List.of(), List.of(), List.of(), "");
    }
}

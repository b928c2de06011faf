package io.gatehouse.server.advisory;

import static io.gatehouse.http.Route.get;
import static io.gatehouse.http.Route.post;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import io.gatehouse.scan.advisory.AdvisoryDatabase;
import io.gatehouse.scan.advisory.AdvisoryStatus;
import io.gatehouse.scan.advisory.ImportResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The advisory database under {@code /api/v1/advisories} (system admin): upload an OSV zip to import it, read
 * its status. The upload streams to a temporary file (bounded), never into memory.
 */
public final class AdvisoriesHandler {
    private final AdvisoryDatabase database;
    private final long maxUploadBytes;
    private final Path tempDir;

    public AdvisoriesHandler(AdvisoryDatabase database, long maxUploadBytes, Path tempDir) {
        this.database = database;
        this.maxUploadBytes = maxUploadBytes;
        this.tempDir = tempDir;
    }

    public List<Route> routes() {
        return List.of(
                post("/api/v1/advisories", Action.MANAGE, this::upload),
                get("/api/v1/advisories/status", Action.MANAGE, this::status));
    }

    void upload(Exchange ex) throws Exception {
        String source = ex.query("source").filter(s -> !s.isBlank()).orElse("upload");
        Files.createDirectories(tempDir);
        Path zip = Files.createTempFile(tempDir, "advisories-", ".zip");
        try {
            receive(ex, zip);
            ImportResult result;
            try {
                result = database.importFrom(zip, source);
            } catch (IllegalArgumentException e) {
                throw new Invalid(Invalid.Kind.PARAMETER, "the body is not a zip of OSV JSON files");
            }
            ex.sendJson(200, json(result));
        } finally {
            Files.deleteIfExists(zip);
        }
    }

    void status(Exchange ex) throws Exception {
        ex.sendJson(200, json(database.status()));
    }

    private void receive(Exchange ex, Path zip) throws IOException {
        if (ex.contentLength() > maxUploadBytes) {
            throw tooLarge();
        }
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (InputStream in = ex.body();
                OutputStream out = Files.newOutputStream(zip)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxUploadBytes) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private Invalid tooLarge() {
        return new Invalid(Invalid.Kind.SIZE, "advisory upload larger than " + maxUploadBytes + " bytes");
    }

    static Map<String, Object> json(ImportResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", r.source());
        out.put("importedAt", r.importedAt().toString());
        out.put("added", r.added());
        out.put("updated", r.updated());
        out.put("removed", r.removed());
        out.put("unchanged", r.unchanged());
        out.put("rejectedCount", r.rejectedCount());
        out.put(
                "rejected",
                r.rejected().stream()
                        .map(x -> Map.of("file", x.source(), "reason", x.reason()))
                        .toList());
        out.put("changedPackages", r.changedPackages().size());
        return out;
    }

    /** The status as the API, /readyz and the CLI show it. */
    public static Map<String, Object> json(AdvisoryStatus s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("importedAt", s.importedAt().map(Instant::toString).orElse(null));
        out.put("source", s.source().orElse(null));
        out.put("advisories", s.advisories());
        out.put("ageSeconds", s.age().map(a -> a.toSeconds()).orElse(null));
        out.put("maxAgeSeconds", s.maxAge().toSeconds());
        out.put("stale", s.stale());
        out.put("version", s.version());
        return out;
    }
}

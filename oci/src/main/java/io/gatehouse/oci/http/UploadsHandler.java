package io.gatehouse.oci.http;

import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.registry.BlobService;
import io.gatehouse.core.registry.UploadService;
import io.gatehouse.core.store.UploadSession;
import io.gatehouse.http.Exchange;
import java.time.Duration;
import java.util.function.BiConsumer;

/** Blob uploads: monolithic, chunked (PATCH with Content-Range), status, cancel and cross-repository mount. */
public final class UploadsHandler {
    private final UploadService uploads;
    private final BlobService blobs;
    private final BiConsumer<Duration, Long> completed;

    /** {@code completed} observes each committed upload's duration and size (for metrics). */
    public UploadsHandler(UploadService uploads, BlobService blobs, BiConsumer<Duration, Long> completed) {
        this.uploads = uploads;
        this.blobs = blobs;
        this.completed = completed;
    }

    public void start(Exchange ex) throws Exception {
        var repo = ex.pathParam("name", RepositoryName::parse);
        var mount = ex.query("mount");
        var from = ex.query("from");
        if (mount.isPresent() && from.isPresent()) {
            var digest = Digest.parse(mount.get());
            var source = RepositoryName.parse(from.get());
            // A caller who may not pull the source gets an ordinary upload: the answer never reveals the blob exists.
            if (ex.isAllowed(Action.PULL, Resource.repository(source)) && blobs.mount(repo, source, digest)) {
                sendCreated(ex, repo, digest);
                return;
            }
        }
        var digest = ex.query("digest");
        if (digest.isPresent()) {
            var committed = uploads.putMonolithic(repo, Digest.parse(digest.get()), ex.body(), ex.contentLength());
            completed.accept(committed.elapsed(), committed.size());
            sendCreated(ex, repo, committed.digest());
            return;
        }
        sendProgress(ex, 202, uploads.start(repo));
    }

    public void status(Exchange ex) throws Exception {
        sendProgress(
                ex,
                204,
                uploads.status(ex.pathParam("name", RepositoryName::parse), ex.pathParam("uuid", String::valueOf)));
    }

    public void patch(Exchange ex) throws Exception {
        var repo = ex.pathParam("name", RepositoryName::parse);
        String id = ex.pathParam("uuid", String::valueOf);
        long start = -1;
        var contentRange = ex.header("Content-Range");
        if (contentRange.isPresent()) {
            long[] range = parseContentRange(contentRange.get());
            start = range[0];
            long declared = ex.contentLength();
            if (declared >= 0 && declared != range[1] - range[0] + 1) {
                throw rangeMismatch(ex, uploads.status(repo, id));
            }
        }
        try {
            sendProgress(ex, 202, uploads.append(repo, id, start, ex.body(), ex.contentLength()));
        } catch (Invalid e) {
            if (e.kind() == Invalid.Kind.UPLOAD_RANGE) {
                throw rangeMismatch(ex, uploads.status(repo, id));
            }
            throw e;
        }
    }

    public void finish(Exchange ex) throws Exception {
        var repo = ex.pathParam("name", RepositoryName::parse);
        String id = ex.pathParam("uuid", String::valueOf);
        var digest = Digest.parse(
                ex.query("digest").orElseThrow(() -> new Invalid(Invalid.Kind.DIGEST, "digest parameter is required")));
        long length = ex.contentLength();
        var committed = uploads.complete(repo, id, digest, length == 0 ? null : ex.body(), length);
        completed.accept(committed.elapsed(), committed.size());
        sendCreated(ex, repo, committed.digest());
    }

    public void cancel(Exchange ex) throws Exception {
        uploads.cancel(ex.pathParam("name", RepositoryName::parse), ex.pathParam("uuid", String::valueOf));
        ex.send(204);
    }

    private static void sendCreated(Exchange ex, RepositoryName repo, Digest digest) throws Exception {
        ex.header("Location", "/v2/" + repo + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest.toString())
                .send(201);
    }

    private static void sendProgress(Exchange ex, int status, UploadSession session) throws Exception {
        progressHeaders(ex, session).send(status);
    }

    private static Exchange progressHeaders(Exchange ex, UploadSession session) {
        return ex.header("Location", "/v2/" + session.repository() + "/blobs/uploads/" + session.id())
                .header("Range", "0-" + Math.max(0, session.size() - 1))
                .header("Docker-Upload-UUID", session.id())
                .header("OCI-Chunk-Min-Length", 0);
    }

    /** An out-of-order chunk: 416 with the upload's current Range, so the client can resume. */
    private static Invalid rangeMismatch(Exchange ex, UploadSession session) {
        progressHeaders(ex, session);
        return new Invalid(
                Invalid.Kind.UPLOAD_RANGE,
                "chunk must start at offset " + session.size(),
                "0-" + Math.max(0, session.size() - 1));
    }

    /** Content-Range for uploads is {@code start-end} (inclusive), optionally prefixed by {@code bytes }. */
    static long[] parseContentRange(String value) {
        String v = value.trim();
        if (v.startsWith("bytes ")) {
            v = v.substring(6).trim();
        }
        int slash = v.indexOf('/');
        if (slash >= 0) {
            v = v.substring(0, slash);
        }
        int dash = v.indexOf('-');
        try {
            long start = Long.parseLong(v.substring(0, dash));
            long end = Long.parseLong(v.substring(dash + 1));
            if (dash <= 0 || start < 0 || end < start) {
                throw new NumberFormatException();
            }
            return new long[] {start, end};
        } catch (RuntimeException e) {
            throw new Invalid(Invalid.Kind.UPLOAD_RANGE, "Content-Range must be start-end");
        }
    }
}

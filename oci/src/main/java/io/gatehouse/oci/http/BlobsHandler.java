package io.gatehouse.oci.http;

import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.registry.BlobService;
import io.gatehouse.http.Exchange;

/** GET/HEAD (with Range) and DELETE of blobs. */
public final class BlobsHandler {
    private final BlobService blobs;

    public BlobsHandler(BlobService blobs) {
        this.blobs = blobs;
    }

    public void get(Exchange ex) throws Exception {
        var repo = ex.pathParam("name", RepositoryName::parse);
        var digest = ex.pathParam("digest", Digest::parse);
        long size = blobs.size(repo, digest);
        ByteRange range;
        try {
            range = ByteRange.parse(ex.header("Range").orElse(null), size);
        } catch (Invalid unsatisfiable) {
            ex.header("Content-Range", "bytes */" + size);
            throw unsatisfiable;
        }
        // Set only on success: error responses must not carry a year-long cache lifetime.
        ex.header("Docker-Content-Digest", digest.toString())
                .header("ETag", "\"" + digest + "\"")
                .header("Accept-Ranges", "bytes")
                .header("Cache-Control", "max-age=31536000");
        if (range == null) {
            ex.sendStream(
                    200,
                    "application/octet-stream",
                    size,
                    ex.isHead() ? InputStreams.EMPTY : blobs.open(repo, digest, 0, size));
            return;
        }
        ex.header("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + size);
        ex.sendStream(
                206,
                "application/octet-stream",
                range.length(),
                ex.isHead() ? InputStreams.EMPTY : blobs.open(repo, digest, range.start(), range.length()));
    }

    public void delete(Exchange ex) throws Exception {
        var repo = ex.pathParam("name", RepositoryName::parse);
        var digest = ex.pathParam("digest", Digest::parse);
        blobs.delete(repo, digest);
        ex.send(202);
    }

    /**
     * A single byte range (RFC 9110). A header that is malformed, not in bytes, or asks for several ranges is
     * ignored and the whole blob is sent; a well-formed range wholly beyond the end is unsatisfiable (416).
     */
    record ByteRange(long start, long end) {
        long length() {
            return end - start + 1;
        }

        /** Null when the whole blob should be sent. */
        static ByteRange parse(String header, long size) {
            if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
                return null;
            }
            String spec = header.substring(6).trim();
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return null;
            }
            long start;
            long end;
            try {
                String first = spec.substring(0, dash).trim();
                String last = spec.substring(dash + 1).trim();
                if (first.isEmpty()) {
                    long suffix = Long.parseLong(last);
                    if (suffix < 0) {
                        return null;
                    }
                    if (suffix == 0 || size == 0) {
                        throw unsatisfiable(size);
                    }
                    return new ByteRange(Math.max(0, size - suffix), size - 1);
                }
                start = Long.parseLong(first);
                end = last.isEmpty() ? Long.MAX_VALUE : Long.parseLong(last);
            } catch (NumberFormatException e) {
                return null;
            }
            if (start < 0 || end < start) {
                return null;
            }
            if (start >= size) {
                throw unsatisfiable(size);
            }
            return new ByteRange(start, Math.min(end, size - 1));
        }

        private static Invalid unsatisfiable(long size) {
            return new Invalid(Invalid.Kind.READ_RANGE, "requested range not satisfiable; blob size is " + size);
        }
    }
}

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
        ex.header("Docker-Content-Digest", digest.toString())
                .header("ETag", "\"" + digest + "\"")
                .header("Accept-Ranges", "bytes")
                .header("Cache-Control", "max-age=31536000");
        ByteRange range = ByteRange.parse(ex.header("Range").orElse(null), size);
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

    /** A single satisfiable byte range; multi-range requests are refused. */
    record ByteRange(long start, long end) {
        long length() {
            return end - start + 1;
        }

        /** Null when there is no Range header (send everything). */
        static ByteRange parse(String header, long size) {
            if (header == null) {
                return null;
            }
            if (!header.startsWith("bytes=") || header.indexOf(',') >= 0) {
                throw unsatisfiable(size);
            }
            String spec = header.substring(6).trim();
            int dash = spec.indexOf('-');
            if (dash < 0) {
                throw unsatisfiable(size);
            }
            try {
                String first = spec.substring(0, dash).trim();
                String last = spec.substring(dash + 1).trim();
                long start;
                long end;
                if (first.isEmpty()) {
                    long suffix = Long.parseLong(last);
                    if (suffix <= 0) {
                        throw unsatisfiable(size);
                    }
                    start = Math.max(0, size - suffix);
                    end = size - 1;
                } else {
                    start = Long.parseLong(first);
                    end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
                }
                if (start < 0 || start >= size || end < start) {
                    throw unsatisfiable(size);
                }
                return new ByteRange(start, end);
            } catch (NumberFormatException e) {
                throw unsatisfiable(size);
            }
        }

        private static Invalid unsatisfiable(long size) {
            return new Invalid(Invalid.Kind.READ_RANGE, "requested range not satisfiable; blob size is " + size);
        }
    }
}

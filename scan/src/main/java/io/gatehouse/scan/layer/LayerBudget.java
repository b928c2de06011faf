package io.gatehouse.scan.layer;

import io.gatehouse.scan.sbom.ExtractionLimits;
import java.io.IOException;

/**
 * Counts what one image's extraction has read and refuses to go past the {@link ExtractionLimits}: total
 * uncompressed bytes and entries across the image, and per layer the compression ratio (checked as the bytes
 * stream, so a bomb is stopped after a few megabytes, not after it has been inflated) and the bytes a single tar
 * header may take (GNU long names, PAX records, sparse maps, which the tar reader buffers).
 *
 * <p>Decompression runs a little ahead on its own thread ({@link ReadAheadInputStream}), so the byte counts
 * arrive from there while entries and headers are counted by the tar reader: the methods are synchronized.
 *
 * <p>It also remembers the first failure of the layer stream itself, because an extractor reading an entry may
 * catch or wrap it: the walker asks here whether an extractor's exception was really the layer's.
 */
final class LayerBudget {
    /** Below this many uncompressed bytes the ratio is not judged: tar padding alone compresses 200:1. */
    static final long RATIO_FLOOR_BYTES = 8L << 20;
    /** A tar entry's headers (ustar + PAX + GNU long name and link + sparse map) past this are not a real layer. */
    static final long MAX_HEADER_BYTES = 1L << 20;

    private final ExtractionLimits limits;
    private long totalUncompressed;
    private long entries;
    private String layer = "";
    private long layerCompressed;
    private long layerUncompressed;
    private boolean compressed;
    private long headerBytes = -1;
    private IOException failure;

    LayerBudget(ExtractionLimits limits) {
        this.limits = limits;
    }

    synchronized void startLayer(String digest) {
        layer = digest;
        layerCompressed = 0;
        layerUncompressed = 0;
        compressed = false;
        headerBytes = -1;
        failure = null;
    }

    /** Whether the layer's bytes are compressed, so the ratio means something. */
    synchronized void compressed(boolean compressed) {
        this.compressed = compressed;
    }

    synchronized void compressedRead(long n) {
        layerCompressed += n;
    }

    synchronized void uncompressedRead(long n) throws LayerLimitExceededException {
        totalUncompressed += n;
        layerUncompressed += n;
        if (totalUncompressed > limits.maxUncompressedBytes()) {
            throw fail(new LayerLimitExceededException(
                    "maxUncompressedBytes",
                    true,
                    "the image's layers inflate to more than " + limits.maxUncompressedBytes() + " bytes"));
        }
        if (compressed
                && layerUncompressed > RATIO_FLOOR_BYTES
                && layerUncompressed > (double) limits.maxCompressionRatio() * Math.max(1, layerCompressed)) {
            throw fail(new LayerLimitExceededException(
                    "maxCompressionRatio",
                    false,
                    "layer " + layer + " inflates more than " + limits.maxCompressionRatio() + ":1 ("
                            + layerUncompressed + " bytes from " + layerCompressed + ")"));
        }
    }

    /** Bytes the tar reader consumed: while it parses headers they count against {@link #MAX_HEADER_BYTES}. */
    synchronized void tarRead(long n) throws LayerLimitExceededException {
        if (headerBytes >= 0 && (headerBytes += n) > MAX_HEADER_BYTES) {
            throw fail(new LayerLimitExceededException(
                    "maxPathLength",
                    false,
                    "a tar header in layer " + layer + " (long name, PAX record or sparse map) exceeds "
                            + MAX_HEADER_BYTES + " bytes"));
        }
    }

    /** The tar reader is reading headers until {@link #endHeaders()}: their size is bounded. */
    synchronized void beginHeaders() {
        headerBytes = 0;
    }

    synchronized void endHeaders() {
        headerBytes = -1;
    }

    synchronized void entry() throws LayerLimitExceededException {
        if (++entries > limits.maxEntries()) {
            throw fail(new LayerLimitExceededException(
                    "maxEntries", true, "the image's layers hold more than " + limits.maxEntries() + " entries"));
        }
    }

    /** Records a failure of the layer stream (decompression, tar structure, limits) and returns it. */
    synchronized <E extends IOException> E fail(E e) {
        if (failure == null) failure = e;
        return e;
    }

    /** The layer stream's first failure in the current layer, if any. */
    synchronized IOException failure() {
        return failure;
    }

    synchronized String layer() {
        return layer;
    }

    synchronized long layerUncompressed() {
        return layerUncompressed;
    }

    synchronized long layerCompressed() {
        return layerCompressed;
    }
}

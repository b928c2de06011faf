package io.gatehouse.scan.sbom;

/**
 * Bounds on what one image's extraction may read, so a crafted layer is refused with a finding instead of
 * exhausting memory or disk.
 *
 * @param maxUncompressedBytes total uncompressed bytes across all layers
 * @param maxEntries tar entries across all layers
 * @param maxPathLength bytes in one entry path
 * @param maxCompressionRatio uncompressed / compressed bytes of one layer, checked as it streams
 * @param maxFileBytes bytes an extractor may buffer from one file (a dpkg status file, a package.json, a pom)
 * @param maxNestingDepth archives inside archives (jar in war in ear)
 */
public record ExtractionLimits(
        long maxUncompressedBytes,
        long maxEntries,
        int maxPathLength,
        int maxCompressionRatio,
        long maxFileBytes,
        int maxNestingDepth) {
    public static final ExtractionLimits DEFAULTS = new ExtractionLimits(16L << 30, 2_000_000, 4096, 200, 64L << 20, 4);
}

package io.gatehouse.scan.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading a file's content for an extractor without going past {@link ExtractionLimits#maxFileBytes()}. */
public final class EntryBytes {
    private EntryBytes() {}

    /** The whole content, or {@link FileTooLargeException} once it passes the limit (never buffered past it). */
    public static byte[] read(InputStream content, String path, ExtractionLimits limits) throws IOException {
        long max = Math.min(limits.maxFileBytes(), Integer.MAX_VALUE - 16);
        byte[] bytes = content.readNBytes((int) max + 1);
        if (bytes.length > max) throw new FileTooLargeException(path, limits.maxFileBytes());
        return bytes;
    }

    /**
     * Copies the content to {@code target} (for readers that need a file, like SQLite), refusing past the limit.
     */
    public static void copy(InputStream content, Path target, String path, ExtractionLimits limits) throws IOException {
        try (OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = content.read(buffer)) > 0) {
                total += n;
                if (total > limits.maxFileBytes()) throw new FileTooLargeException(path, limits.maxFileBytes());
                out.write(buffer, 0, n);
            }
        }
    }
}

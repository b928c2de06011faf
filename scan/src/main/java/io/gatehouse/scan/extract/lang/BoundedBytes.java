package io.gatehouse.scan.extract.lang;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Reads a small file (a package.json, a METADATA, a pom.properties) whole, but never more than a bound. */
final class BoundedBytes {
    private BoundedBytes() {}

    /** The stream's bytes, or empty when it holds more than {@code max} bytes (the rest is left unread). */
    static Optional<byte[]> read(InputStream in, long max) throws IOException {
        int cap = (int) Math.min(max, Integer.MAX_VALUE - 16);
        byte[] bytes = in.readNBytes(cap);
        if (bytes.length == cap && in.read() != -1) {
            return Optional.empty();
        }
        return Optional.of(bytes);
    }
}

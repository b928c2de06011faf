package io.gatehouse.core.model;

import java.util.Map;
import java.util.Objects;

/** Points at content by digest, with its media type and size; artifactType and annotations are optional. */
public record Descriptor(
        String mediaType, Digest digest, long size, String artifactType, Map<String, String> annotations) {
    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, null, Map.of());
    }
}

package io.gatehouse.core.registry;

/** Validates a manifest's bytes and finds what it references. Each format module supplies one. */
@FunctionalInterface
public interface ManifestInspector {
    /**
     * @param contentType the media type the client declared (may be null)
     * @throws io.gatehouse.core.error.Invalid MANIFEST if the bytes are not a valid manifest of that type
     */
    ParsedManifest inspect(String contentType, byte[] content);
}

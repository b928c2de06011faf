package io.gatehouse.scan.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What scanning reads from a stored manifest (already validated at push): an index's platform manifests, or an
 * image's config type and layers. Anything unexpected makes an empty part, which scans as UNSUPPORTED.
 */
record ManifestParts(
        String mediaType, String configType, boolean hasSubject, List<Layer> layers, List<Platform> manifests) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final Set<String> IMAGE_CONFIGS =
            Set.of("application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json");
    private static final String TITLE = "org.opencontainers.image.title";

    /** @param title the file name an OCI artifact gives a layer (a model file pushed with oras), else empty */
    record Layer(String mediaType, Digest digest, String title) {
        /** A filesystem layer (tar, compressed or not), as opposed to a file pushed as an artifact. */
        boolean isFilesystem() {
            return mediaType.contains(".tar") || mediaType.contains("rootfs.diff");
        }
    }

    /** @param platform {@code os/arch[/variant]}; {@code unknown/unknown} for BuildKit's attestation manifests */
    record Platform(Digest digest, String mediaType, String platform) {
        boolean isAttestation() {
            return platform.startsWith("unknown/");
        }
    }

    boolean isIndex() {
        return MediaTypes.INDEXES.contains(mediaType) || !manifests.isEmpty();
    }

    /** An image whose config says it is a container image (signatures and SBOM referrers are not). */
    boolean isImage() {
        return IMAGE_CONFIGS.contains(configType) && !hasSubject;
    }

    static ManifestParts parse(String storedMediaType, byte[] content) throws IOException {
        JsonNode root = MAPPER.readTree(content);
        String mediaType = root.path("mediaType").asText(storedMediaType);
        List<Layer> layers = new ArrayList<>();
        for (JsonNode l : root.path("layers")) {
            digest(l)
                    .ifPresent(d -> layers.add(new Layer(
                            l.path("mediaType").asText(""),
                            d,
                            l.path("annotations").path(TITLE).asText(""))));
        }
        List<Platform> manifests = new ArrayList<>();
        for (JsonNode m : root.path("manifests")) {
            JsonNode p = m.path("platform");
            String platform = p.path("os").asText("unknown") + "/"
                    + p.path("architecture").asText("unknown")
                    + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : "");
            digest(m)
                    .ifPresent(d ->
                            manifests.add(new Platform(d, m.path("mediaType").asText(""), platform)));
        }
        return new ManifestParts(
                mediaType,
                root.path("config").path("mediaType").asText(""),
                root.hasNonNull("subject"),
                layers,
                manifests);
    }

    private static Optional<Digest> digest(JsonNode descriptor) {
        try {
            return Optional.of(Digest.parse(descriptor.path("digest").asText("")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}

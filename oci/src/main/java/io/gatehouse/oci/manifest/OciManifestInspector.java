package io.gatehouse.oci.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.RegistryException;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.registry.ManifestInspector;
import io.gatehouse.core.registry.ParsedManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validates OCI image manifests and indexes and Docker schema2 manifests and manifest lists, and finds the
 * blobs and child manifests they reference. Docker schema1 is refused. The bytes themselves are stored as
 * received; this only reads them.
 */
public final class OciManifestInspector implements ManifestInspector {
    private static final String FOREIGN_LAYER = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    private static final String NONDISTRIBUTABLE_PREFIX = "application/vnd.oci.image.layer.nondistributable.";

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64)
                            .maxStringLength(1 << 20)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @Override
    public ParsedManifest inspect(String contentType, byte[] content) {
        String declared = contentType == null ? null : OciMediaTypes.base(contentType);
        if (MediaTypes.DOCKER_SCHEMA1.equals(declared) || MediaTypes.DOCKER_SCHEMA1_SIGNED.equals(declared)) {
            throw schema1();
        }
        JsonNode root = parse(content);
        if (root.path("schemaVersion").asInt(-1) == 1) {
            throw schema1();
        }
        if (root.path("schemaVersion").asInt(-1) != 2) {
            throw invalid("schemaVersion must be 2");
        }
        String mediaType = mediaTypeOf(declared, root);
        Optional<Digest> subject = root.hasNonNull("subject")
                ? Optional.of(descriptor(root.get("subject"), "subject").digest)
                : Optional.empty();
        Map<String, String> annotations = annotations(root.get("annotations"));
        String artifactType = text(root, "artifactType");
        if (MediaTypes.INDEXES.contains(mediaType)) {
            List<Digest> children = new ArrayList<>();
            for (JsonNode m : array(root, "manifests", true)) {
                children.add(descriptor(m, "manifests[]").digest);
            }
            return new ParsedManifest(mediaType, artifactType, subject, List.of(), children, annotations);
        }
        Desc config = descriptor(required(root, "config"), "config");
        List<Digest> blobs = new ArrayList<>();
        blobs.add(config.digest);
        for (JsonNode layer : array(root, "layers", MediaTypes.DOCKER_MANIFEST.equals(mediaType))) {
            Desc d = descriptor(layer, "layers[]");
            if (!isExternal(d, layer)) {
                blobs.add(d.digest);
            }
        }
        if (artifactType == null && MediaTypes.OCI_MANIFEST.equals(mediaType)) {
            artifactType = config.mediaType;
        }
        return new ParsedManifest(mediaType, artifactType, subject, blobs, List.of(), annotations);
    }

    /** The media type of the manifest: the Content-Type and the document's own mediaType must agree. */
    private static String mediaTypeOf(String declared, JsonNode root) {
        String inDocument = text(root, "mediaType");
        boolean declaredKnown = declared != null && MediaTypes.MANIFESTS.contains(declared);
        if (inDocument != null && !MediaTypes.MANIFESTS.contains(inDocument)) {
            throw invalid("unsupported manifest media type " + inDocument);
        }
        if (declaredKnown && inDocument != null && !declared.equals(inDocument)) {
            throw invalid("Content-Type " + declared + " does not match the manifest's mediaType " + inDocument);
        }
        if (declaredKnown) {
            return declared;
        }
        if (inDocument != null) {
            return inDocument;
        }
        if (declared != null && !declared.equals("application/json") && !declared.equals("application/octet-stream")) {
            throw invalid("unsupported manifest media type " + declared);
        }
        // OCI allows mediaType to be absent: tell an index from a manifest by its shape.
        if (root.has("manifests") && !root.has("config")) {
            return MediaTypes.OCI_INDEX;
        }
        if (root.has("config")) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw invalid("cannot tell the manifest's media type");
    }

    private static boolean isExternal(Desc d, JsonNode node) {
        boolean hasUrls = node.has("urls")
                && node.get("urls").isArray()
                && !node.get("urls").isEmpty();
        return hasUrls && (FOREIGN_LAYER.equals(d.mediaType) || d.mediaType.startsWith(NONDISTRIBUTABLE_PREFIX));
    }

    private record Desc(String mediaType, Digest digest, long size) {}

    private static Desc descriptor(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw invalid(where + " must be a descriptor object");
        }
        String mediaType = text(node, "mediaType");
        if (mediaType == null || mediaType.isBlank()) {
            throw invalid(where + ".mediaType is required");
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
            throw invalid(where + ".size must be a non-negative integer");
        }
        String digest = text(node, "digest");
        try {
            return new Desc(mediaType, Digest.parse(digest), size.asLong());
        } catch (RegistryException e) {
            throw invalid(where + ".digest is not a valid digest");
        }
    }

    private static Iterable<JsonNode> array(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw invalid(field + " is required");
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(field + " must be an array");
        }
        return node;
    }

    private static JsonNode required(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw invalid(field + " is required");
        }
        return node;
    }

    private static Map<String, String> annotations(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid("annotations must be an object of strings");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (var e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw invalid("annotation " + e.getKey() + " must be a string");
            }
            result.put(e.getKey(), e.getValue().asText());
        }
        return result;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field + " must be a string");
        }
        return v.asText();
    }

    private static JsonNode parse(byte[] content) {
        try {
            JsonNode root = JSON.readTree(content);
            if (root == null || !root.isObject()) {
                throw invalid("manifest must be a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw invalid("manifest is not well-formed JSON");
        } catch (IOException e) {
            throw invalid("manifest could not be read");
        }
    }

    private static Invalid schema1() {
        return new Invalid(
                Invalid.Kind.MANIFEST,
                "Docker schema1 manifests are not supported: push schema2 or OCI (for example skopeo copy --format v2s2)");
    }

    private static Invalid invalid(String message) {
        return new Invalid(Invalid.Kind.MANIFEST, "manifest invalid: " + message);
    }
}

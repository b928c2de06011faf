package io.gatehouse.scan.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.Digest;
import io.gatehouse.scan.sbom.LayerSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An image on disk, before it is pushed: an OCI image layout directory ({@code skopeo copy ... oci:DIR}), or a
 * tar of one ({@code oci-archive:}), or a Docker archive ({@code docker save}, {@code docker-archive:}, with
 * {@code manifest.json}). A multi-platform index yields one {@link LocalImage} per platform. Layers are streamed
 * from the directory or from their offset inside the tar, never extracted; manifests, indexes and configs are
 * checked against their digests and bounded in size.
 */
public final class ImageArchive implements AutoCloseable {
    static final int MAX_JSON_BYTES = 4 << 20;
    static final int MAX_NESTING = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    static final Set<String> INDEX_TYPES = Set.of(
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json");
    static final Set<String> MANIFEST_TYPES = Set.of(
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json");
    static final Set<String> CONFIG_TYPES =
            Set.of("application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json");

    /**
     * One image (one platform) of the archive.
     *
     * @param manifest the manifest's digest; for a Docker archive, which has no manifest, the config's (the image
     *     id {@code docker images} shows)
     * @param platform {@code os/arch[/variant]} from the index or the config
     */
    public record LocalImage(Digest manifest, String platform, List<LayerSource> layers) {}

    private final ArchiveContent content;
    private final Digest digest;
    private final List<LocalImage> images;
    private final String kind;

    private ImageArchive(ArchiveContent content, Digest digest, List<LocalImage> images, String kind) {
        this.content = content;
        this.digest = digest;
        this.images = List.copyOf(images);
        this.kind = kind;
    }

    /** @throws ImageArchiveException when the path is missing, not an image, or damaged (the message says which) */
    public static ImageArchive open(Path path) throws IOException {
        ArchiveContent content = ArchiveContent.of(path);
        try {
            if (content.exists("index.json")) return ociLayout(content);
            if (content.exists("manifest.json")) return dockerArchive(content);
            content.close();
            throw new ImageArchiveException(path + " is not an image: no index.json (OCI image layout) and no"
                    + " manifest.json (docker save archive)");
        } catch (IOException | RuntimeException e) {
            content.close();
            throw e;
        }
    }

    /** The digest the report is about: the single manifest or index the layout names, else its index.json's. */
    public Digest digest() {
        return digest;
    }

    /** The images to scan, one per platform. */
    public List<LocalImage> images() {
        return images;
    }

    /** {@code oci-layout} or {@code docker-archive}. */
    public String kind() {
        return kind;
    }

    @Override
    public void close() throws IOException {
        content.close();
    }

    private static ImageArchive ociLayout(ArchiveContent content) throws IOException {
        byte[] indexBytes = read(content, "index.json", null);
        JsonNode index = parse("index.json", indexBytes);
        JsonNode manifests = index.path("manifests");
        if (!manifests.isArray() || manifests.isEmpty()) {
            throw new ImageArchiveException("index.json lists no manifests");
        }
        var images = new ArrayList<LocalImage>();
        for (JsonNode descriptor : manifests) {
            collect(content, descriptor, "", images, 0);
        }
        if (images.isEmpty()) throw new ImageArchiveException("the layout holds no image (only other artifacts)");
        Digest top = manifests.size() == 1 ? digestOf(manifests.get(0)) : Digest.sha256(indexBytes);
        return new ImageArchive(content, top, images, "oci-layout");
    }

    /** Adds the images a descriptor leads to: itself, or an index's platforms (attestations and artifacts skipped). */
    private static void collect(
            ArchiveContent content, JsonNode descriptor, String platform, List<LocalImage> out, int depth)
            throws IOException {
        String mediaType = descriptor.path("mediaType").asText();
        Digest digest = digestOf(descriptor);
        if (INDEX_TYPES.contains(mediaType)) {
            if (depth >= MAX_NESTING) throw new ImageArchiveException("indexes nested deeper than " + MAX_NESTING);
            JsonNode index = parse(digest.toString(), read(content, blobPath(digest), digest));
            for (JsonNode child : index.path("manifests")) {
                if (child.path("annotations")
                        .path("vnd.docker.reference.type")
                        .asText()
                        .equals("attestation-manifest")) {
                    continue;
                }
                collect(content, child, platform(child.path("platform")), out, depth + 1);
            }
        } else if (MANIFEST_TYPES.contains(mediaType)) {
            JsonNode manifest = parse(digest.toString(), read(content, blobPath(digest), digest));
            JsonNode config = manifest.path("config");
            if (!CONFIG_TYPES.contains(config.path("mediaType").asText())) return; // an artifact, not an image
            if (platform.isEmpty()) {
                Digest configDigest = digestOf(config);
                platform =
                        platform(parse(configDigest.toString(), read(content, blobPath(configDigest), configDigest)));
            }
            var layers = new ArrayList<LayerSource>();
            for (JsonNode layer : manifest.path("layers")) {
                Digest layerDigest = digestOf(layer);
                if (!content.exists(blobPath(layerDigest))) {
                    throw new ImageArchiveException("layer " + layerDigest + " of " + digest + " is missing");
                }
                layers.add(new ArchivedLayer(
                        content,
                        blobPath(layerDigest),
                        layerDigest.toString(),
                        layer.path("mediaType").asText()));
            }
            out.add(new LocalImage(digest, platform, layers));
        }
    }

    private static ImageArchive dockerArchive(ArchiveContent content) throws IOException {
        JsonNode manifest = parse("manifest.json", read(content, "manifest.json", null));
        if (!manifest.isArray() || manifest.isEmpty()) {
            throw new ImageArchiveException("manifest.json lists no images");
        }
        var images = new ArrayList<LocalImage>();
        for (JsonNode entry : manifest) {
            String configName = entry.path("Config").asText();
            byte[] configBytes = read(content, requireMember(content, configName, "config"), null);
            JsonNode config = parse(configName, configBytes);
            JsonNode layerNames = entry.path("Layers");
            JsonNode diffIds = config.path("rootfs").path("diff_ids");
            if (!layerNames.isArray() || layerNames.size() != diffIds.size()) {
                throw new ImageArchiveException(
                        configName + " names " + diffIds.size() + " layers but manifest.json " + layerNames.size());
            }
            var layers = new ArrayList<LayerSource>();
            for (int i = 0; i < layerNames.size(); i++) {
                String name = requireMember(content, layerNames.get(i).asText(), "layer");
                String diffId = Digest.parse(diffIds.get(i).asText()).toString();
                layers.add(new ArchivedLayer(content, name, diffId, "application/vnd.docker.image.rootfs.diff.tar"));
            }
            images.add(new LocalImage(Digest.sha256(configBytes), platform(config), layers));
        }
        Digest top =
                images.size() == 1 ? images.getFirst().manifest() : Digest.sha256(read(content, "manifest.json", null));
        return new ImageArchive(content, top, images, "docker-archive");
    }

    private static String requireMember(ArchiveContent content, String name, String what) throws ImageArchiveException {
        String n = ArchiveNames.normalize(name);
        if (!ArchiveNames.safe(n)) throw new ImageArchiveException("unsafe " + what + " name '" + name + "' refused");
        if (!content.exists(n))
            throw new ImageArchiveException("the " + what + " " + name + " is missing from the archive");
        return n;
    }

    private static String blobPath(Digest digest) {
        return "blobs/" + digest.algorithm().label() + "/" + digest.hex();
    }

    private static Digest digestOf(JsonNode descriptor) throws ImageArchiveException {
        try {
            return Digest.parse(descriptor.path("digest").asText(null));
        } catch (RuntimeException e) {
            throw new ImageArchiveException("a descriptor has no valid digest: "
                    + descriptor.path("digest").asText(""));
        }
    }

    /** Reads a small JSON member, bounded, checking it against {@code expected} when given. */
    private static byte[] read(ArchiveContent content, String name, Digest expected) throws IOException {
        if (!content.exists(name)) {
            throw new ImageArchiveException(
                    name + " is missing" + (expected == null ? "" : " (blob " + expected + ")"));
        }
        byte[] bytes;
        try (InputStream in = content.open(name)) {
            bytes = in.readNBytes(MAX_JSON_BYTES + 1);
        } catch (IOException e) {
            throw new ImageArchiveException(name + " cannot be read: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_JSON_BYTES)
            throw new ImageArchiveException(name + " is larger than " + MAX_JSON_BYTES + " bytes");
        if (expected != null && !Digest.compute(expected.algorithm(), bytes).equals(expected)) {
            throw new ImageArchiveException(name + " does not match its digest (damaged or truncated)");
        }
        return bytes;
    }

    private static JsonNode parse(String name, byte[] bytes) throws ImageArchiveException {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isContainerNode())
                throw new ImageArchiveException(name + " is not a JSON document");
            return node;
        } catch (JsonProcessingException e) {
            throw new ImageArchiveException(name + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ImageArchiveException(name + " cannot be parsed: " + e.getMessage(), e);
        }
    }

    private static String platform(JsonNode node) {
        String os = node.path("os").asText("");
        String arch = node.path("architecture").asText("");
        if (os.isEmpty() && arch.isEmpty()) return "";
        String variant = node.path("variant").asText("");
        return os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant);
    }

    /** A layer streamed from the archive on demand. */
    private record ArchivedLayer(ArchiveContent content, String name, String digest, String mediaType)
            implements LayerSource {
        @Override
        public InputStream open() throws IOException {
            if (!content.exists(name))
                throw new ImageArchiveException("layer " + digest + " is missing (" + name + ")");
            return content.open(name);
        }
    }
}

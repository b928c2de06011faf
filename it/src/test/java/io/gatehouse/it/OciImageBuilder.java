package io.gatehouse.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes real OCI image layouts (image-spec "oci-layout" 1.0.0) to disk without any network: multi-layer images whose
 * layers are gzip-compressed tars of random files, a multi-platform image index, and artifact manifests with a
 * {@code subject}. Everything is deterministic for a given seed, so two builders with the same seed and the same calls
 * produce byte-identical layouts. Every {@code image}/{@code multiPlatform}/{@code artifact} call adds an entry to
 * {@code index.json} annotated with {@code org.opencontainers.image.ref.name}, so {@code skopeo copy oci:DIR:REF ...}
 * finds it.
 */
public final class OciImageBuilder {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    public static final String SBOM_ARTIFACT_TYPE = "application/spdx+json";

    private static final Instant CREATED = Instant.parse("2024-01-02T03:04:05Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An OCI content descriptor. */
    public record Descriptor(String mediaType, String digest, long size) {
        ObjectNode toJson() {
            ObjectNode node = JSON.createObjectNode();
            node.put("mediaType", mediaType);
            node.put("digest", digest);
            node.put("size", size);
            return node;
        }
    }

    /** A single-platform image: its manifest, config, compressed layers and the diff_ids of the uncompressed tars. */
    public record Image(
            String refName,
            String os,
            String architecture,
            Descriptor manifest,
            Descriptor config,
            List<Descriptor> layers,
            List<String> diffIds) {
        /** Config and layer digests: every blob a registry must hold for this image. */
        public Set<String> blobDigests() {
            Set<String> digests = new LinkedHashSet<>();
            digests.add(config.digest());
            layers.forEach(layer -> digests.add(layer.digest()));
            return digests;
        }

        public List<String> layerDigests() {
            return layers.stream().map(Descriptor::digest).toList();
        }
    }

    /** A multi-platform image: the OCI image index and its per-architecture images. */
    public record MultiPlatformImage(String refName, Descriptor index, Map<String, Image> byArchitecture) {
        public Image platform(String architecture) {
            Image image = byArchitecture.get(architecture);
            if (image == null) {
                throw new IllegalArgumentException("no image for architecture " + architecture);
            }
            return image;
        }
    }

    /** An artifact manifest (OCI 1.1 style: artifactType, empty config, one layer) that refers to a subject. */
    public record Artifact(
            String refName,
            String artifactType,
            Descriptor manifest,
            Descriptor config,
            List<Descriptor> layers,
            Descriptor subject) {
        public Set<String> blobDigests() {
            Set<String> digests = new LinkedHashSet<>();
            digests.add(config.digest());
            layers.forEach(layer -> digests.add(layer.digest()));
            return digests;
        }
    }

    private final Path layout;
    private final Random random;
    private final ArrayNode indexManifests = JSON.createArrayNode();

    private OciImageBuilder(Path layout, long seed) {
        this.layout = layout;
        this.random = new Random(seed);
    }

    /** Creates (or reuses an empty) layout directory and writes {@code oci-layout} and an empty {@code index.json}. */
    public static OciImageBuilder create(Path layout, long seed) {
        OciImageBuilder builder = new OciImageBuilder(layout, seed);
        try {
            Files.createDirectories(layout.resolve("blobs").resolve("sha256"));
            Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        builder.writeIndex();
        return builder;
    }

    public Path layout() {
        return layout;
    }

    /** The {@code oci:DIR:REF} reference skopeo understands for an entry of this layout. */
    public String ociReference(String refName) {
        return "oci:" + layout.toAbsolutePath() + ":" + refName;
    }

    /** A linux image with {@code layerCount} layers for {@code architecture}, tagged {@code refName} in index.json. */
    public Image image(String refName, String architecture, int layerCount) {
        Image image = writeImage(refName, "linux", architecture, layerCount);
        addToIndex(image.manifest(), refName);
        return image;
    }

    /** An OCI image index with linux/amd64 and linux/arm64 images, tagged {@code refName} in index.json. */
    public MultiPlatformImage multiPlatform(String refName, int layersPerImage) {
        Map<String, Image> byArch = new LinkedHashMap<>();
        ArrayNode manifests = JSON.createArrayNode();
        for (String arch : List.of("amd64", "arm64")) {
            Image image = writeImage(refName + "-" + arch, "linux", arch, layersPerImage);
            byArch.put(arch, image);
            ObjectNode entry = image.manifest().toJson();
            ObjectNode platform = entry.putObject("platform");
            platform.put("architecture", arch);
            platform.put("os", "linux");
            if (arch.equals("arm64")) {
                platform.put("variant", "v8");
            }
            manifests.add(entry);
        }
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", OCI_INDEX);
        index.set("manifests", manifests);
        Descriptor indexDescriptor = writeBlob(OCI_INDEX, json(index));
        addToIndex(indexDescriptor, refName);
        return new MultiPlatformImage(refName, indexDescriptor, Map.copyOf(byArch));
    }

    /**
     * An SBOM-like artifact referring to {@code subject} (normally an image manifest of this layout): empty config
     * ({@code application/vnd.oci.empty.v1+json}), {@code artifactType}, one JSON layer and the {@code subject} field.
     */
    public Artifact artifact(String refName, Descriptor subject, String artifactType) {
        Descriptor config = writeBlob(OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
        ObjectNode sbom = JSON.createObjectNode();
        sbom.put("spdxVersion", "SPDX-2.3");
        sbom.put("name", refName);
        sbom.put("describes", subject.digest());
        sbom.put("nonce", HexFormat.of().formatHex(randomBytes(16)));
        Descriptor layer = writeBlob(artifactType, json(sbom));
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        manifest.put("artifactType", artifactType);
        manifest.set("config", config.toJson());
        manifest.putArray("layers").add(layer.toJson());
        manifest.set("subject", subject.toJson());
        manifest.putObject("annotations").put("org.opencontainers.image.created", CREATED.toString());
        Descriptor manifestDescriptor = writeBlob(OCI_MANIFEST, json(manifest));
        addToIndex(manifestDescriptor, refName);
        return new Artifact(refName, artifactType, manifestDescriptor, config, List.of(layer), subject);
    }

    /** Bytes of a blob in this layout. */
    public byte[] blob(String digest) {
        return readBlob(layout, digest);
    }

    public static byte[] readBlob(Path layout, String digest) {
        if (!digest.startsWith("sha256:")) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        try {
            return Files.readAllBytes(layout.resolve("blobs").resolve("sha256").resolve(digest.substring(7)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Image writeImage(String name, String os, String architecture, int layerCount) {
        if (layerCount < 1) {
            throw new IllegalArgumentException("an image needs at least one layer");
        }
        List<Descriptor> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        ArrayNode history = JSON.createArrayNode();
        for (int i = 0; i < layerCount; i++) {
            byte[] tar = layerTar(name, i);
            diffIds.add(sha256(tar));
            layers.add(writeBlob(OCI_LAYER_GZIP, gzip(tar)));
            ObjectNode step = history.addObject();
            step.put("created", CREATED.plusSeconds(i).toString());
            step.put("created_by", "gatehouse-it OciImageBuilder layer " + i + " of " + name);
        }
        return writeImage(name, os, architecture, layers, diffIds, history);
    }

    /**
     * A linux/amd64 image of the given gzip'd tar layers, bottom first (e.g. a real root filesystem and an
     * application layer), tagged {@code refName} in index.json.
     */
    public Image imageOfLayers(String refName, List<byte[]> gzipLayers) {
        List<Descriptor> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        ArrayNode history = JSON.createArrayNode();
        for (byte[] layer : gzipLayers) {
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(layer))) {
                diffIds.add(sha256(in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            layers.add(writeBlob(OCI_LAYER_GZIP, layer));
            history.addObject().put("created", CREATED.toString());
        }
        Image image = writeImage(refName, "linux", "amd64", layers, diffIds, history);
        addToIndex(image.manifest(), refName);
        return image;
    }

    private Image writeImage(
            String name,
            String os,
            String architecture,
            List<Descriptor> layers,
            List<String> diffIds,
            ArrayNode history) {
        ObjectNode config = JSON.createObjectNode();
        config.put("created", CREATED.toString());
        config.put("architecture", architecture);
        if (architecture.equals("arm64")) {
            config.put("variant", "v8");
        }
        config.put("os", os);
        ObjectNode runConfig = config.putObject("config");
        runConfig.putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        runConfig.putArray("Cmd").add("/bin/sh");
        runConfig.putObject("Labels").put("io.gatehouse.it.name", name);
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(ids::add);
        config.set("history", history);
        Descriptor configDescriptor = writeBlob(OCI_CONFIG, json(config));

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        manifest.set("config", configDescriptor.toJson());
        ArrayNode layerArray = manifest.putArray("layers");
        layers.forEach(layer -> layerArray.add(layer.toJson()));
        Descriptor manifestDescriptor = writeBlob(OCI_MANIFEST, json(manifest));
        return new Image(
                name,
                os,
                architecture,
                manifestDescriptor,
                configDescriptor,
                List.copyOf(layers),
                List.copyOf(diffIds));
    }

    /** A tar with a directory and three files of random content (1 KiB to 96 KiB each). */
    private byte[] layerTar(String name, int index) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            String dir = "opt/gatehouse-it/layer" + index + "/";
            TarArchiveEntry dirEntry = new TarArchiveEntry(dir);
            fixMetadata(dirEntry, 0755);
            tar.putArchiveEntry(dirEntry);
            tar.closeArchiveEntry();
            for (int file = 0; file < 3; file++) {
                byte[] content = randomBytes(1024 + random.nextInt(95 * 1024));
                TarArchiveEntry entry = new TarArchiveEntry(dir + "file" + file + ".bin");
                fixMetadata(entry, 0644);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            byte[] text = ("image " + name + " layer " + index + "\n").getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry readme = new TarArchiveEntry(dir + "README");
            fixMetadata(readme, 0644);
            readme.setSize(text.length);
            tar.putArchiveEntry(readme);
            tar.write(text);
            tar.closeArchiveEntry();
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void fixMetadata(TarArchiveEntry entry, int mode) {
        entry.setModTime(CREATED.toEpochMilli());
        entry.setMode((entry.isDirectory() ? 040000 : 0100000) | mode);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("root");
        entry.setGroupName("root");
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // GZIPOutputStream writes a fixed header (mtime 0, no file name), so the output is deterministic.
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private Descriptor writeBlob(String mediaType, byte[] content) {
        String digest = sha256(content);
        try {
            Files.write(layout.resolve("blobs").resolve("sha256").resolve(digest.substring(7)), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Descriptor(mediaType, digest, content.length);
    }

    private void addToIndex(Descriptor descriptor, String refName) {
        for (var existing : indexManifests) {
            if (refName.equals(existing.path("annotations").path(REF_NAME).asText(null))) {
                throw new IllegalArgumentException("ref name already used in this layout: " + refName);
            }
        }
        ObjectNode entry = descriptor.toJson();
        entry.putObject("annotations").put(REF_NAME, refName);
        indexManifests.add(entry);
        writeIndex();
    }

    private void writeIndex() {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", OCI_INDEX);
        index.set("manifests", indexManifests.deepCopy());
        try {
            Files.write(layout.resolve("index.json"), json(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] json(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

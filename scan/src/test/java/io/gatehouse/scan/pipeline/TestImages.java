package io.gatehouse.scan.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.model.Tag;
import io.gatehouse.core.store.BlobStore;
import io.gatehouse.core.store.ManifestRecord;
import io.gatehouse.core.store.MetadataStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Stores images straight into a blob store and metadata store, as a push would leave them: blobs committed and
 * linked, manifests (image, index, artifact) stored. Also writes gzip'd tar layers from files on disk, which the
 * end-to-end tests push with skopeo.
 */
public final class TestImages {
    public static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlobStore blobs;
    private final MetadataStore metadata;

    public TestImages(BlobStore blobs, MetadataStore metadata) {
        this.blobs = blobs;
        this.metadata = metadata;
    }

    /** A descriptor of stored content. */
    public record Stored(String mediaType, Digest digest, long size) {}

    /** A gzip'd tar holding each file at its path ({@code app/lib/x.jar}, no leading slash). */
    public static byte[] tarGz(Map<String, Path> files) {
        var out = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(out);
                var tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e : files.entrySet()) {
                var entry = new TarArchiveEntry(e.getKey());
                entry.setSize(Files.size(e.getValue()));
                entry.setMode(0644);
                tar.putArchiveEntry(entry);
                Files.copy(e.getValue(), tar);
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public Stored blob(RepositoryName repo, String mediaType, byte[] content) {
        return blob(repo, mediaType, new ByteArrayInputStream(content), content.length, Digest.sha256(content));
    }

    public Stored blob(RepositoryName repo, String mediaType, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return blob(repo, mediaType, in, Files.size(file), sha256(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Stored blob(RepositoryName repo, String mediaType, InputStream in, long size, Digest digest) {
        String upload = UUID.randomUUID().toString();
        blobs.createUpload(upload);
        blobs.append(upload, 0, in, size);
        blobs.commit(upload, digest, size);
        metadata.blobLinks().link(repo, digest, size);
        return new Stored(mediaType, digest, size);
    }

    /** An image: an image config and the given layers, bottom first. */
    public Stored image(RepositoryName repo, String tag, List<Stored> layers) {
        Stored config = blob(
                repo,
                "application/vnd.oci.image.config.v1+json",
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                        .getBytes(StandardCharsets.UTF_8));
        return manifest(repo, tag, config, layers, Map.of(), Optional.empty());
    }

    /**
     * A manifest with the given config and layers; {@code titles} names layers by digest (an OCI artifact's
     * files), {@code subject} makes it a referrer.
     */
    public Stored manifest(
            RepositoryName repo,
            String tag,
            Stored config,
            List<Stored> layers,
            Map<Digest, String> titles,
            Optional<Stored> subject) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        m.put("config", descriptor(config, null));
        m.put(
                "layers",
                layers.stream().map(l -> descriptor(l, titles.get(l.digest()))).toList());
        subject.ifPresent(s -> m.put("subject", descriptor(s, null)));
        List<Digest> referenced = new ArrayList<>();
        referenced.add(config.digest());
        layers.forEach(l -> referenced.add(l.digest()));
        return store(repo, tag, MediaTypes.OCI_MANIFEST, m, referenced, List.of(), subject.map(Stored::digest));
    }

    /** An index of (manifest, "os/arch") pairs. */
    public Stored index(RepositoryName repo, String tag, Map<Stored, String> platforms) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_INDEX);
        m.put(
                "manifests",
                platforms.entrySet().stream()
                        .map(e -> {
                            Map<String, Object> d = descriptor(e.getKey(), null);
                            String[] p = e.getValue().split("/");
                            d.put("platform", Map.of("os", p[0], "architecture", p[1]));
                            return d;
                        })
                        .toList());
        return store(
                repo,
                tag,
                MediaTypes.OCI_INDEX,
                m,
                List.of(),
                platforms.keySet().stream().map(Stored::digest).toList(),
                Optional.empty());
    }

    private Stored store(
            RepositoryName repo,
            String tag,
            String mediaType,
            Map<String, Object> json,
            List<Digest> blobsReferenced,
            List<Digest> manifests,
            Optional<Digest> subject) {
        try {
            byte[] content = JSON.writeValueAsBytes(json);
            Digest digest = Digest.sha256(content);
            metadata.manifests()
                    .put(
                            new ManifestRecord(
                                    repo,
                                    digest,
                                    mediaType,
                                    null,
                                    content,
                                    subject,
                                    blobsReferenced,
                                    manifests,
                                    Map.of(),
                                    Instant.now()),
                            Optional.ofNullable(tag).map(Tag::parse));
            return new Stored(mediaType, digest, content.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> descriptor(Stored s, String title) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", s.mediaType());
        d.put("digest", s.digest().toString());
        d.put("size", s.size());
        if (title != null) {
            d.put("annotations", Map.of("org.opencontainers.image.title", title));
        }
        return d;
    }

    static Digest sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
            return Digest.parse("sha256:" + HexFormat.of().formatHex(md.digest()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

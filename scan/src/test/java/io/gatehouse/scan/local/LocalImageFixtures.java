package io.gatehouse.scan.local;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.fixtures.DebianBookwormLayer;
import io.gatehouse.scan.extract.lang.LanguageFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Real images on disk for the local-scan tests, written by the real {@code skopeo}: a {@code dir:} image assembled
 * from the Debian 12 debootstrap layer ({@link DebianBookwormLayer}) and a layer holding Maven Central's
 * {@code log4j-core-2.14.1.jar} at {@code /app}, copied by skopeo to an OCI layout, an oci-archive and a
 * docker-archive; plus a two-platform index written into a copy of the layout (arm64 holds only the app layer).
 * Built once per test JVM under {@code target/fixtures/local-images}. Without skopeo the calling test is skipped
 * with the reason ({@code .ci/run} installs it).
 */
public final class LocalImageFixtures {
    public static final String APP_JAR = "/app/log4j-core-2.14.1.jar";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT =
            Path.of("target", "fixtures", "local-images").toAbsolutePath();
    private static Images built;

    /** The images, by format; {@code multiPlatform} is an OCI layout whose index.json names one image index. */
    public record Images(Path ociLayout, Path ociArchive, Path dockerArchive, Path multiPlatform, String appLayer) {}

    private LocalImageFixtures() {}

    public static synchronized Images images() throws IOException {
        if (built != null) return built;
        assumeTrue(skopeoAvailable(), "skopeo is not installed (.ci/run installs it)");
        Path debian = DebianBookwormLayer.layerTarGz();
        Path jar = LanguageFixtures.mavenJar("log4j-core-2.14.1.jar");
        deleteTree(ROOT);
        Path dir = Files.createDirectories(ROOT.resolve("dir"));
        Blob os = copyBlob(dir, debian);
        Blob app = writeBlob(dir, appLayer(jar));
        Blob config = writeBlob(dir, config("amd64", os, app));
        writeManifest(dir, config, List.of(os, app));
        Files.writeString(dir.resolve("version"), "Directory Transport Version: 1.1\n");

        Path layout = ROOT.resolve("oci");
        Path ociArchive = ROOT.resolve("image-oci.tar");
        Path dockerArchive = ROOT.resolve("image-docker.tar");
        skopeo("copy", "dir:" + dir, "oci:" + layout + ":latest");
        skopeo("copy", "dir:" + dir, "oci-archive:" + ociArchive + ":latest");
        skopeo("copy", "dir:" + dir, "docker-archive:" + dockerArchive + ":example/app:1");
        Path multi = multiPlatform(layout, app);
        built = new Images(layout, ociArchive, dockerArchive, multi, app.digest());
        return built;
    }

    private record Blob(String digest, long size, String diffId, byte[] bytes) {}

    /** An OCI layout copy whose index.json names an index of linux/amd64 (the full image) and linux/arm64. */
    private static Path multiPlatform(Path layout, Blob app) throws IOException {
        Path multi = ROOT.resolve("multi");
        skopeo("copy", "oci:" + layout + ":latest", "oci:" + multi + ":single");
        var index = (ObjectNode) JSON.readTree(multi.resolve("index.json").toFile());
        var amd64 = (ObjectNode) index.path("manifests").get(0).deepCopy();
        amd64.remove("annotations");
        amd64.putObject("platform").put("os", "linux").put("architecture", "amd64");
        Blob armConfig = putBlob(multi, config("arm64", app));
        var armManifest = JSON.createObjectNode()
                .put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        armManifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", armConfig));
        armManifest.putArray("layers").add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", app));
        Blob armBlob = putBlob(multi, JSON.writeValueAsBytes(armManifest));
        var arm64 = descriptor("application/vnd.oci.image.manifest.v1+json", armBlob);
        arm64.putObject("platform").put("os", "linux").put("architecture", "arm64");
        var imageIndex = JSON.createObjectNode()
                .put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.index.v1+json");
        imageIndex.putArray("manifests").add(amd64).add(arm64);
        Blob indexBlob = putBlob(multi, JSON.writeValueAsBytes(imageIndex));
        var top = descriptor("application/vnd.oci.image.index.v1+json", indexBlob);
        top.putObject("annotations").put("org.opencontainers.image.ref.name", "latest");
        index.putArray("manifests").add(top);
        Files.write(multi.resolve("index.json"), JSON.writeValueAsBytes(index));
        // skopeo reads the whole index back: the layout is well-formed for real clients too.
        skopeo("inspect", "--raw", "oci:" + multi + ":latest");
        return multi;
    }

    private static ObjectNode descriptor(String mediaType, Blob blob) {
        return JSON.createObjectNode()
                .put("mediaType", mediaType)
                .put("digest", blob.digest())
                .put("size", blob.size());
    }

    private static byte[] appLayer(Path jar) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(bytes);
                var tar = new TarArchiveOutputStream(gz)) {
            var dirEntry = new TarArchiveEntry("app/");
            tar.putArchiveEntry(dirEntry);
            tar.closeArchiveEntry();
            var entry = new TarArchiveEntry("app/log4j-core-2.14.1.jar");
            entry.setSize(Files.size(jar));
            tar.putArchiveEntry(entry);
            Files.copy(jar, tar);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] config(String architecture, Blob... layers) throws IOException {
        var config = JSON.createObjectNode().put("architecture", architecture).put("os", "linux");
        config.putObject("config").putArray("Cmd").add("/bin/sh");
        var rootfs = config.putObject("rootfs").put("type", "layers");
        var ids = rootfs.putArray("diff_ids");
        for (Blob layer : layers) ids.add(layer.diffId());
        return JSON.writeValueAsBytes(config);
    }

    private static void writeManifest(Path dir, Blob config, List<Blob> layers) throws IOException {
        var manifest = JSON.createObjectNode()
                .put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", config));
        var list = manifest.putArray("layers");
        for (Blob layer : layers) list.add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer));
        Files.write(dir.resolve("manifest.json"), JSON.writeValueAsBytes(manifest));
    }

    /** A blob in skopeo's {@code dir:} format (file named by hex digest); its diff_id if it is gzip. */
    private static Blob writeBlob(Path dir, byte[] bytes) throws IOException {
        String digest = sha256(bytes);
        Files.write(dir.resolve(digest.substring("sha256:".length())), bytes);
        return new Blob(digest, bytes.length, diffId(new java.io.ByteArrayInputStream(bytes)), bytes);
    }

    private static Blob copyBlob(Path dir, Path file) throws IOException {
        String digest;
        try (InputStream in = Files.newInputStream(file)) {
            digest = sha256(in);
        }
        Files.copy(file, dir.resolve(digest.substring("sha256:".length())));
        try (InputStream in = Files.newInputStream(file)) {
            return new Blob(digest, Files.size(file), diffId(in), null);
        }
    }

    /** A blob in an OCI layout's {@code blobs/sha256/}. */
    private static Blob putBlob(Path layout, byte[] bytes) throws IOException {
        String digest = sha256(bytes);
        Files.write(layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())), bytes);
        return new Blob(digest, bytes.length, null, bytes);
    }

    private static String diffId(InputStream compressed) throws IOException {
        try (InputStream in = new GZIPInputStream(compressed, 1 << 16)) {
            return sha256(in);
        } catch (java.util.zip.ZipException e) {
            return null;
        }
    }

    static String sha256(byte[] bytes) throws IOException {
        return sha256(new java.io.ByteArrayInputStream(bytes));
    }

    private static String sha256(InputStream in) throws IOException {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            try (var din = new DigestInputStream(in, digest)) {
                din.transferTo(OutputStream.nullOutputStream());
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean skopeoAvailable() {
        try {
            return new ProcessBuilder("skopeo", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs skopeo with an accept-anything policy (local transports only) and fails with its output. */
    static void skopeo(String... args) throws IOException {
        Path policy = ROOT.resolve("policy.json");
        if (!Files.exists(policy)) {
            Files.createDirectories(ROOT);
            Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        }
        var command = new java.util.ArrayList<>(
                List.of("skopeo", "--policy", policy.toString(), "--tmpdir", ROOT.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}

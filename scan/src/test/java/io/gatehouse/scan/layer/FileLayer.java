package io.gatehouse.scan.layer;

import io.gatehouse.scan.sbom.LayerSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A layer stored in a file, as an OCI layout or the blob store keeps it. */
record FileLayer(Path file, String digest) implements LayerSource {
    static FileLayer of(Path file) {
        try (var in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new FileLayer(
                    file,
                    "sha256:" + HexFormat.of().formatHex(in.getMessageDigest().digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String mediaType() {
        return "application/vnd.oci.image.layer.v1.tar+gzip";
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }
}

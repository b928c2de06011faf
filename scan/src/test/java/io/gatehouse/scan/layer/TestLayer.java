package io.gatehouse.scan.layer;

import com.github.luben.zstd.ZstdOutputStream;
import io.gatehouse.scan.sbom.LayerSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Small layers built in memory with commons-compress, as a registry would store them. */
final class TestLayer {
    enum Compression {
        GZIP,
        ZSTD,
        NONE
    }

    private final ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    TestLayer() {
        tar = new TarArchiveOutputStream(tarBytes);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    TestLayer longNames(int mode) {
        tar.setLongFileMode(mode);
        return this;
    }

    TestLayer file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    TestLayer file(String name, byte[] content, int mode) {
        try {
            var entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            entry.setMode(mode);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TestLayer dir(String name) {
        return special(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, null);
    }

    TestLayer symlink(String name, String target) {
        return special(name, TarConstants.LF_SYMLINK, target);
    }

    TestLayer hardlink(String name, String target) {
        return special(name, TarConstants.LF_LINK, target);
    }

    /** A whiteout: {@code .wh.NAME} beside what it deletes. */
    TestLayer whiteout(String path) {
        int slash = path.lastIndexOf('/');
        return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), "");
    }

    TestLayer opaque(String directory) {
        return file(directory + "/.wh..wh..opq", "");
    }

    private TestLayer special(String name, byte flag, String target) {
        try {
            var entry = new TarArchiveEntry(name, flag);
            if (target != null) entry.setLinkName(target);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] tar() {
        try {
            tar.finish();
            return tarBytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    LayerSource source(Compression compression) {
        return source(compress(tar(), compression));
    }

    static byte[] compress(byte[] tar, Compression compression) {
        try {
            var out = new ByteArrayOutputStream();
            try (OutputStream compressed = switch (compression) {
                case GZIP -> new GZIPOutputStream(out);
                case ZSTD -> new ZstdOutputStream(out);
                case NONE -> out;
            }) {
                compressed.write(tar);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LayerSource source(byte[] stored) {
        String digest = "sha256:" + sha256(stored);
        return new LayerSource() {
            @Override
            public String digest() {
                return digest;
            }

            @Override
            public String mediaType() {
                return "application/vnd.oci.image.layer.v1.tar+gzip";
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(stored);
            }
        };
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String dpkgStanza(String name, String version, String source) {
        return "Package: " + name + "\nVersion: " + version + "\nArchitecture: amd64\n"
                + (source == null ? "" : "Source: " + source + "\n") + "Description: test\n multi-line\n";
    }

    static final String DEBIAN_12 =
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";
}

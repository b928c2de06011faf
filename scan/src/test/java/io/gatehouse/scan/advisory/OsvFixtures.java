package io.gatehouse.scan.advisory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The OSV fixtures under {@code src/test/resources/osv}: real advisories, decoys, malformed files. */
public final class OsvFixtures {
    public static final List<String> REAL = List.of(
            "GHSA-jfh8-c2jp-5v3q.json",
            "GHSA-35jh-r3h4-6jhm.json",
            "DEBIAN-CVE-2023-45853.json",
            "GHSA-mq26-h93f-9w8m.json");
    public static final List<String> DECOYS = List.of(
            "decoys/DEBIAN-CVE-2022-37434.json", "decoys/GHSA-jf85-cpcp-j695.json", "decoys/GHSA-896r-f27r-55mw.json");

    /**
     * A later advisory for a package every Debian 12 image holds (tar, unfixed in Debian), for tests of an advisory
     * update alone making a new finding on a stored image. Outside the {@code osv} directory, so imports of
     * {@link #root()} or {@link #copyTo} do not include it.
     */
    public static final String TAR_UPDATE = "../osv-updates/DEBIAN-CVE-2005-2541.json";

    private OsvFixtures() {}

    public static Path root() {
        try {
            return Path.of(OsvFixtures.class
                            .getResource("/osv/GHSA-jfh8-c2jp-5v3q.json")
                            .toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static final List<String> MALFORMED =
            List.of("malformed/not-json.json", "malformed/event-without-version.json");

    /** A fixture's bytes, read from the classpath (works from this module's test-jar too). */
    public static byte[] bytes(String name) {
        String path = name.startsWith("../") ? "/" + name.substring(3) : "/osv/" + name;
        try (var in = OsvFixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no OSV fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies every fixture (real, decoys, malformed) under {@code dir}, keeping their relative paths. */
    public static Path copyTo(Path dir) throws IOException {
        for (List<String> group : List.of(REAL, DECOYS, MALFORMED)) {
            for (String name : group) {
                Path target = dir.resolve(name);
                Files.createDirectories(target.getParent());
                Files.write(target, bytes(name));
            }
        }
        return dir;
    }

    public static Advisory parse(String name) {
        return new OsvCodec().parse(name, bytes(name));
    }

    /** Writes a zip like OSV's {@code all.zip}: entry name → JSON bytes. */
    public static Path zip(Path target, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(target);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return target;
    }
}

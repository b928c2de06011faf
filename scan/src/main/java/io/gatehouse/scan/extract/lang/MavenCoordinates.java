package io.gatehouse.scan.extract.lang;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * A Maven artifact's identity as a Java archive records it: best from {@code META-INF/maven/g/a/pom.properties},
 * else pieced together from {@code MANIFEST.MF} and the file name, which is a guess (the group especially).
 *
 * @param group empty when nothing names it
 */
record MavenCoordinates(String group, String artifact, String version) {
    /** {@code log4j-core-2.14.1}: the artifact, then a version starting with a digit. */
    private static final Pattern FILE_NAME =
            Pattern.compile("(?<artifact>[A-Za-z][\\w.\\-]*?)-(?<version>\\d[\\w.\\-+]*)");

    private static final Pattern TOKEN = Pattern.compile("[\\w.\\-+]+");

    String name() {
        return group.isEmpty() ? artifact : group + ":" + artifact;
    }

    static Optional<MavenCoordinates> fromPomProperties(byte[] bytes) {
        var properties = new Properties();
        try {
            properties.load(new ByteArrayInputStream(bytes));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return of(
                properties.getProperty("groupId"),
                properties.getProperty("artifactId"),
                properties.getProperty("version"));
    }

    /**
     * From the manifest and the archive's file name: the artifact and version from the name where it has both,
     * the group from {@code Implementation-Vendor-Id} or the OSGi {@code Bundle-SymbolicName}.
     */
    static Optional<MavenCoordinates> fromManifest(byte[] manifestBytes, String fileName) {
        Attributes main = new Attributes();
        if (manifestBytes != null) {
            try {
                main = new Manifest(new ByteArrayInputStream(manifestBytes)).getMainAttributes();
            } catch (IOException | RuntimeException e) {
                // a damaged manifest: the file name may still tell
            }
        }
        String stem = fileName.replaceFirst("\\.[A-Za-z]+$", "");
        var named = FILE_NAME.matcher(stem);
        String artifact = named.matches() ? named.group("artifact") : "";
        String version = firstToken(
                main.getValue("Implementation-Version"),
                main.getValue("Bundle-Version"),
                named.matches() ? named.group("version") : null);
        String symbolicName = firstToken(stripDirectives(main.getValue("Bundle-SymbolicName")));
        if (artifact.isEmpty()) {
            artifact = firstToken(main.getValue("Implementation-Title"), lastSegment(symbolicName));
        }
        String group = firstToken(main.getValue("Implementation-Vendor-Id"), groupOf(symbolicName, artifact));
        if (manifestBytes == null && group.isEmpty()) return Optional.empty();
        return of(group, artifact, version);
    }

    private static Optional<MavenCoordinates> of(String group, String artifact, String version) {
        group = group == null ? "" : group.trim();
        artifact = artifact == null ? "" : artifact.trim();
        version = version == null ? "" : version.trim();
        if (artifact.isEmpty() || version.isEmpty() || (group + artifact + version).contains("${")) {
            return Optional.empty();
        }
        if (!TOKEN.matcher(artifact).matches()
                || !(group.isEmpty() || TOKEN.matcher(group).matches())) {
            return Optional.empty();
        }
        return Optional.of(new MavenCoordinates(group, artifact, version));
    }

    /** {@code org.apache.commons.commons-text} names group {@code org.apache.commons} for {@code commons-text}. */
    private static String groupOf(String symbolicName, String artifact) {
        if (symbolicName.isEmpty() || artifact.isEmpty()) return "";
        if (symbolicName.endsWith("." + artifact)) {
            return symbolicName.substring(0, symbolicName.length() - artifact.length() - 1);
        }
        return "";
    }

    private static String stripDirectives(String symbolicName) {
        return symbolicName == null ? null : symbolicName.split(";", 2)[0];
    }

    private static String lastSegment(String dotted) {
        return dotted.substring(dotted.lastIndexOf('.') + 1);
    }

    /** The first value that is a single token (no spaces: "Apache Log4j Core" names no artifact). */
    private static String firstToken(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && TOKEN.matcher(candidate.trim()).matches()) return candidate.trim();
        }
        return "";
    }
}

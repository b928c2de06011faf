package io.gatehouse.scan.extract.lang;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.Extractor;
import io.gatehouse.scan.sbom.FileFacts;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * npm packages: each installed {@code node_modules/[@scope/]name/package.json}, and {@code package-lock.json}
 * (lockfile versions 1, 2 and 3) for what an image would install. The lock file is read as a stream of tokens, one
 * package entry at a time, so a large lock needs no more memory than its packages' names and versions. npm's hidden
 * {@code node_modules/.package-lock.json} repeats the installed package.json files and is not read.
 */
public final class NpmPackageExtractor implements Extractor {
    /** package.json files are small; a larger one is not a package's manifest. */
    private static final int MAX_MANIFEST_BYTES = 1 << 20;
    /** Lock file v1 nests dependencies inside dependencies; real trees are far shallower. */
    private static final int MAX_V1_DEPTH = 64;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(2 * MAX_V1_DEPTH + 16)
                    .maxStringLength(1 << 20)
                    .build())
            .build();

    @Override
    public String name() {
        return "npm";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, long size, boolean executable) {
        return isInstalledManifest(path) || isLockFile(path);
    }

    @Override
    public FileFacts extract(String path, String layer, InputStream content, ExtractionLimits limits)
            throws IOException {
        var found = new LinkedHashSet<NameVersion>();
        try {
            if (isLockFile(path)) {
                readLockFile(new ReadBudget(limits.maxFileBytes()).wrap(content), found);
            } else {
                var bytes = BoundedBytes.read(content, Math.min(MAX_MANIFEST_BYTES, limits.maxFileBytes()));
                if (bytes.isPresent()) readManifest(bytes.get(), found);
            }
        } catch (JsonProcessingException | ReadBudget.Exceeded e) {
            return FileFacts.NONE; // not JSON, or too big to be what it claims: nothing to report from it
        }
        List<DetectedPackage> packages = new ArrayList<>();
        for (var p : found) packages.add(p.toPackage(layer, path));
        return FileFacts.packages(packages);
    }

    /** {@code .../node_modules/lodash/package.json} or {@code .../node_modules/@babel/core/package.json}. */
    static boolean isInstalledManifest(String path) {
        if (!path.endsWith("/package.json")) return false;
        String[] parts = path.split("/");
        int n = parts.length;
        if (n >= 3 && parts[n - 3].equals("node_modules") && !parts[n - 2].startsWith("@")) return true;
        return n >= 4 && parts[n - 4].equals("node_modules") && parts[n - 3].startsWith("@");
    }

    /** A project's lock file; one shipped inside an installed package lists that package's dev tools, not the image's. */
    private static boolean isLockFile(String path) {
        return path.endsWith("/package-lock.json") && !path.contains("/node_modules/");
    }

    private static void readManifest(byte[] json, Set<NameVersion> found) throws IOException {
        try (var parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) return;
            String name = null;
            String version = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("name") && value == JsonToken.VALUE_STRING) name = parser.getText();
                else if (field.equals("version") && value == JsonToken.VALUE_STRING) version = parser.getText();
                else parser.skipChildren();
            }
            NameVersion.of(name, version).ifPresent(found::add);
        }
    }

    /**
     * v2 and v3 list every installed package under {@code packages} by its path ({@code node_modules/a/node_modules/b});
     * v1 nests them under {@code dependencies}. A v2 file has both: {@code packages} wins.
     */
    private static void readLockFile(InputStream in, Set<NameVersion> found) throws IOException {
        var fromPackages = new LinkedHashSet<NameVersion>();
        var fromDependencies = new LinkedHashSet<NameVersion>();
        boolean sawPackages = false;
        try (var parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) return;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("packages") && value == JsonToken.START_OBJECT) {
                    sawPackages = true;
                    readPackages(parser, fromPackages);
                } else if (field.equals("dependencies") && value == JsonToken.START_OBJECT) {
                    readDependencies(parser, fromDependencies, 1);
                } else {
                    parser.skipChildren();
                }
            }
        }
        found.addAll(sawPackages ? fromPackages : fromDependencies);
    }

    private static void readPackages(JsonParser parser, Set<NameVersion> found) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            var entry = readEntry(parser, false, found, 0);
            int at = key.lastIndexOf("node_modules/");
            // "" is the project itself, "packages/x" a workspace's sources, link entries point at those
            if (at < 0 || entry.link) continue;
            String installedAs = key.substring(at + "node_modules/".length());
            NameVersion.of(entry.name != null ? entry.name : installedAs, entry.version)
                    .ifPresent(found::add);
        }
    }

    private static void readDependencies(JsonParser parser, Set<NameVersion> found, int depth) throws IOException {
        if (depth > MAX_V1_DEPTH) throw new JsonProcessingException("dependencies nested too deep") {};
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            var entry = readEntry(parser, true, found, depth);
            String version = entry.version;
            // an alias: "my-lodash": {"version": "npm:lodash@4.17.20"}
            if (version != null && version.startsWith("npm:")) {
                int at = version.lastIndexOf('@');
                if (at > "npm:".length()) {
                    name = version.substring("npm:".length(), at);
                    version = version.substring(at + 1);
                }
            }
            NameVersion.of(name, version).ifPresent(found::add);
        }
    }

    private record Entry(String name, String version, boolean link) {}

    /** One package's object: its name, version and link flag; in v1 also its nested dependencies. */
    private static Entry readEntry(JsonParser parser, boolean v1, Set<NameVersion> found, int depth)
            throws IOException {
        String name = null;
        String version = null;
        boolean link = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("version") && value == JsonToken.VALUE_STRING) version = parser.getText();
            else if (field.equals("name") && value == JsonToken.VALUE_STRING) name = parser.getText();
            else if (field.equals("link") && value == JsonToken.VALUE_TRUE) link = true;
            else if (v1 && field.equals("dependencies") && value == JsonToken.START_OBJECT) {
                readDependencies(parser, found, depth + 1);
            } else parser.skipChildren();
        }
        return new Entry(name, version, link);
    }

    private record NameVersion(String name, String version) {
        static java.util.Optional<NameVersion> of(String name, String version) {
            if (name == null || version == null || name.isBlank() || version.isBlank()) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new NameVersion(name, version));
        }

        DetectedPackage toPackage(String layer, String path) {
            int slash = name.indexOf('/');
            boolean scoped = name.startsWith("@") && slash > 0;
            String purl = Purls.of(
                    "npm",
                    scoped ? name.substring(0, slash) : null,
                    scoped ? name.substring(slash + 1) : name,
                    version);
            return new DetectedPackage("npm", name, version, null, null, "npm", purl, layer, path);
        }
    }
}

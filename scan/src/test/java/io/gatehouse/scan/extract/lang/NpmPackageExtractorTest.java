package io.gatehouse.scan.extract.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Against packages and lock files from the npm registry, with {@code npm ls} as the oracle for lock files. */
class NpmPackageExtractorTest {
    private static final String LAYER = "sha256:" + "ef".repeat(32);
    private final NpmPackageExtractor extractor = new NpmPackageExtractor();

    @Test
    void installedPackageJsonFromTheRegistry() throws IOException {
        var lodash = packageJson(LanguageFixtures.npmTarball("lodash@4.17.20", "lodash-4.17.20.tgz"));
        var is = packageJson(LanguageFixtures.npmTarball("@sindresorhus/is@4.0.0", "sindresorhus-is-4.0.0.tgz"));
        assertThat(extract("/app/node_modules/lodash/package.json", lodash))
                .containsExactly(new DetectedPackage(
                        "npm",
                        "lodash",
                        "4.17.20",
                        null,
                        null,
                        "npm",
                        "pkg:npm/lodash@4.17.20",
                        LAYER,
                        "/app/node_modules/lodash/package.json"));
        assertThat(extract("/app/node_modules/@sindresorhus/is/package.json", is))
                .extracting(DetectedPackage::name, DetectedPackage::version, DetectedPackage::purl)
                .containsExactly(tuple("@sindresorhus/is", "4.0.0", "pkg:npm/%40sindresorhus/is@4.0.0"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void lockFileListsWhatNpmLsLists(int lockfileVersion) throws IOException {
        Path project = LanguageFixtures.npmLockProject(lockfileVersion);
        byte[] lock = Files.readAllBytes(project.resolve("package-lock.json"));
        assertThat(new ObjectMapper().readTree(lock).get("lockfileVersion").asInt())
                .isEqualTo(lockfileVersion);

        Set<List<String>> expected = new HashSet<>();
        flatten(
                new ObjectMapper()
                        .readTree(LanguageFixtures.npm(project, "ls", "--all", "--json", "--package-lock-only")),
                expected);
        // npm ls names an alias by its alias; advisories know it by the real package's name
        assertThat(expected.remove(List.of("old-lodash", "4.17.4"))).isTrue();
        expected.add(List.of("lodash", "4.17.4"));

        var packages = extract("/srv/package-lock.json", lock);
        assertThat(packages.stream().map(p -> List.of(p.name(), p.version())))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(expected).contains(List.of("minimist", "0.0.8"), List.of("minimist", "1.2.5"));
        assertThat(packages)
                .filteredOn(p -> p.name().equals("@sindresorhus/is"))
                .extracting(DetectedPackage::purl, DetectedPackage::path)
                .containsExactly(tuple("pkg:npm/%40sindresorhus/is@4.0.0", "/srv/package-lock.json"));
    }

    @Test
    void onlyManifestsOfInstalledPackagesAndLockFilesAreWanted() {
        assertThat(extractor.wants("/app/node_modules/lodash/package.json", 1, false))
                .isTrue();
        assertThat(extractor.wants("/app/node_modules/@babel/core/package.json", 1, false))
                .isTrue();
        assertThat(extractor.wants("/app/node_modules/a/node_modules/b/package.json", 1, false))
                .isTrue();
        assertThat(extractor.wants("/app/package-lock.json", 1, false)).isTrue();
        // a package's own files, the app's manifest, npm's hidden lock
        assertThat(extractor.wants("/app/node_modules/lodash/fp/package.json", 1, false))
                .isFalse();
        assertThat(extractor.wants("/app/package.json", 1, false)).isFalse();
        assertThat(extractor.wants("/app/node_modules/.package-lock.json", 1, false))
                .isFalse();
    }

    @Test
    void manifestWithoutNameOrVersionIsSkipped() throws IOException {
        assertThat(extract("/a/node_modules/x/package.json", bytes("{\"name\": \"x\"}")))
                .isEmpty();
        assertThat(extract("/a/node_modules/x/package.json", bytes("{\"version\": \"1.0.0\"}")))
                .isEmpty();
        assertThat(extract("/a/node_modules/x/package.json", bytes("{\"name\": \"x\", \"version\": 1}")))
                .isEmpty();
    }

    @Test
    void brokenJsonYieldsNothing() throws IOException {
        assertThat(extract("/a/node_modules/x/package.json", bytes("{\"name\": \"x\", \"version\"")))
                .isEmpty();
        assertThat(extract(
                        "/a/package-lock.json", bytes("{\"lockfileVersion\": 3, \"packages\": {\"node_modules/a\": {")))
                .isEmpty();
        assertThat(extract("/a/package-lock.json", bytes("[1, 2, 3]"))).isEmpty();
    }

    @Test
    void deeplyNestedV1LockIsRefusedNotOverflowed() throws IOException {
        String nested =
                "{\"dependencies\": {\"a\": {\"version\": \"1.0.0\", ".repeat(5_000) + "\"x\": 1" + "}}}".repeat(5_000);
        assertThat(extract("/a/package-lock.json", bytes("{\"lockfileVersion\": 1, " + nested.substring(1) + "}")))
                .isEmpty();
    }

    @Test
    void workspaceAndLinkEntriesAreNotPackages() throws IOException {
        String lock = """
                {"lockfileVersion": 3, "packages": {
                  "": {"name": "root", "version": "1.0.0"},
                  "packages/web": {"name": "web", "version": "2.0.0"},
                  "node_modules/web": {"resolved": "packages/web", "link": true},
                  "node_modules/web/node_modules/left-pad": {"version": "1.3.0"}}}
                """;
        assertThat(extract("/a/package-lock.json", bytes(lock)))
                .extracting(DetectedPackage::name, DetectedPackage::version)
                .containsExactly(tuple("left-pad", "1.3.0"));
    }

    private List<DetectedPackage> extract(String path, byte[] content) throws IOException {
        var facts = extractor.extract(path, LAYER, new ByteArrayInputStream(content), ExtractionLimits.DEFAULTS);
        assertThat(facts.findings()).isEmpty();
        return facts.packages();
    }

    /** {@code npm ls --json}: every dependency, nested ones too, as (name, version). */
    private static void flatten(JsonNode node, Set<List<String>> out) {
        var dependencies = node.get("dependencies");
        if (dependencies == null) return;
        dependencies.properties().forEach(e -> {
            out.add(List.of(e.getKey(), e.getValue().get("version").asText()));
            flatten(e.getValue(), out);
        });
    }

    private static byte[] packageJson(Path tarball) throws IOException {
        try (InputStream in = Files.newInputStream(tarball);
                var tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.getName().equals("package/package.json")) return tar.readAllBytes();
            }
        }
        throw new IOException("no package/package.json in " + tarball);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

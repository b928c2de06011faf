package io.gatehouse.scan.extract.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Against the machine's own Python: its site-packages, with importlib.metadata as the oracle. */
class PythonPackageExtractorTest {
    private static final String LAYER = "sha256:" + "12".repeat(32);
    private final PythonPackageExtractor extractor = new PythonPackageExtractor();

    /** Prints the site-packages directory, then name TAB version of each distribution importlib finds there. */
    private static final String ORACLE = """
            import importlib.metadata, sysconfig
            site = sysconfig.get_paths()["purelib"]
            print(site)
            for d in importlib.metadata.distributions(path=[site]):
                if d.metadata["Name"] and d.version:
                    print(d.metadata["Name"] + "\\t" + d.version)
            """;

    @Test
    void findsWhatImportlibFindsInSitePackages() throws IOException {
        var lines = LanguageFixtures.run(Path.of("."), List.of("python3", "-c", ORACLE))
                .lines()
                .toList();
        Path site = Path.of(lines.getFirst());
        Set<List<String>> expected = new HashSet<>();
        lines.stream().skip(1).map(l -> List.of(l.split("\t", 2))).forEach(expected::add);

        List<DetectedPackage> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(site, 2)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String imagePath = "/usr/lib/python3/site-packages/" + site.relativize(file);
                if (!extractor.wants(imagePath, Files.size(file), false)) continue;
                try (InputStream in = Files.newInputStream(file)) {
                    found.addAll(extractor
                            .extract(imagePath, LAYER, in, ExtractionLimits.DEFAULTS)
                            .packages());
                }
            }
        }
        assertThat(found.stream().map(p -> List.of(p.name(), p.version())).distinct())
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(expected.size()).isGreaterThan(5);
        assertThat(found)
                .filteredOn(p -> p.name().equals("pip"))
                .singleElement()
                .satisfies(pip -> {
                    assertThat(pip.purl()).isEqualTo("pkg:pypi/pip@" + pip.version());
                    assertThat(pip.ecosystem()).isEqualTo("PyPI");
                    assertThat(pip.path()).matches("/usr/lib/python3/site-packages/pip-.*\\.dist-info/METADATA");
                });
    }

    @Test
    void eggInfoFileAndPkgInfoWithContinuationLines() throws IOException {
        String pkgInfo = """
                Metadata-Version: 1.1
                Name: Zope.Interface_Tools
                Summary: a summary
                  that continues
                Version: 5.4.0
                Description: Name: not-this
                  Version: nor-this

                Version: 9.9 in the body is no header
                """;
        assertThat(extract("/usr/lib/python3/dist-packages/zope.interface_tools-5.4.0.egg-info", pkgInfo))
                .extracting(DetectedPackage::name, DetectedPackage::version, DetectedPackage::purl)
                .containsExactly(tuple("Zope.Interface_Tools", "5.4.0", "pkg:pypi/zope-interface-tools@5.4.0"));
    }

    @Test
    void metadataWithoutVersionOrEndlessHeadersYieldsNothing() throws IOException {
        assertThat(extract("/x/a-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: a\n\nVersion: 1\n"))
                .isEmpty();
        String endless = "X-Filler: " + "y".repeat(200) + "\n";
        assertThat(extract("/x/a-1.dist-info/METADATA", "Name: a\n" + endless.repeat(10_000) + "Version: 1\n"))
                .isEmpty();
    }

    @Test
    void wantsMetadataFilesOnly() {
        assertThat(extractor.wants("/s/pip-23.2.1.dist-info/METADATA", 1, false))
                .isTrue();
        assertThat(extractor.wants("/s/six-1.16.0.egg-info/PKG-INFO", 1, false)).isTrue();
        assertThat(extractor.wants("/s/six-1.16.0.egg-info", 1, false)).isTrue();
        assertThat(extractor.wants("/s/pip-23.2.1.dist-info/RECORD", 1, false)).isFalse();
        assertThat(extractor.wants("/s/METADATA", 1, false)).isFalse();
    }

    private List<DetectedPackage> extract(String path, String content) throws IOException {
        return extractor
                .extract(
                        path,
                        LAYER,
                        new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)),
                        ExtractionLimits.DEFAULTS)
                .packages();
    }
}

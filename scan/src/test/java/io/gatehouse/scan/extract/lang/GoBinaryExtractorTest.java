package io.gatehouse.scan.extract.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Against real Go binaries, with {@code go version -m} as the oracle: one built here (replacements of both kinds),
 * Debian's skopeo (built without module information: only the Go version), and any other listed below that is
 * installed.
 */
class GoBinaryExtractorTest {
    private static final String LAYER = "sha256:" + "34".repeat(32);
    private final GoBinaryExtractor extractor = new GoBinaryExtractor();

    @Test
    void binaryBuiltHereWithReplacements() throws IOException {
        Path binary = LanguageFixtures.goBinary();
        var packages = extract(binary);
        String goVersion = oracleGoVersion(binary);
        assertThat(packages)
                .extracting(
                        DetectedPackage::name,
                        DetectedPackage::version,
                        DetectedPackage::sourceVersion,
                        DetectedPackage::purl)
                .containsExactly(
                        // replaced by ./left: still named for what it replaces
                        tuple("example.com/left", "v1.2.3", "1.2.3", "pkg:golang/example.com/left@v1.2.3"),
                        tuple("example.com/righter", "v0.5.0", "0.5.0", "pkg:golang/example.com/righter@v0.5.0"),
                        tuple(
                                "stdlib",
                                goVersion,
                                goVersion.substring(2),
                                "pkg:golang/stdlib@v" + goVersion.substring(2)));
        assertThat(packages).allSatisfy(p -> {
            assertThat(p.ecosystem()).isEqualTo("Go");
            assertThat(p.path()).isEqualTo("/usr/local/bin/app");
            assertThat(p.layer()).isEqualTo(LAYER);
        });
        assertThat(packages).containsExactlyElementsOf(fromOracle(binary));
    }

    @Test
    void debianSkopeoHasOnlyItsGoVersion() throws IOException {
        Path skopeo = Path.of("/usr/bin/skopeo");
        assumeTrue(Files.isExecutable(skopeo), "skopeo is not installed (.ci/run installs it)");
        var packages = extract(skopeo);
        // Debian builds skopeo in GOPATH mode: no mod or dep lines, so only the standard library
        assertThat(packages).containsExactlyElementsOf(fromOracle(skopeo));
        assertThat(packages).extracting(DetectedPackage::name).containsExactly("stdlib");
    }

    @Test
    void otherInstalledGoBinariesMatchTheOracle() throws IOException {
        // google-cloud-cli's anthoscli is a go1.24 binary with ~150 modules, where it is installed
        Path binary = Path.of("/usr/bin/anthoscli");
        assumeTrue(Files.isExecutable(binary), binary + " is not installed");
        var packages = extract(binary);
        assertThat(packages).hasSizeGreaterThan(100);
        // purls aside: packageurl-java lower-cases Go module paths
        assertThat(packages.stream().map(GoBinaryExtractorTest::key))
                .containsExactlyElementsOf(fromOracle(binary).stream()
                        .map(GoBinaryExtractorTest::key)
                        .toList());
    }

    @Test
    void preGo118PointerFormatIsReadThroughTheModuleSentinels() throws IOException {
        // the layout such binaries have: module text framed in .rodata, then the buildinfo blob with pointers only
        var file = new ByteArrayOutputStream();
        file.write(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        file.write(new byte[100_000]);
        file.write(GoBuildInfoReader.INFO_START);
        file.write(("path\texample.com/cmd\nmod\texample.com/cmd\tv1.0.0\th1:x=\n"
                        + "dep\tgolang.org/x/text\tv0.3.0\th1:y=\n=>\tgolang.org/x/text\tv0.3.8\th1:z=\n")
                .getBytes(StandardCharsets.UTF_8));
        file.write(GoBuildInfoReader.INFO_END);
        file.write(new byte[70_000]);
        file.write(GoBuildInfoReader.MAGIC);
        file.write(new byte[] {8, 0}); // pointer size 8, flags: little endian, not inline
        file.write(new byte[16 + 4096]);
        var packages = extractor
                .extract("/bin/old", LAYER, new ByteArrayInputStream(file.toByteArray()), ExtractionLimits.DEFAULTS)
                .packages();
        assertThat(packages)
                .extracting(DetectedPackage::name, DetectedPackage::version)
                .containsExactly(tuple("example.com/cmd", "v1.0.0"), tuple("golang.org/x/text", "v0.3.8"));
    }

    @Test
    void nonGoExecutablesYieldNothing() throws IOException {
        assertThat(extract(Path.of("/bin/ls"))).isEmpty();
        assertThat(extractor
                        .extract(
                                "/entrypoint.sh",
                                LAYER,
                                new ByteArrayInputStream("#!/bin/sh\nexec app\n".getBytes(StandardCharsets.UTF_8)),
                                ExtractionLimits.DEFAULTS)
                        .packages())
                .isEmpty();
    }

    @Test
    void searchStopsAtItsBound() throws IOException {
        Path binary = LanguageFixtures.goBinary();
        // 16 x 1 KiB: far less than the bytes before the build info
        var tight = new ExtractionLimits(1L << 30, 1000, 4096, 200, 1024, 4);
        try (InputStream in = Files.newInputStream(binary)) {
            assertThat(extractor.extract("/app", LAYER, in, tight).packages()).isEmpty();
        }
    }

    @Test
    void wantsExecutablesOnly() {
        assertThat(extractor.wants("/usr/bin/app", 2 << 20, true)).isTrue();
        assertThat(extractor.wants("/usr/share/doc/README", 2 << 20, false)).isFalse();
        assertThat(extractor.wants("/usr/bin/tiny", 100, true)).isFalse();
    }

    private static List<String> key(DetectedPackage p) {
        return List.of(p.name(), p.version(), p.sourceVersion(), p.ecosystem(), p.path());
    }

    private List<DetectedPackage> extract(Path binary) throws IOException {
        try (InputStream in = Files.newInputStream(binary)) {
            return extractor
                    .extract("/usr/local/bin/app", LAYER, in, ExtractionLimits.DEFAULTS)
                    .packages();
        }
    }

    private static String oracleGoVersion(Path binary) throws IOException {
        String first = goVersionM(binary).lines().findFirst().orElseThrow();
        return first.substring(first.lastIndexOf(' ') + 1);
    }

    private static String goVersionM(Path binary) throws IOException {
        return LanguageFixtures.run(Path.of("."), List.of("go", "version", "-m", binary.toString()));
    }

    /**
     * What {@code go version -m} lists, under the extractor's documented rules: the main module when versioned,
     * each dependency after a module replacement (a local directory keeps the original), then stdlib.
     */
    private static List<DetectedPackage> fromOracle(Path binary) throws IOException {
        var modules = new ArrayList<String[]>();
        String mainModule = null;
        for (String line : goVersionM(binary).lines().toList()) {
            String[] f = line.strip().split("\t");
            if (f[0].equals("mod") && f.length > 2 && f[2].startsWith("v")) mainModule = f[1] + "\t" + f[2];
            if (f[0].equals("dep")) modules.add(new String[] {f[1], f[2]});
            if (f[0].equals("=>") && !f[1].startsWith(".") && !f[1].startsWith("/"))
                modules.set(modules.size() - 1, new String[] {f[1], f[2]});
        }
        if (mainModule != null) modules.addFirst(mainModule.split("\t"));
        var expected = new ArrayList<DetectedPackage>();
        modules.removeIf(m -> !m[1].startsWith("v"));
        for (String[] m : modules) {
            String purl = "pkg:golang/" + m[0] + "@" + m[1];
            expected.add(new DetectedPackage(
                    "golang",
                    m[0],
                    m[1],
                    null,
                    m[1].substring(1),
                    "Go",
                    purl.replace("+", "%2B"),
                    LAYER,
                    "/usr/local/bin/app"));
        }
        String go = oracleGoVersion(binary);
        expected.add(new DetectedPackage(
                "golang",
                "stdlib",
                go,
                null,
                go.substring(2),
                "Go",
                "pkg:golang/stdlib@v" + go.substring(2),
                LAYER,
                "/usr/local/bin/app"));
        return expected;
    }
}

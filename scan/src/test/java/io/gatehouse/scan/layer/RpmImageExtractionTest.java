package io.gatehouse.scan.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.scan.layer.TestLayer.Compression;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.LayerSource;
import io.gatehouse.scan.sbom.Sbom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code rpmdb.sqlite}, made by rpm itself: packages built with rpmbuild from generated specs (one with an
 * epoch and a sub-package whose source package has another name) and registered with {@code rpm -i --justdb}.
 * {@code rpm -qa} on the same database is the oracle.
 */
class RpmImageExtractionTest {
    private static final String SQLITE = "--define=_db_backend sqlite";

    @TempDir
    static Path dir;

    private static Path database;

    @BeforeAll
    static void buildDatabase() throws Exception {
        assumeTrue(onPath("rpmbuild") && onPath("rpm"), "rpm and rpmbuild are not installed (.ci/run installs them)");
        Path specs = Files.createDirectories(dir.resolve("specs"));
        Files.writeString(specs.resolve("gh-source.spec"), """
                Name: gh-source
                Version: 1.2.3
                Release: 4.el9
                Epoch: 2
                Summary: a package whose binary names differ from the source name
                License: MIT
                BuildArch: noarch
                %description
                test
                %package -n libgh1
                Summary: the library
                %description -n libgh1
                test
                %files
                %files -n libgh1
                """);
        Files.writeString(specs.resolve("zlib-gh.spec"), """
                Name: zlib-gh
                Version: 1.2.11
                Release: 41.el9
                Summary: no epoch
                License: Zlib
                BuildArch: noarch
                %description
                test
                %files
                """);
        Path top = dir.resolve("top");
        for (String spec : List.of("gh-source.spec", "zlib-gh.spec")) {
            run(
                    "rpmbuild",
                    "-bb",
                    "--define=_topdir " + top,
                    specs.resolve(spec).toString());
        }
        Path db = Files.createDirectories(dir.resolve("db"));
        run("rpm", "--initdb", "--dbpath", db.toString(), SQLITE);
        var install = new ArrayList<>(List.of("rpm", "-i", "--justdb", "--nodeps", "--dbpath", db.toString(), SQLITE));
        try (var rpms = Files.list(top.resolve("RPMS/noarch"))) {
            rpms.map(Path::toString).sorted().forEach(install::add);
        }
        run(install.toArray(String[]::new));
        database = db.resolve("rpmdb.sqlite");
    }

    @Test
    void packagesEqualWhatRpmQueryReports() throws Exception {
        LayerSource layer = new TestLayer()
                .file(
                        "etc/os-release",
                        "ID=\"rocky\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n")
                .file("var/lib/rpm/rpmdb.sqlite", Files.readAllBytes(database), 0644)
                .source(Compression.GZIP);

        Sbom sbom = ImageExtractor.withDefaultExtractors().extract(List.of(layer), ExtractionLimits.DEFAULTS);

        List<String> oracle = run(
                "rpm",
                "-qa",
                "--dbpath",
                database.getParent().toString(),
                SQLITE,
                "--qf",
                "%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{SOURCERPM}\\n");
        assertThat(oracle).hasSize(3);
        assertThat(sbom.findings()).isEmpty();
        assertThat(sbom.packages())
                .extracting(p -> p.name() + " " + p.version() + " " + p.sourceName() + "-"
                        + p.sourceVersion().replaceFirst("^\\d+:", "") + ".src.rpm")
                .containsExactlyInAnyOrderElementsOf(oracle);
        assertThat(sbom.packages())
                .filteredOn(p -> p.name().equals("libgh1"))
                .singleElement()
                .isEqualTo(new DetectedPackage(
                        "rpm",
                        "libgh1",
                        "2:1.2.3-4.el9",
                        "gh-source",
                        "2:1.2.3-4.el9",
                        "Rocky Linux:9",
                        "pkg:rpm/rocky/libgh1@1.2.3-4.el9?arch=noarch&distro=rocky-9.3&epoch=2",
                        layer.digest(),
                        "/var/lib/rpm/rpmdb.sqlite"));
        assertThat(sbom.packages())
                .filteredOn(p -> p.name().equals("zlib-gh"))
                .singleElement()
                .extracting(DetectedPackage::version, DetectedPackage::purl)
                .containsExactly("1.2.11-41.el9", "pkg:rpm/rocky/zlib-gh@1.2.11-41.el9?arch=noarch&distro=rocky-9.3");
    }

    @Test
    void sysimagePathIsReadToo() throws IOException {
        LayerSource layer = new TestLayer()
                .file("usr/lib/os-release", "ID=almalinux\nVERSION_ID=\"9.4\"\n")
                .file("usr/lib/sysimage/rpm/rpmdb.sqlite", Files.readAllBytes(database), 0644)
                .source(Compression.ZSTD);

        Sbom sbom = ImageExtractor.withDefaultExtractors().extract(List.of(layer), ExtractionLimits.DEFAULTS);

        assertThat(sbom.packages())
                .hasSize(3)
                .allSatisfy(p -> assertThat(p.ecosystem()).isEqualTo("AlmaLinux:9"));
    }

    @Test
    void databaseThatIsNotSqliteIsAFindingNotAFailure() throws IOException {
        LayerSource layer = new TestLayer()
                .file("var/lib/rpm/rpmdb.sqlite", "this is not a database".repeat(100))
                .source(Compression.GZIP);

        Sbom sbom = ImageExtractor.withDefaultExtractors().extract(List.of(layer), ExtractionLimits.DEFAULTS);

        assertThat(sbom.packages()).isEmpty();
        assertThat(sbom.findings()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("GATEHOUSE-EXTRACTOR-ERROR");
            assertThat(f.subject()).isEqualTo("rpm-database");
            assertThat(f.detail()).contains("not a readable rpm database");
            assertThat(f.path()).isEqualTo("/var/lib/rpm/rpmdb.sqlite");
        });
    }

    @Test
    void berkeleyDbDatabaseSaysItsPackagesAreUnknown() throws IOException {
        LayerSource layer = new TestLayer()
                .file("var/lib/rpm/Packages", new byte[4096], 0644)
                .source(Compression.GZIP);

        Sbom sbom = ImageExtractor.withDefaultExtractors().extract(List.of(layer), ExtractionLimits.DEFAULTS);

        assertThat(sbom.findings()).extracting(f -> f.id()).containsExactly("GATEHOUSE-RPMDB-UNSUPPORTED");
    }

    private static boolean onPath(String command) {
        return System.getenv("PATH") != null
                && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    private static List<String> run(String... command) throws Exception {
        Path out = Files.createTempFile(dir, "out-", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
        return Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
    }
}

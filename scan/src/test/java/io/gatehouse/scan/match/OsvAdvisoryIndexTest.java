package io.gatehouse.scan.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.scan.VulnerabilityFinding.Certainty;
import io.gatehouse.scan.advisory.Advisory;
import io.gatehouse.scan.advisory.OsvFixtures;
import io.gatehouse.scan.sbom.DetectedPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The real fixtures and their decoys through the index: exactly the expected findings, nothing else. */
class OsvAdvisoryIndexTest {
    private final OsvAdvisoryIndex index = index(TestSchemes::forEcosystem);

    private static OsvAdvisoryIndex index(
            java.util.function.Function<String, Optional<io.gatehouse.scan.version.VersionScheme>> schemes) {
        List<Advisory> all = new ArrayList<>();
        OsvFixtures.REAL.forEach(f -> all.add(OsvFixtures.parse(f)));
        OsvFixtures.DECOYS.forEach(f -> all.add(OsvFixtures.parse(f)));
        return new OsvAdvisoryIndex(all, new OsvMatcher(schemes), "test");
    }

    @Test
    void log4ShellInAVulnerableLog4jCore() {
        var log4j = new DetectedPackage(
                "maven",
                "org.apache.logging.log4j:log4j-core",
                "2.14.1",
                null,
                null,
                "Maven",
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                "sha256:" + "a".repeat(64),
                "/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar");
        assertThat(index.findingsFor(log4j)).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("GHSA-jfh8-c2jp-5v3q");
            assertThat(f.aliases()).containsExactly("CVE-2021-44228");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL); // CVSS 3.1 base 10.0
            assertThat(f.certainty()).isEqualTo(Certainty.AFFECTED);
            assertThat(f.fixedVersions()).containsExactly("2.15.0");
            assertThat(f.packageName()).isEqualTo("org.apache.logging.log4j:log4j-core");
            assertThat(f.version()).isEqualTo("2.14.1");
            assertThat(f.ecosystem()).isEqualTo("Maven");
            assertThat(f.purl()).isEqualTo("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
            assertThat(f.path()).isEqualTo("/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar");
            assertThat(f.layer()).isEqualTo("sha256:" + "a".repeat(64));
            assertThat(f.summary()).isEqualTo("Remote code injection in Log4j");
        });
    }

    @Test
    void fixedOrOlderBranchesOfLog4jAreClean() {
        assertThat(ids(pkg("maven", "org.apache.logging.log4j:log4j-core", "2.17.1", "Maven")))
                .isEmpty();
        assertThat(ids(pkg("maven", "org.apache.logging.log4j:log4j-core", "2.0-beta8", "Maven")))
                .isEmpty();
        assertThat(ids(pkg("maven", "org.apache.logging.log4j:log4j-core", "2.12.2", "Maven")))
                .isEmpty();
        assertThat(ids(pkg("maven", "org.apache.logging.log4j:log4j-core", "2.12.1", "Maven")))
                .containsExactly("GHSA-jfh8-c2jp-5v3q");
        // The advisory names log4j-core in Maven; the same name in another ecosystem is another package.
        assertThat(ids(pkg("npm", "org.apache.logging.log4j:log4j-core", "2.14.1", "npm")))
                .isEmpty();
    }

    @Test
    void lodashMatchesTheCommandInjectionButNotTheOlderFixedDecoy() {
        var found = index.findingsFor(pkg("npm", "lodash", "4.17.20", "npm"));
        assertThat(found).extracting(VulnerabilityFinding::id).containsExactly("GHSA-35jh-r3h4-6jhm");
        assertThat(found.getFirst().severity()).isEqualTo(Severity.HIGH); // CVSS 3.1 base 7.2
        assertThat(found.getFirst().fixedVersions()).containsExactly("4.17.21");
        assertThat(ids(pkg("npm", "lodash", "4.17.11", "npm")))
                .containsExactlyInAnyOrder("GHSA-35jh-r3h4-6jhm", "GHSA-jf85-cpcp-j695");
        assertThat(ids(pkg("npm", "lodash", "4.17.21", "npm"))).isEmpty();
        assertThat(ids(pkg("npm", "json-schema", "0.4.0", "npm"))).isEmpty();
        assertThat(ids(pkg("npm", "Lodash", "4.17.20", "npm")))
                .as("npm names are exact")
                .isEmpty();
    }

    @Test
    void debianAdvisoriesMatchTheSourcePackageInTheirReleaseOnly() {
        // zlib1g is built from the zlib source package; Debian advisories name the source.
        var zlib1g = new DetectedPackage(
                "deb",
                "zlib1g",
                "1:1.2.13.dfsg-1",
                "zlib",
                "1:1.2.13.dfsg-1",
                "Debian:12",
                "",
                "",
                "/var/lib/dpkg/status");
        var found = index.findingsFor(zlib1g);
        assertThat(found).extracting(VulnerabilityFinding::id).containsExactly("DEBIAN-CVE-2023-45853");
        assertThat(found.getFirst().severity()).isEqualTo(Severity.UNKNOWN); // Debian gives no severity
        assertThat(found.getFirst().fixedVersions()).isEmpty(); // unfixed in bookworm
        assertThat(found.getFirst().packageName()).isEqualTo("zlib");
        // A bookworm point release not in the explicit list is still inside "introduced": "0" (dpkg order).
        var rebuilt = new DetectedPackage(
                "deb", "zlib1g", "1:1.2.13.dfsg-1+b1", "zlib", "1:1.2.13.dfsg-1+b1", "Debian:12", "", "", "");
        assertThat(ids(rebuilt)).containsExactly("DEBIAN-CVE-2023-45853");
        // The bullseye decoy (fixed in 1:1.2.11.dfsg-2+deb11u2) matches bullseye only.
        var bullseye = new DetectedPackage(
                "deb", "zlib1g", "1:1.2.11.dfsg-2+deb11u1", "zlib", "1:1.2.11.dfsg-2+deb11u1", "Debian:11", "", "", "");
        assertThat(ids(bullseye)).containsExactly("DEBIAN-CVE-2022-37434");
        var bullseyeFixed = new DetectedPackage(
                "deb", "zlib1g", "1:1.2.11.dfsg-2+deb11u2", "zlib", "1:1.2.11.dfsg-2+deb11u2", "Debian:11", "", "", "");
        assertThat(ids(bullseyeFixed)).isEmpty();
    }

    @Test
    void pypiNamesAreComparedAsPep503Normalises() {
        assertThat(ids(pkg("pypi", "pip", "23.2.1", "PyPI"))).containsExactly("GHSA-mq26-h93f-9w8m");
        assertThat(ids(pkg("pypi", "PIP", "23.2.1", "PyPI"))).containsExactly("GHSA-mq26-h93f-9w8m");
        assertThat(ids(pkg("pypi", "pip", "23.3", "PyPI"))).isEmpty();
        var found = index.findingsFor(pkg("pypi", "pip", "22.0", "PyPI"));
        assertThat(found.getFirst().severity()).isEqualTo(Severity.LOW); // CVSS 3.1 base 3.3
    }

    @Test
    void withoutAVersionOrderTheFindingIsUnknownNotAbsent() {
        var noDebian = index(e -> e.startsWith("Debian") ? Optional.empty() : TestSchemes.forEcosystem(e));
        var rebuilt = new DetectedPackage(
                "deb", "zlib1g", "1:1.2.13.dfsg-1+b1", "zlib", "1:1.2.13.dfsg-1+b1", "Debian:12", "", "", "");
        assertThat(noDebian.findingsFor(rebuilt)).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("DEBIAN-CVE-2023-45853");
            assertThat(f.certainty()).isEqualTo(Certainty.UNKNOWN);
        });
        var weird = pkg("maven", "org.apache.logging.log4j:log4j-core", "${log4j.version}", "Maven");
        assertThat(index.findingsFor(weird)).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("GHSA-jfh8-c2jp-5v3q");
            assertThat(f.certainty()).isEqualTo(Certainty.UNKNOWN);
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        });
    }

    @Test
    void aPackageWithoutEcosystemMatchesNothing() {
        assertThat(ids(pkg("deb", "zlib", "1:1.2.13.dfsg-1", ""))).isEmpty();
    }

    private List<String> ids(DetectedPackage p) {
        return index.findingsFor(p).stream().map(VulnerabilityFinding::id).toList();
    }

    private static DetectedPackage pkg(String type, String name, String version, String ecosystem) {
        return new DetectedPackage(type, name, version, null, null, ecosystem, "", "", "");
    }
}

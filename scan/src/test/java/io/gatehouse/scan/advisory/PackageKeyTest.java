package io.gatehouse.scan.advisory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PackageKeyTest {

    @Test
    void ubuntuLtsAdvisoriesMeetPackagesNamedFromOsRelease() {
        // OSV says Ubuntu:22.04:LTS; /etc/os-release only gives 22.04
        assertThat(PackageKey.of("Ubuntu:22.04:LTS", "openssl")).isEqualTo(PackageKey.of("Ubuntu:22.04", "openssl"));
        assertThat(PackageKey.of("Ubuntu:22.04:LTS", "openssl")).isNotEqualTo(PackageKey.of("Ubuntu:20.04", "openssl"));
    }

    @Test
    void releasesStayApartAndPypiNamesAreNormalisedAsPep503Says() {
        assertThat(PackageKey.of("Debian:12", "zlib")).isNotEqualTo(PackageKey.of("Debian:11", "zlib"));
        assertThat(PackageKey.of("PyPI", "Foo_Bar.baz")).isEqualTo(PackageKey.of("PyPI", "foo-bar-baz"));
        assertThat(PackageKey.of("npm", "Lodash")).isNotEqualTo(PackageKey.of("npm", "lodash"));
    }
}

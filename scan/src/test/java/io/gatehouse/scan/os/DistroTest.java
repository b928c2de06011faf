package io.gatehouse.scan.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.scan.sbom.OsRelease;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DistroTest {

    @ParameterizedTest
    @CsvSource({
        "debian, 12, Debian:12, debian, debian-12",
        "debian, 11, Debian:11, debian, debian-11",
        "ubuntu, 22.04, Ubuntu:22.04, ubuntu, ubuntu-22.04",
        "alpine, 3.19.1, Alpine:v3.19, alpine, alpine-3.19.1",
        "alpine, 3.20.0_alpha20240329, Alpine:v3.20, alpine, alpine-3.20.0_alpha20240329",
        "rhel, 9.3, Red Hat, redhat, rhel-9.3",
        "rocky, 9.3, Rocky Linux:9, rocky, rocky-9.3",
        "almalinux, 8.10, AlmaLinux:8, almalinux, almalinux-8.10",
    })
    void ecosystemAndPurlPartsFromOsRelease(String id, String version, String ecosystem, String ns, String distro) {
        assertThat(Distro.of(new OsRelease(id, version, ""))).contains(new Distro(ecosystem, ns, distro));
    }

    @Test
    void unknownOrVersionlessDistributionsHaveNoEcosystem() {
        assertThat(Distro.of(new OsRelease("debian", "", "Debian GNU/Linux trixie/sid")))
                .isEmpty();
        assertThat(Distro.of(new OsRelease("arch", "", "Arch Linux"))).isEmpty();
        assertThat(Distro.of(new OsRelease("ubuntu", "noble", ""))).isEqualTo(Optional.empty());
    }
}

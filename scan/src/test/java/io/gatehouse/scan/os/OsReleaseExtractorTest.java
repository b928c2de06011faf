package io.gatehouse.scan.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.scan.sbom.ExtractionLimits;
import io.gatehouse.scan.sbom.FileTooLargeException;
import io.gatehouse.scan.sbom.OsRelease;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OsReleaseExtractorTest {
    private final OsReleaseExtractor extractor = new OsReleaseExtractor();

    private OsRelease read(String text) throws IOException {
        return extractor
                .extract(
                        "/etc/os-release",
                        "sha256:x",
                        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                        ExtractionLimits.DEFAULTS)
                .os()
                .orElseThrow();
    }

    @Test
    void readsQuotedUnquotedAndEscapedValuesIgnoringComments() throws IOException {
        assertThat(read("""
                # comment
                NAME="Rocky Linux"
                ID='rocky'
                VERSION_ID=9.3
                PRETTY_NAME="Rocky \\"Blue Onyx\\" 9.3"
                not an assignment
                """)).isEqualTo(new OsRelease("rocky", "9.3", "Rocky \"Blue Onyx\" 9.3"));
    }

    @Test
    void missingIdIsLinuxAsTheSpecificationSays() throws IOException {
        assertThat(read("NAME=Something\n")).isEqualTo(new OsRelease("linux", "", "linux"));
    }

    @Test
    void onlyTheTwoStandardPathsAreWanted() {
        assertThat(extractor.wants("/etc/os-release", 300, false)).isTrue();
        assertThat(extractor.wants("/usr/lib/os-release", 300, false)).isTrue();
        assertThat(extractor.wants("/etc/os-release.bak", 300, false)).isFalse();
        assertThat(extractor.wants("/opt/etc/os-release", 300, false)).isFalse();
    }

    @Test
    void oversizedFileIsRefusedNotBuffered() {
        byte[] big = new byte[1 << 20];
        assertThatThrownBy(() -> extractor.extract(
                        "/etc/os-release", "sha256:x", new ByteArrayInputStream(big), ExtractionLimits.DEFAULTS))
                .isInstanceOf(FileTooLargeException.class);
    }
}

package io.gatehouse.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.Invalid;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
    private static final String EMPTY_SHA256 =
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void computesTheWellKnownDigestOfEmptyContent() {
        assertThat(Digest.sha256(new byte[0]).toString()).isEqualTo(EMPTY_SHA256);
    }

    @Test
    void parsesAndPrintsRoundTrip() {
        Digest d = Digest.parse(EMPTY_SHA256);
        assertThat(d.algorithm()).isEqualTo(Digest.Algorithm.SHA256);
        assertThat(d.toString()).isEqualTo(EMPTY_SHA256);
        assertThat(Digest.parse(d.toString())).isEqualTo(d);
    }

    @Test
    void supportsSha512() {
        Digest d = Digest.compute(Digest.Algorithm.SHA512, "abc".getBytes(StandardCharsets.UTF_8));
        assertThat(d.hex()).hasSize(128).startsWith("ddaf35a193617aba");
        assertThat(Digest.parse(d.toString())).isEqualTo(d);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "sha256",
                "sha256:",
                ":abc",
                "md5:d41d8cd98f00b204e9800998ecf8427e",
                "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555",
                "sha256:../../../../etc/passwd",
                "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            })
    void refusesMalformedDigestsAsDigestInvalid(String value) {
        assertThatThrownBy(() -> Digest.parse(value))
                .isInstanceOfSatisfying(Invalid.class, e -> assertThat(e.kind()).isEqualTo(Invalid.Kind.DIGEST));
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> Digest.parse(null)).isInstanceOf(Invalid.class);
    }
}

package io.gatehouse.oci.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.Invalid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RangeParsingTest {
    @Test
    void readRanges() {
        assertThat(BlobsHandler.ByteRange.parse(null, 100)).isNull();
        assertThat(BlobsHandler.ByteRange.parse("bytes=0-9", 100)).isEqualTo(new BlobsHandler.ByteRange(0, 9));
        assertThat(BlobsHandler.ByteRange.parse("bytes=90-", 100)).isEqualTo(new BlobsHandler.ByteRange(90, 99));
        assertThat(BlobsHandler.ByteRange.parse("bytes=-10", 100)).isEqualTo(new BlobsHandler.ByteRange(90, 99));
        assertThat(BlobsHandler.ByteRange.parse("bytes=50-1000", 100)).isEqualTo(new BlobsHandler.ByteRange(50, 99));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=100-", "bytes=100-200", "bytes=-0"})
    void rangesBeyondTheEndAre416(String header) {
        assertThatThrownBy(() -> BlobsHandler.ByteRange.parse(header, 100))
                .isInstanceOfSatisfying(Invalid.class, e -> assertThat(e.kind()).isEqualTo(Invalid.Kind.READ_RANGE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=5-2", "bytes=0-1,5-6", "items=0-1", "bytes=x-y", "bytes=-", "bytes=7"})
    void malformedOrMultipleRangesAreIgnoredPerRfc9110(String header) {
        assertThat(BlobsHandler.ByteRange.parse(header, 100)).isNull();
    }

    @Test
    void uploadContentRanges() {
        assertThat(UploadsHandler.parseContentRange("0-99")).containsExactly(0, 99);
        assertThat(UploadsHandler.parseContentRange("bytes 100-199/*")).containsExactly(100, 199);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-5", "5", "9-3", "a-b", "0-"})
    void badUploadContentRangesAre416(String header) {
        assertThatThrownBy(() -> UploadsHandler.parseContentRange(header))
                .isInstanceOfSatisfying(Invalid.class, e -> assertThat(e.kind()).isEqualTo(Invalid.Kind.UPLOAD_RANGE));
    }

    @Test
    void acceptNegotiation() {
        String oci = "application/vnd.oci.image.manifest.v1+json";
        assertThat(ManifestsHandler.acceptable(java.util.List.of(), oci)).isTrue();
        assertThat(ManifestsHandler.acceptable(java.util.List.of("*/*"), oci)).isTrue();
        assertThat(ManifestsHandler.acceptable(
                        java.util.List.of("application/vnd.docker.distribution.manifest.v2+json, " + oci + ";q=0.5"),
                        oci))
                .isTrue();
        assertThat(ManifestsHandler.acceptable(
                        java.util.List.of("application/vnd.docker.distribution.manifest.v1+prettyjws"), oci))
                .isFalse();
    }
}

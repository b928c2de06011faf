package io.gatehouse.oci.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.registry.ParsedManifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OciManifestInspectorTest {
    private static final Digest A = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest B = Digest.parse("sha256:" + "b".repeat(64));
    private static final Digest C = Digest.parse("sha256:" + "c".repeat(64));
    private final OciManifestInspector inspector = new OciManifestInspector();

    @Test
    void imageManifestReferencesConfigAndLayers() {
        ParsedManifest m = inspector.inspect(MediaTypes.OCI_MANIFEST, fixture("oci-image-manifest.json"));
        assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(m.blobs()).containsExactly(A, B, C);
        assertThat(m.manifests()).isEmpty();
        assertThat(m.subject()).isEmpty();
        assertThat(m.annotations()).containsEntry("org.opencontainers.image.created", "2026-01-01T00:00:00Z");
        assertThat(m.artifactType())
                .as("falls back to the config media type")
                .isEqualTo("application/vnd.oci.image.config.v1+json");
    }

    @Test
    void artifactCarriesSubjectAndArtifactType() {
        ParsedManifest m = inspector.inspect(MediaTypes.OCI_MANIFEST, fixture("oci-artifact-with-subject.json"));
        assertThat(m.subject()).contains(C);
        assertThat(m.artifactType()).isEqualTo("application/spdx+json");
    }

    @Test
    void artifactTypeDefaultsToConfigMediaTypeForReferrers() {
        ParsedManifest m =
                inspector.inspect(MediaTypes.OCI_MANIFEST, fixture("oci-manifest-without-artifact-type.json"));
        assertThat(m.artifactType()).isEqualTo("application/vnd.example.sbom.config");
        assertThat(m.subject()).contains(C);
    }

    @Test
    void indexReferencesChildManifests() {
        ParsedManifest m = inspector.inspect(MediaTypes.OCI_INDEX, fixture("oci-index.json"));
        assertThat(m.manifests()).containsExactly(A, B);
        assertThat(m.blobs()).isEmpty();
    }

    @Test
    void dockerSchema2SkipsForeignLayersWithUrls() {
        ParsedManifest m = inspector.inspect(MediaTypes.DOCKER_MANIFEST, fixture("docker-schema2-manifest.json"));
        assertThat(m.blobs()).containsExactly(A, B);
        assertThat(m.artifactType()).isNull();
    }

    @Test
    void dockerManifestList() {
        ParsedManifest m = inspector.inspect(MediaTypes.DOCKER_MANIFEST_LIST, fixture("docker-manifest-list.json"));
        assertThat(m.manifests()).containsExactly(A);
    }

    @Test
    void contentTypeWithParametersIsAccepted() {
        assertThat(inspector
                        .inspect(MediaTypes.OCI_MANIFEST + "; charset=utf-8", fixture("oci-image-manifest.json"))
                        .mediaType())
                .isEqualTo(MediaTypes.OCI_MANIFEST);
    }

    @Test
    void missingMediaTypeIsInferredFromShape() {
        byte[] body = ("{\"schemaVersion\":2,\"manifests\":[]}").getBytes();
        assertThat(inspector.inspect(null, body).mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    }

    @Test
    void schema1IsRefusedWithAClearMessage() {
        assertThatThrownBy(() ->
                        inspector.inspect(MediaTypes.DOCKER_SCHEMA1_SIGNED, fixture("docker-schema1-manifest.json")))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining("schema1");
        assertThatThrownBy(() -> inspector.inspect("application/json", fixture("docker-schema1-manifest.json")))
                .hasMessageContaining("schema1");
    }

    @Test
    void contentTypeMustMatchTheDocument() {
        assertThatThrownBy(() -> inspector.inspect(MediaTypes.DOCKER_MANIFEST, fixture("oci-image-manifest.json")))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void unknownContentTypeIsRefused() {
        assertThatThrownBy(() -> inspector.inspect("text/plain", "{\"schemaVersion\":2,\"manifests\":[]}".getBytes()))
                .isInstanceOf(Invalid.class)
                .hasMessageContaining("unsupported manifest media type");
    }

    @ParameterizedTest
    @CsvSource({
        "manifest-with-invalid-layer-digest.json, layers[].digest",
        "manifest-with-negative-size.json, size must be a non-negative integer",
        "manifest-without-config.json, config is required",
        "manifest-with-wrong-schema-version.json, schemaVersion must be 2",
        "manifest-with-duplicate-keys.json, not well-formed",
        "manifest-with-non-string-annotation.json, must be a string",
        "manifest-truncated.json, not well-formed",
        "manifest-not-an-object.json, must be a JSON object"
    })
    void defectiveManifestsAreManifestInvalid(String fixture, String message) {
        assertThatThrownBy(() -> inspector.inspect(MediaTypes.OCI_MANIFEST, fixture(fixture)))
                .isInstanceOfSatisfying(Invalid.class, e -> assertThat(e.kind()).isEqualTo(Invalid.Kind.MANIFEST))
                .hasMessageContaining(message);
    }

    @Test
    void deeplyNestedJsonIsRefusedNotAStackOverflow() {
        String deep = "{\"schemaVersion\":2,\"annotations\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThatThrownBy(() -> inspector.inspect(MediaTypes.OCI_MANIFEST, deep.getBytes()))
                .isInstanceOf(Invalid.class);
    }

    @Test
    void subjectIsOptional() {
        assertThat(inspector
                        .inspect(MediaTypes.OCI_INDEX, fixture("oci-index.json"))
                        .subject())
                .isEqualTo(Optional.empty());
    }

    private static byte[] fixture(String name) {
        try (InputStream in = OciManifestInspectorTest.class.getResourceAsStream("/manifest/" + name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }
}

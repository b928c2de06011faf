package io.gatehouse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.it.OciImageBuilder.Image;
import io.gatehouse.it.OciImageBuilder.MultiPlatformImage;
import io.gatehouse.it.Skopeo.Credentials;
import io.gatehouse.it.Skopeo.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real OCI client (skopeo) must be able to do against a registry: push and pull OCI and Docker schema 2 images
 * and a multi-platform index without changing a single digest, list tags, delete by digest, log in, copy between
 * repositories, push an artifact with a {@code subject}, and be refused with wrong credentials.
 *
 * <p>Subclasses start a registry in a {@code @BeforeAll} method (it runs after this class's own {@code @BeforeAll}, which
 * checks for skopeo; start nothing if {@link #skippingAllTests()}), stop it in {@code @AfterAll}, and return it from
 * {@link #endpoint()}, which is only called from test methods. The lifecycle is per class and all state is per
 * instance, so several subclasses can run in one JVM. Every test uses its own repositories under
 * {@code it/<run id>/<test>/}, so tests are independent of each other and of earlier runs against the same storage.
 *
 * <p>Besides skopeo, two checks use plain HTTP ({@link #registryBaseUri()}, preemptive basic authentication): that
 * refused pushes left no blob behind ({@code HEAD /v2/<name>/blobs/<digest>}), and, if {@link #supportsReferrersApi()},
 * {@code GET /v2/<name>/referrers/<digest>}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RegistryClientsContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    private static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /** Unique per instance, so repositories never collide across runs or subclasses. */
    private final String runId =
            String.format("%010x", ThreadLocalRandom.current().nextLong(1L << 40));

    private String skipReason;
    private Path work;
    private Skopeo skopeo;
    private String testName;

    /** The registry under test; called from test methods only, after all {@code @BeforeAll} methods. */
    protected abstract RegistryEndpoint endpoint();

    /** Whether {@code GET /v2/<name>/referrers/<digest>} (OCI distribution 1.1) is expected to work. */
    protected boolean supportsReferrersApi() {
        return false;
    }

    /** Base URI for the few direct HTTP calls; by default plain HTTP on {@link RegistryEndpoint#hostPort()}. */
    protected URI registryBaseUri() {
        return URI.create("http://" + endpoint().hostPort());
    }

    /**
     * Makes every test of this class skip with {@code reason} (visible per test in the reports). Subclasses call it
     * from {@code @BeforeAll} when their registry cannot run, e.g. with {@link Skopeo#skipOrFail}.
     */
    protected final void skipAllTests(String reason) {
        if (skipReason == null) {
            skipReason = reason;
        }
    }

    /** True once {@link #skipAllTests} was called (e.g. skopeo is missing): subclasses need not start anything. */
    protected final boolean skippingAllTests() {
        return skipReason != null;
    }

    @BeforeAll
    final void contractRequiresSkopeo() {
        Skopeo.skipReasonIfMissing().ifPresent(this::skipAllTests);
    }

    @BeforeEach
    final void contractCreatesSkopeo(@TempDir Path tempDir, TestInfo info) {
        if (skipReason != null) {
            Assumptions.abort(skipReason);
        }
        work = tempDir;
        skopeo = Skopeo.create(tempDir.resolve("skopeo-home"));
        testName = info.getTestMethod().orElseThrow().getName();
    }

    @Test
    void pushesAndPullsMultiLayerOciImageWithIdenticalDigests() {
        RegistryEndpoint registry = endpoint();
        OciImageBuilder layout = newLayout("source");
        Image image = layout.image("v1", "amd64", 3);
        String repository = repository("oci-image");

        skopeo.copy(
                        layout.ociReference("v1"),
                        null,
                        registry.docker(repository, "v1"),
                        registry.credentials(),
                        "--preserve-digests")
                .orThrow();

        Result raw = skopeo.inspectRaw(registry.docker(repository, "v1"), registry.credentials())
                .orThrow();
        assertThat(OciImageBuilder.sha256(raw.stdoutBytes()))
                .isEqualTo(image.manifest().digest());
        assertThat(raw.stdoutBytes()).isEqualTo(layout.blob(image.manifest().digest()));
        JsonNode inspected = json(skopeo.inspect(registry.docker(repository, "v1"), registry.credentials())
                .orThrow());
        assertThat(inspected.path("Digest").asText()).isEqualTo(image.manifest().digest());
        assertThat(texts(inspected.path("Layers"))).containsExactlyElementsOf(image.layerDigests());
        assertThat(inspected.path("Architecture").asText()).isEqualTo("amd64");
        assertThat(inspected.path("Os").asText()).isEqualTo("linux");
        Result byDigest = skopeo.inspectRaw(
                        registry.docker(repository, image.manifest().digest()), registry.credentials())
                .orThrow();
        assertThat(byDigest.stdoutBytes()).isEqualTo(raw.stdoutBytes());

        Path pulled = work.resolve("pulled");
        skopeo.copy(
                        registry.docker(repository, "v1"),
                        registry.credentials(),
                        "oci:" + pulled + ":v1",
                        null,
                        "--preserve-digests")
                .orThrow();
        assertThat(ociRefs(pulled))
                .containsExactly(Map.entry("v1", image.manifest().digest()));
        Set<String> expectedBlobs = new TreeSet<>(image.blobDigests());
        expectedBlobs.add(image.manifest().digest());
        assertThat(verifiedBlobs(pulled.resolve("blobs").resolve("sha256")))
                .containsExactlyInAnyOrderElementsOf(expectedBlobs);
        for (String digest : expectedBlobs) {
            assertThat(OciImageBuilder.readBlob(pulled, digest)).as(digest).isEqualTo(layout.blob(digest));
        }
    }

    @Test
    void pushesDockerSchema2AndPullsItBackWithTheSameDigests() {
        RegistryEndpoint registry = endpoint();
        OciImageBuilder layout = newLayout("source");
        Image image = layout.image("v1", "amd64", 3);
        String repository = repository("docker-v2s2");

        skopeo.copy(
                        layout.ociReference("v1"),
                        null,
                        registry.docker(repository, "s2"),
                        registry.credentials(),
                        "--format",
                        "v2s2")
                .orThrow();

        Result raw = skopeo.inspectRaw(registry.docker(repository, "s2"), registry.credentials())
                .orThrow();
        JsonNode manifest = json(raw);
        String manifestDigest = OciImageBuilder.sha256(raw.stdoutBytes());
        assertThat(manifest.path("mediaType").asText()).isEqualTo(DOCKER_MANIFEST);
        assertThat(manifest.path("config").path("mediaType").asText()).isEqualTo(DOCKER_CONFIG);
        assertThat(manifest.path("config").path("digest").asText())
                .isEqualTo(image.config().digest());
        assertThat(texts(manifest.path("layers"), "digest")).containsExactlyElementsOf(image.layerDigests());
        assertThat(texts(manifest.path("layers"), "mediaType")).containsOnly(DOCKER_LAYER_GZIP);
        assertThat(json(skopeo.inspect(registry.docker(repository, "s2"), registry.credentials())
                                .orThrow())
                        .path("Digest")
                        .asText())
                .isEqualTo(manifestDigest);

        // The dir: transport stores the manifest and blobs as they are; oci: would have to convert the manifest.
        Path pulled = work.resolve("pulled-dir");
        skopeo.copy(
                        registry.docker(repository, "s2"),
                        registry.credentials(),
                        "dir:" + pulled,
                        null,
                        "--preserve-digests")
                .orThrow();
        byte[] pulledManifest = read(pulled.resolve("manifest.json"));
        assertThat(pulledManifest).isEqualTo(raw.stdoutBytes());
        List<String> pulledBlobs;
        try (Stream<Path> files = Files.list(pulled)) {
            pulledBlobs = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("[0-9a-f]{64}"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(pulledBlobs).map(hex -> "sha256:" + hex).containsExactlyInAnyOrderElementsOf(image.blobDigests());
        for (String hex : pulledBlobs) {
            assertThat(OciImageBuilder.sha256(read(pulled.resolve(hex)))).isEqualTo("sha256:" + hex);
        }
    }

    @Test
    void pushesMultiPlatformIndexWithAllAndPullsOnePlatform() {
        RegistryEndpoint registry = endpoint();
        OciImageBuilder layout = newLayout("source");
        MultiPlatformImage multi = layout.multiPlatform("multi", 2);
        Image amd64 = multi.platform("amd64");
        Image arm64 = multi.platform("arm64");
        String repository = repository("multi-platform");

        skopeo.copy(
                        layout.ociReference("multi"),
                        null,
                        registry.docker(repository, "multi"),
                        registry.credentials(),
                        "--all",
                        "--preserve-digests")
                .orThrow();

        Result raw = skopeo.inspectRaw(registry.docker(repository, "multi"), registry.credentials())
                .orThrow();
        assertThat(OciImageBuilder.sha256(raw.stdoutBytes()))
                .isEqualTo(multi.index().digest());
        JsonNode index = json(raw);
        assertThat(index.path("mediaType").asText()).isEqualTo(OciImageBuilder.OCI_INDEX);
        assertThat(texts(index.path("manifests"), "digest"))
                .containsExactly(amd64.manifest().digest(), arm64.manifest().digest());
        assertThat(index.path("manifests")
                        .get(1)
                        .path("platform")
                        .path("architecture")
                        .asText())
                .isEqualTo("arm64");
        for (Image platform : List.of(amd64, arm64)) {
            Result child = skopeo.inspectRaw(
                            registry.docker(repository, platform.manifest().digest()), registry.credentials())
                    .orThrow();
            assertThat(child.stdoutBytes())
                    .isEqualTo(layout.blob(platform.manifest().digest()));
        }

        Path pulledArm = work.resolve("pulled-arm64");
        skopeo.withGlobalOptions("--override-arch", "arm64", "--override-os", "linux")
                .copy(
                        registry.docker(repository, "multi"),
                        registry.credentials(),
                        "oci:" + pulledArm + ":arm",
                        null,
                        "--preserve-digests")
                .orThrow();
        assertThat(ociRefs(pulledArm))
                .containsExactly(Map.entry("arm", arm64.manifest().digest()));
        Set<String> armBlobs = new TreeSet<>(arm64.blobDigests());
        armBlobs.add(arm64.manifest().digest());
        assertThat(verifiedBlobs(pulledArm.resolve("blobs").resolve("sha256")))
                .containsExactlyInAnyOrderElementsOf(armBlobs);

        Path pulledAll = work.resolve("pulled-all");
        skopeo.copy(
                        registry.docker(repository, "multi"),
                        registry.credentials(),
                        "oci:" + pulledAll + ":multi",
                        null,
                        "--all",
                        "--preserve-digests")
                .orThrow();
        assertThat(ociRefs(pulledAll))
                .containsExactly(Map.entry("multi", multi.index().digest()));
        Set<String> allBlobs = new TreeSet<>(armBlobs);
        allBlobs.addAll(amd64.blobDigests());
        allBlobs.add(amd64.manifest().digest());
        allBlobs.add(multi.index().digest());
        assertThat(verifiedBlobs(pulledAll.resolve("blobs").resolve("sha256")))
                .containsExactlyInAnyOrderElementsOf(allBlobs);
    }

    @Test
    void listsExactlyThePushedTags() {
        RegistryEndpoint registry = endpoint();
        OciImageBuilder layout = newLayout("source");
        layout.image("v1", "amd64", 1);
        layout.image("v2", "amd64", 1);
        String repository = repository("tags");
        List<String> tags = List.of("1.0", "1.1", "latest", "release-2024_01");

        for (String tag : tags) {
            String source = tag.equals("latest") ? "v2" : "v1";
            skopeo.copy(layout.ociReference(source), null, registry.docker(repository, tag), registry.credentials())
                    .orThrow();
        }

        JsonNode listed =
                json(skopeo.listTags("docker://" + registry.hostPort() + "/" + repository, registry.credentials())
                        .orThrow());
        assertThat(listed.path("Repository").asText()).isEqualTo(registry.hostPort() + "/" + repository);
        assertThat(texts(listed.path("Tags"))).containsExactlyInAnyOrderElementsOf(tags);
    }

    @Test
    void deletesManifestByDigest() {
        RegistryEndpoint registry = endpoint();
        OciImageBuilder layout = newLayout("source");
        Image doomed = layout.image("doomed", "amd64", 2);
        Image kept = layout.image("kept", "amd64", 2);
        String repository = repository("delete");
        skopeo.copy(
                        layout.ociReference("doomed"),
                        null,
                        registry.docker(repository, "doomed"),
                        registry.credentials(),
                        "--preserve-digests")
                .orThrow();
        skopeo.copy(
                        layout.ociReference("kept"),
                        null,
                        registry.docker(repository, "kept"),
                        registry.credentials(),
                        "--preserve-digests")
                .orThrow();

        skopeo.delete(registry.docker(repository, doomed.manifest().digest()), registry.credentials())
                .orThrow();

        Result byDigest =
                skopeo.inspectRaw(registry.docker(repository, doomed.manifest().digest()), registry.credentials());
        assertThat(byDigest.succeeded())
                .as("inspect after delete: %s", byDigest)
                .isFalse();
        assertThat(byDigest.stderr()).containsIgnoringCase("manifest unknown");
        Result byTag = skopeo.inspectRaw(registry.docker(repository, "doomed"), registry.credentials());
        assertThat(byTag.succeeded())
                .as("the tag of a deleted manifest is gone too: %s", byTag)
                .isFalse();
        assertThat(byTag.stderr()).containsIgnoringCase("manifest unknown");
        Result survivor = skopeo.inspectRaw(registry.docker(repository, "kept"), registry.credentials())
                .orThrow();
        assertThat(OciImageBuilder.sha256(survivor.stdoutBytes()))
                .isEqualTo(kept.manifest().digest());
        assertThat(texts(json(skopeo.listTags(
                                        "docker://" + registry.hostPort() + "/" + repository, registry.credentials())
                                .orThrow())
                        .path("Tags")))
                .containsExactly("kept");
    }

    @Test
    void logsInWithGoodCredentialsAndRefusesBadOnes() {
        RegistryEndpoint registry = endpoint();
        assumeTrue(registry.authenticated(), "registry " + registry + " needs no authentication; login not tested");
        OciImageBuilder layout = newLayout("source");
        Image image = layout.image("v1", "amd64", 1);
        String repository = repository("login");
        skopeo.copy(layout.ociReference("v1"), null, registry.docker(repository, "v1"), registry.credentials())
                .orThrow();

        Result bad = skopeo.login(registry.hostPort(), registry.wrongCredentials());
        assertThat(bad.succeeded()).as("login with a wrong password: %s", bad).isFalse();
        assertThat(bad.output()).as("%s", bad).containsAnyOf("401", "nauthorized", "invalid username/password");
        assertThat(read(skopeo.authFile())).asString(StandardCharsets.UTF_8).doesNotContain(registry.hostPort());
        Result unknownUser = skopeo.login(registry.hostPort(), new Credentials("no-such-user-" + runId, "x"));
        assertThat(unknownUser.succeeded())
                .as("login as an unknown user: %s", unknownUser)
                .isFalse();

        Result good = skopeo.login(registry.hostPort(), registry.credentials()).orThrow();
        assertThat(good.stdout()).contains("Login Succeeded");
        assertThat(read(skopeo.authFile())).asString(StandardCharsets.UTF_8).contains(registry.hostPort());
        // No --creds: the credentials come from the private auth file written by login.
        Result withStoredLogin = skopeo.inspectRaw(registry.docker(repository, "v1"), Credentials.ANONYMOUS)
                .orThrow();
        assertThat(OciImageBuilder.sha256(withStoredLogin.stdoutBytes()))
                .isEqualTo(image.manifest().digest());

        skopeo.logout(registry.hostPort()).orThrow();
        assertThat(read(skopeo.authFile())).asString(StandardCharsets.UTF_8).doesNotContain(registry.hostPort());
    }

    @Test
    void copiesBetweenRepositoriesOfTheSameRegistry() {
        RegistryEndpoint registry = endpoint();
        OciImageBuilder layout = newLayout("source");
        Image image = layout.image("v1", "amd64", 3);
        String from = repository("copy-from");
        String to = repository("copy-to");
        skopeo.copy(
                        layout.ociReference("v1"),
                        null,
                        registry.docker(from, "1"),
                        registry.credentials(),
                        "--preserve-digests")
                .orThrow();

        // skopeo asks for a cross-repository mount (POST .../uploads/?mount=&from=) for layers it saw in `from`.
        skopeo.copy(
                        registry.docker(from, "1"),
                        registry.credentials(),
                        registry.docker(to, "1"),
                        registry.credentials(),
                        "--preserve-digests")
                .orThrow();

        Result raw = skopeo.inspectRaw(registry.docker(to, "1"), registry.credentials())
                .orThrow();
        assertThat(raw.stdoutBytes()).isEqualTo(layout.blob(image.manifest().digest()));
        Path pulled = work.resolve("pulled");
        skopeo.copy(
                        registry.docker(to, "1"),
                        registry.credentials(),
                        "oci:" + pulled + ":1",
                        null,
                        "--preserve-digests")
                .orThrow();
        Set<String> expected = new TreeSet<>(image.blobDigests());
        expected.add(image.manifest().digest());
        assertThat(verifiedBlobs(pulled.resolve("blobs").resolve("sha256")))
                .containsExactlyInAnyOrderElementsOf(expected);
        Result source = skopeo.inspectRaw(registry.docker(from, "1"), registry.credentials())
                .orThrow();
        assertThat(source.stdoutBytes()).isEqualTo(raw.stdoutBytes());
    }

    @Test
    void pushWithWrongCredentialsFailsAndStoresNothing() {
        RegistryEndpoint registry = endpoint();
        assumeTrue(registry.authenticated(), "registry " + registry + " needs no authentication; refusal not tested");
        OciImageBuilder layout = newLayout("source");
        Image image = layout.image("v1", "amd64", 2);
        String repository = repository("refused");

        Result wrong = skopeo.copy(
                layout.ociReference("v1"), null, registry.docker(repository, "v1"), registry.wrongCredentials());
        assertThat(wrong.succeeded())
                .as("push with a wrong password: %s", wrong)
                .isFalse();
        assertThat(wrong.stderr()).as("%s", wrong).containsAnyOf("401", "nauthorized", "authentication required");
        Result anonymous =
                skopeo.copy(layout.ociReference("v1"), null, registry.docker(repository, "v1"), Credentials.ANONYMOUS);
        assertThat(anonymous.succeeded()).as("anonymous push: %s", anonymous).isFalse();

        Result byTag = skopeo.inspectRaw(registry.docker(repository, "v1"), registry.credentials());
        assertThat(byTag.succeeded())
                .as("inspect after refused pushes: %s", byTag)
                .isFalse();
        assertThat(byTag.stderr()).containsAnyOf("manifest unknown", "name unknown", "repository name not known");
        Result byDigest =
                skopeo.inspectRaw(registry.docker(repository, image.manifest().digest()), registry.credentials());
        assertThat(byDigest.succeeded())
                .as("inspect by digest after refused pushes: %s", byDigest)
                .isFalse();
        Result tags = skopeo.listTags("docker://" + registry.hostPort() + "/" + repository, registry.credentials());
        if (tags.succeeded()) {
            assertThat(texts(json(tags).path("Tags"))).isEmpty();
        }
        for (String digest : image.blobDigests()) {
            assertThat(http("HEAD", "/v2/" + repository + "/blobs/" + digest).statusCode())
                    .as("blob %s after refused pushes (HEAD with basic auth)", digest)
                    .isEqualTo(404);
        }
    }

    @Test
    void pushesArtifactWithSubjectUnchanged() throws IOException {
        RegistryEndpoint registry = endpoint();
        OciImageBuilder layout = newLayout("source");
        Image image = layout.image("v1", "amd64", 1);
        OciImageBuilder.Artifact sbom = layout.artifact("sbom", image.manifest(), OciImageBuilder.SBOM_ARTIFACT_TYPE);
        String repository = repository("artifact");
        skopeo.copy(
                        layout.ociReference("v1"),
                        null,
                        registry.docker(repository, "v1"),
                        registry.credentials(),
                        "--preserve-digests")
                .orThrow();

        skopeo.copy(
                        layout.ociReference("sbom"),
                        null,
                        registry.docker(repository, "sbom"),
                        registry.credentials(),
                        "--preserve-digests")
                .orThrow();

        Result raw = skopeo.inspectRaw(registry.docker(repository, "sbom"), registry.credentials())
                .orThrow();
        assertThat(raw.stdoutBytes()).isEqualTo(layout.blob(sbom.manifest().digest()));
        JsonNode manifest = json(raw);
        assertThat(manifest.path("artifactType").asText()).isEqualTo(OciImageBuilder.SBOM_ARTIFACT_TYPE);
        assertThat(manifest.path("subject").path("digest").asText())
                .isEqualTo(image.manifest().digest());
        if (supportsReferrersApi()) {
            HttpResponse<byte[]> response = http(
                    "GET",
                    "/v2/" + repository + "/referrers/" + image.manifest().digest());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(OciImageBuilder.OCI_INDEX);
            // Gatehouse also attaches the SBOM of its own scan (annotated io.gatehouse.sbom.digest): not the user's.
            var pushed = JSON.createArrayNode();
            JSON.readTree(response.body()).path("manifests").forEach(m -> {
                if (m.path("annotations").path("io.gatehouse.sbom.digest").isMissingNode()) pushed.add(m);
            });
            assertThat(texts(pushed, "digest")).containsExactly(sbom.manifest().digest());
            assertThat(texts(pushed, "artifactType")).containsExactly(OciImageBuilder.SBOM_ARTIFACT_TYPE);
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** {@code it/<run id>/<test method>/<name>}: unique per run, subclass instance and test. */
    protected final String repository(String name) {
        return "it/" + runId + "/" + testName.toLowerCase(java.util.Locale.ROOT) + "/" + name;
    }

    /**
     * A new layout in this test's temp dir. The seed differs per run and test on purpose: skopeo remembers where it saw
     * a blob (its blob-info cache) and would mount instead of upload content some earlier test already pushed.
     */
    protected final OciImageBuilder newLayout(String name) {
        long seed = (runId + "/" + testName + "/" + name).hashCode();
        return OciImageBuilder.create(work.resolve("layout-" + name), seed);
    }

    protected final Skopeo skopeo() {
        return skopeo;
    }

    /** Direct HTTP request to the registry with preemptive basic authentication when the endpoint has a user. */
    protected final HttpResponse<byte[]> http(String method, String path) {
        RegistryEndpoint registry = endpoint();
        HttpRequest.Builder request = HttpRequest.newBuilder(registryBaseUri().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", OciImageBuilder.OCI_INDEX)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (registry.authenticated()) {
            String basic = registry.username() + ":" + registry.password();
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** ref name → manifest digest from a layout's index.json. */
    private static Map<String, String> ociRefs(Path layout) {
        JsonNode index;
        try {
            index = JSON.readTree(layout.resolve("index.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> refs = new HashMap<>();
        for (JsonNode entry : index.path("manifests")) {
            refs.put(
                    entry.path("annotations").path(OciImageBuilder.REF_NAME).asText(),
                    entry.path("digest").asText());
        }
        return refs;
    }

    /** Digests of the files in a blob directory, each checked against its content. */
    private static List<String> verifiedBlobs(Path sha256Dir) {
        List<String> digests = new ArrayList<>();
        try (Stream<Path> files = Files.list(sha256Dir)) {
            for (Path file : files.toList()) {
                String digest = "sha256:" + file.getFileName();
                assertThat(OciImageBuilder.sha256(Files.readAllBytes(file)))
                        .as("content of %s", file)
                        .isEqualTo(digest);
                digests.add(digest);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digests;
    }

    private static JsonNode json(Result result) {
        try {
            return JSON.readTree(result.stdoutBytes());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + result, e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.path(field).asText()));
        return values;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

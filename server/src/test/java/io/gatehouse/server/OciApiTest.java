package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.errorCode;
import static io.gatehouse.server.testing.RegistryHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCI distribution API over HTTP against a whole server (filesystem + H2) on an ephemeral port. */
class OciApiTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static RegistryHttp http;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dataDir);
        http = RegistryHttp.asAdmin(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Digest pushBlob(String repo, byte[] content) {
        Digest digest = Digest.sha256(content);
        var r = http.post("/v2/" + repo + "/blobs/uploads/?digest=" + digest, content);
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(201);
        return digest;
    }

    static String imageManifest(Digest config, int configSize, Digest layer, int layerSize, String extra) {
        return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":" + configSize + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layer
                + "\",\"size\":" + layerSize + "}]"
                + extra + "}";
    }

    /** Pushes a config and a layer and a manifest referencing them; returns the manifest digest. */
    static Digest pushImage(String repo, String tag, long seed) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = randomBytes(4096, seed);
        Digest c = pushBlob(repo, config);
        Digest l = pushBlob(repo, layer);
        byte[] manifest = imageManifest(c, config.length, l, layer.length, "").getBytes(StandardCharsets.UTF_8);
        var r = http.put(
                "/v2/" + repo + "/manifests/" + tag,
                manifest,
                Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(201);
        return Digest.sha256(manifest);
    }

    @Test
    void baseEndpointChallengesAnonymousCallersWithBearer() {
        var r = RegistryHttp.anonymous(server).get("/v2/");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer realm=\"" + server.baseUri() + "/token\"")
                .contains("service=\"gatehouse\"");
        assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
        assertThat(errorCode(r)).isEqualTo("UNAUTHORIZED");
        assertThat(http.get("/v2/").statusCode()).isEqualTo(200);
    }

    @Test
    void resourceChallengeCarriesTheScope() {
        var r = RegistryHttp.anonymous(server).get("/v2/team/app/manifests/latest");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("scope=\"repository:team/app:pull\"");
        var push = RegistryHttp.anonymous(server).post("/v2/team/app/blobs/uploads/", new byte[0]);
        assertThat(push.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("scope=\"repository:team/app:pull,push\"");
    }

    @Test
    void wrongPasswordIsUnauthorized() {
        var r = http.withAuthorization(RegistryHttp.basic("admin", "wrong")).get("/v2/");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(errorCode(r)).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void tokenFlowGrantsRequestedScopesAndTheTokenWorks() {
        var r = http.get("/token?service=gatehouse&scope=repository:tok/app:pull,push");
        assertThat(r.statusCode()).isEqualTo(200);
        String token = json(r).path("token").asText();
        assertThat(json(r).path("expires_in").asInt()).isEqualTo(300);
        var bearer = http.withAuthorization("Bearer " + token);
        Digest blob = Digest.sha256("x".getBytes());
        assertThat(bearer.post("/v2/tok/app/blobs/uploads/?digest=" + blob, "x".getBytes())
                        .statusCode())
                .isEqualTo(201);
        var other = bearer.get("/v2/other/app/tags/list");
        assertThat(other.statusCode())
                .as("a token for one repository does not open another")
                .isEqualTo(401);
        assertThat(other.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");
        assertThat(http.withAuthorization("Bearer " + token + "x").get("/v2/").statusCode())
                .isEqualTo(401);
        var renewal = bearer.get("/token?service=gatehouse&scope=repository:tok/app:pull,push");
        assertThat(renewal.statusCode()).as("a token cannot renew itself").isEqualTo(401);
        assertThat(json(renewal).path("token").isMissingNode()).isTrue();
    }

    @Test
    void monolithicPushThenPullByTagAndDigest() {
        Digest manifest = pushImage("mono/app", "v1", 1);
        var byTag =
                http.get("/v2/mono/app/manifests/v1", Map.of("Accept", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(byTag.statusCode()).isEqualTo(200);
        assertThat(Digest.sha256(byTag.body())).isEqualTo(manifest);
        assertThat(byTag.headers().firstValue("Docker-Content-Digest")).contains(manifest.toString());
        assertThat(byTag.headers().firstValue("Content-Type")).contains("application/vnd.oci.image.manifest.v1+json");
        var byDigest = http.get("/v2/mono/app/manifests/" + manifest);
        assertThat(byDigest.body()).isEqualTo(byTag.body());
        var head = http.head("/v2/mono/app/manifests/v1");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(byTag.body().length);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void postThenPutUploadAndRangedBlobReads() {
        byte[] content = randomBytes(10_000, 7);
        Digest digest = Digest.sha256(content);
        var start = http.post("/v2/ranged/blobs/uploads/", null);
        assertThat(start.statusCode()).isEqualTo(202);
        String location = start.headers().firstValue("Location").orElseThrow();
        assertThat(start.headers().firstValue("Docker-Upload-UUID")).isPresent();
        var put = http.put(location + "?digest=" + digest, content, Map.of("Content-Type", "application/octet-stream"));
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(put.headers().firstValue("Location")).contains("/v2/ranged/blobs/" + digest);

        var full = http.get("/v2/ranged/blobs/" + digest);
        assertThat(full.body()).isEqualTo(content);
        assertThat(full.headers().firstValue("Docker-Content-Digest")).contains(digest.toString());
        var part = http.get("/v2/ranged/blobs/" + digest, Map.of("Range", "bytes=100-199"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(content, 100, 200));
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 100-199/10000");
        var bad = http.get("/v2/ranged/blobs/" + digest, Map.of("Range", "bytes=20000-"));
        assertThat(bad.statusCode()).isEqualTo(416);
        assertThat(bad.headers().firstValue("Content-Range")).contains("bytes */10000");
        assertThat(bad.headers().firstValue("Cache-Control"))
                .as("errors are not cached")
                .isEmpty();
        var ignored = http.get("/v2/ranged/blobs/" + digest, Map.of("Range", "bytes=9-3"));
        assertThat(ignored.statusCode()).as("a malformed range is ignored").isEqualTo(200);
        assertThat(ignored.body()).isEqualTo(content);
        var head = http.head("/v2/ranged/blobs/" + digest);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(10_000);
    }

    @Test
    void chunkedUploadInOrderWithStatusAndOutOfOrderChunkIs416() {
        byte[] content = randomBytes(300_000, 11);
        Digest digest = Digest.sha256(content);
        String location = http.post("/v2/chunked/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        var first = http.patch(
                location,
                Arrays.copyOfRange(content, 0, 100_000),
                Map.of("Content-Range", "0-99999", "Content-Type", "application/octet-stream"));
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("Range")).contains("0-99999");
        location = first.headers().firstValue("Location").orElseThrow();

        var outOfOrder = http.patch(
                location, Arrays.copyOfRange(content, 200_000, 300_000), Map.of("Content-Range", "200000-299999"));
        assertThat(outOfOrder.statusCode()).isEqualTo(416);
        assertThat(outOfOrder.headers().firstValue("Range"))
                .as("tells the client where to resume")
                .contains("0-99999");
        assertThat(errorCode(outOfOrder)).isEqualTo("BLOB_UPLOAD_INVALID");

        var status = http.get(location);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).contains("0-99999");

        var second = http.patch(
                location, Arrays.copyOfRange(content, 100_000, 200_000), Map.of("Content-Range", "100000-199999"));
        assertThat(second.statusCode()).isEqualTo(202);
        var last = http.put(
                second.headers().firstValue("Location").orElseThrow() + "?digest=" + digest,
                Arrays.copyOfRange(content, 200_000, 300_000),
                Map.of());
        assertThat(last.statusCode()).as(new String(last.body())).isEqualTo(201);
        assertThat(http.get("/v2/chunked/blobs/" + digest).body()).isEqualTo(content);
        assertThat(http.get(location).statusCode())
                .as("a finished upload is gone")
                .isEqualTo(404);
    }

    @Test
    void wrongDigestIsRefusedAndNothingIsStored() {
        byte[] content = "hello".getBytes();
        Digest claimed = Digest.sha256("other".getBytes());
        var r = http.post("/v2/wrongdigest/blobs/uploads/?digest=" + claimed, content);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorCode(r)).isEqualTo("DIGEST_INVALID");
        assertThat(http.head("/v2/wrongdigest/blobs/" + claimed).statusCode()).isEqualTo(404);
        assertThat(http.head("/v2/wrongdigest/blobs/" + Digest.sha256(content)).statusCode())
                .isEqualTo(404);
    }

    @Test
    void cancelledUploadIsGone() {
        String location = http.post("/v2/cancel/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        assertThat(http.delete(location).statusCode()).isEqualTo(204);
        var after = http.get(location);
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(errorCode(after)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void crossRepositoryMountAndFallbackToUpload() {
        byte[] content = randomBytes(1000, 21);
        Digest digest = pushBlob("mount/source", content);
        var mounted = http.post("/v2/mount/target/blobs/uploads/?mount=" + digest + "&from=mount/source", null);
        assertThat(mounted.statusCode()).isEqualTo(201);
        assertThat(mounted.headers().firstValue("Docker-Content-Digest")).contains(digest.toString());
        assertThat(http.get("/v2/mount/target/blobs/" + digest).body()).isEqualTo(content);

        Digest absent = Digest.sha256("never pushed".getBytes());
        var fallback = http.post("/v2/mount/target/blobs/uploads/?mount=" + absent + "&from=mount/source", null);
        assertThat(fallback.statusCode()).as("falls back to a normal upload").isEqualTo(202);
        assertThat(fallback.headers().firstValue("Location").orElseThrow())
                .startsWith("/v2/mount/target/blobs/uploads/");
    }

    @Test
    void blobsAreServedOnlyFromRepositoriesThatHaveThem() {
        byte[] content = randomBytes(500, 31);
        Digest digest = pushBlob("isolated/a", content);
        var r = http.get("/v2/isolated/b/blobs/" + digest);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(errorCode(r)).isEqualTo("BLOB_UNKNOWN");
    }

    @Test
    void manifestReferencingUnknownBlobIsRefused() {
        Digest missing = Digest.sha256("missing".getBytes());
        byte[] manifest = imageManifest(missing, 7, missing, 7, "").getBytes();
        var r = http.put(
                "/v2/unknownblob/manifests/v1",
                manifest,
                Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errorCode(r)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
        assertThat(json(r).path("errors").path(0).path("detail").asText()).isEqualTo(missing.toString());
        assertThat(http.get("/v2/unknownblob/manifests/v1").statusCode()).isEqualTo(404);
    }

    @Test
    void invalidManifestsAreRefusedWithTheirCodes() {
        var notJson = http.put(
                "/v2/bad/manifests/v1",
                "{nope".getBytes(),
                Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(errorCode(notJson)).isEqualTo("MANIFEST_INVALID");
        var schema1 = http.put(
                "/v2/bad/manifests/v1",
                "{\"schemaVersion\":1}".getBytes(),
                Map.of("Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws"));
        assertThat(schema1.statusCode()).isEqualTo(400);
        assertThat(json(schema1).path("errors").path(0).path("message").asText())
                .contains("schema1");
        byte[] huge = new byte[4 * 1024 * 1024 + 1];
        Arrays.fill(huge, (byte) ' ');
        var tooLarge = http.put(
                "/v2/bad/manifests/v1", huge, Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(errorCode(tooLarge)).isEqualTo("MANIFEST_INVALID");
        var wrongDigest = http.put(
                "/v2/bad/manifests/sha256:" + "0".repeat(64),
                "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(),
                Map.of("Content-Type", "application/vnd.oci.image.index.v1+json"));
        assertThat(errorCode(wrongDigest)).isEqualTo("DIGEST_INVALID");
    }

    @Test
    void invalidNamesAndReferencesAreRefused() {
        var badName = http.get("/v2/Upper/Case/manifests/latest");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(errorCode(badName)).isEqualTo("NAME_INVALID");
        var badDigest = http.get("/v2/ok/blobs/sha256:xyz");
        assertThat(badDigest.statusCode()).isEqualTo(400);
        assertThat(errorCode(badDigest)).isEqualTo("DIGEST_INVALID");
        var traversal = http.get("/v2/a/../../etc/manifests/latest");
        assertThat(traversal.statusCode()).isBetween(400, 404);
        var unknownRoute = http.get("/v2/ok/nonsense");
        assertThat(unknownRoute.statusCode()).isEqualTo(404);
        var wrongMethod = http.send("POST", "/v2/ok/tags/list", new byte[0], Map.of());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(errorCode(wrongMethod)).isEqualTo("UNSUPPORTED");
    }

    @Test
    void tagListingPagesWithLinkHeader() {
        for (String tag : new String[] {"c", "a", "b", "d"}) {
            pushImage("paged/app", tag, 40);
        }
        var all = http.get("/v2/paged/app/tags/list");
        assertThat(json(all).path("tags").toString()).isEqualTo("[\"a\",\"b\",\"c\",\"d\"]");
        var page = http.get("/v2/paged/app/tags/list?n=2");
        assertThat(json(page).path("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(page.headers().firstValue("Link")).contains("</v2/paged/app/tags/list?n=2&last=b>; rel=\"next\"");
        var next = http.get("/v2/paged/app/tags/list?n=2&last=b");
        assertThat(json(next).path("tags").toString()).isEqualTo("[\"c\",\"d\"]");
        assertThat(next.headers().firstValue("Link")).isEmpty();
        var unknown = http.get("/v2/paged/nothing/tags/list");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(errorCode(unknown)).isEqualTo("NAME_UNKNOWN");
        assertThat(errorCode(http.get("/v2/paged/app/tags/list?n=-1"))).isEqualTo("PAGINATION_NUMBER_INVALID");
    }

    @Test
    void referrersWithSubjectHeaderAndArtifactTypeFilter() {
        Digest subject = pushImage("refs/app", "v1", 50);
        byte[] empty = "{}".getBytes();
        Digest emptyDigest = pushBlob("refs/app", empty);
        byte[] sbom = "{\"sbom\":true}".getBytes();
        Digest sbomDigest = pushBlob("refs/app", sbom);
        String subjectJson = ",\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                + subject + "\",\"size\":1}";
        for (String type : new String[] {"application/spdx+json", "application/vnd.dev.cosign.artifact.sig.v1+json"}) {
            String m =
                    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\""
                            + type + "\","
                            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
                            + emptyDigest + "\",\"size\":2},"
                            + "\"layers\":[{\"mediaType\":\"application/spdx+json\",\"digest\":\"" + sbomDigest
                            + "\",\"size\":" + sbom.length + "}],"
                            + "\"annotations\":{\"kind\":\"" + type + "\"}" + subjectJson + "}";
            var r = http.put(
                    "/v2/refs/app/manifests/" + Digest.sha256(m.getBytes()),
                    m.getBytes(),
                    Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"));
            assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(201);
            assertThat(r.headers().firstValue("OCI-Subject")).contains(subject.toString());
        }
        var all = http.get("/v2/refs/app/referrers/" + subject);
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Content-Type")).contains("application/vnd.oci.image.index.v1+json");
        assertThat(json(all).path("manifests")).hasSize(2);
        assertThat(all.headers().firstValue("OCI-Filters-Applied")).isEmpty();
        var filtered = http.get("/v2/refs/app/referrers/" + subject + "?artifactType=application/spdx%2Bjson");
        assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).contains("artifactType");
        assertThat(json(filtered).path("manifests")).hasSize(1);
        assertThat(json(filtered).path("manifests").path(0).path("artifactType").asText())
                .isEqualTo("application/spdx+json");
        assertThat(json(filtered)
                        .path("manifests")
                        .path(0)
                        .path("annotations")
                        .path("kind")
                        .asText())
                .isEqualTo("application/spdx+json");
        var none = http.get("/v2/refs/app/referrers/" + Digest.sha256("nothing".getBytes()));
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(json(none).path("manifests")).isEmpty();
    }

    @Test
    void deleteTagThenManifestThenBlob() {
        Digest manifest = pushImage("del/app", "v1", 60);
        pushImage("del/app", "v2", 60);
        assertThat(http.delete("/v2/del/app/manifests/v2").statusCode()).isEqualTo(202);
        assertThat(http.get("/v2/del/app/manifests/v2").statusCode()).isEqualTo(404);
        assertThat(http.get("/v2/del/app/manifests/v1").statusCode())
                .as("other tags stay")
                .isEqualTo(200);
        assertThat(http.delete("/v2/del/app/manifests/" + manifest).statusCode())
                .isEqualTo(202);
        var gone = http.get("/v2/del/app/manifests/v1");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(errorCode(gone)).isEqualTo("MANIFEST_UNKNOWN");
        assertThat(http.delete("/v2/del/app/manifests/" + manifest).statusCode())
                .isEqualTo(404);
        Digest blob = pushBlob("del/app", "blob".getBytes());
        assertThat(http.delete("/v2/del/app/blobs/" + blob).statusCode()).isEqualTo(202);
        assertThat(http.head("/v2/del/app/blobs/" + blob).statusCode()).isEqualTo(404);
    }

    @Test
    void indexRequiresItsChildManifests() {
        Digest child = pushImage("idx/app", "amd64", 70);
        String index =
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                        + child + "\",\"size\":100,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
        assertThat(http.put(
                                "/v2/idx/app/manifests/multi",
                                index.getBytes(),
                                Map.of("Content-Type", "application/vnd.oci.image.index.v1+json"))
                        .statusCode())
                .isEqualTo(201);
        var other = http.put(
                "/v2/idx/other/manifests/multi",
                index.getBytes(),
                Map.of("Content-Type", "application/vnd.oci.image.index.v1+json"));
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(errorCode(other)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void catalogListsRepositories() {
        pushImage("catalog/one", "v1", 80);
        var r = http.get("/v2/_catalog");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("repositories").toString()).contains("\"catalog/one\"");
    }

    @Test
    void operabilityEndpoints() {
        var anon = RegistryHttp.anonymous(server);
        assertThat(anon.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(anon.get("/readyz").statusCode()).isEqualTo(200);
        pushImage("metrics/app", "v1", 90);
        var metrics = anon.get("/metrics");
        String text = new String(metrics.body(), StandardCharsets.UTF_8);
        assertThat(text)
                .contains("gatehouse_http_requests_seconds_count")
                .contains("route=\"/v2/{name+}/manifests/{reference}\"");
        assertThat(text).contains("gatehouse_http_received_bytes_total").contains("gatehouse_upload_duration_seconds");
        assertThat(text).contains("gatehouse_storage_errors_total").contains("gatehouse_access_decisions_total");
        assertThat(http.get("/v2/").headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void unknownTopLevelPathIsJson404() {
        var r = RegistryHttp.anonymous(server).get("/nothing-here");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).path("errors").isArray()).isTrue();
    }
}

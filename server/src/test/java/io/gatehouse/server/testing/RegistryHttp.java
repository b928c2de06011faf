package io.gatehouse.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** A small HTTP client for API tests: one method per request shape, responses as bytes. */
public final class RegistryHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String authorization;

    public RegistryHttp(URI base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    public static RegistryHttp asAdmin(TestServer server) {
        return new RegistryHttp(server.baseUri(), basic("admin", TestServer.ADMIN_PASSWORD));
    }

    public static RegistryHttp anonymous(TestServer server) {
        return new RegistryHttp(server.baseUri(), null);
    }

    public RegistryHttp withAuthorization(String value) {
        return new RegistryHttp(base, value);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<byte[]> send(String method, String path, byte[] body, Map<String, String> headers) {
        var builder = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        headers.forEach(builder::header);
        try {
            return client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> get(String path, Map<String, String> headers) {
        return send("GET", path, null, headers);
    }

    public HttpResponse<byte[]> get(String path) {
        return get(path, Map.of());
    }

    public HttpResponse<byte[]> head(String path) {
        return send("HEAD", path, null, Map.of());
    }

    public HttpResponse<byte[]> delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    public HttpResponse<byte[]> post(String path, byte[] body) {
        return send("POST", path, body, Map.of());
    }

    public HttpResponse<byte[]> put(String path, byte[] body, Map<String, String> headers) {
        return send("PUT", path, body, headers);
    }

    public HttpResponse<byte[]> patch(String path, byte[] body, Map<String, String> headers) {
        return send("PATCH", path, body, headers);
    }

    /**
     * Pushes a small image (a config and one layer made from {@code seed}, then the manifest under {@code tag});
     * returns the manifest's digest.
     */
    public io.gatehouse.core.model.Digest pushImage(String repo, String tag, String seed) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":\"" + seed + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer " + seed).getBytes(StandardCharsets.UTF_8);
        for (byte[] blob : java.util.List.of(config, layer)) {
            var r = post("/v2/" + repo + "/blobs/uploads/?digest=" + io.gatehouse.core.model.Digest.sha256(blob), blob);
            expect(r, 201);
        }
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + io.gatehouse.core.model.Digest.sha256(config) + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + io.gatehouse.core.model.Digest.sha256(layer) + "\",\"size\":" + layer.length + "}]}";
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        expect(
                put(
                        "/v2/" + repo + "/manifests/" + tag,
                        bytes,
                        Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json")),
                201);
        return io.gatehouse.core.model.Digest.sha256(bytes);
    }

    private static void expect(HttpResponse<byte[]> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + ", got " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    public static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(response.body(), StandardCharsets.UTF_8), e);
        }
    }

    /** The first error code of an OCI error body. */
    public static String errorCode(HttpResponse<byte[]> response) {
        return json(response).path("errors").path(0).path("code").asText();
    }
}

package io.gatehouse.server;

import static io.gatehouse.server.testing.RegistryHttp.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (found in review): a chunk that failed half way was cut from the staged bytes but stayed in the
 * running SHA-256, so a digest over bytes that were never stored verified, and the registry then served
 * other bytes under that digest.
 */
class UploadIntegrityRegressionTest {
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

    @Test
    void bytesOfAFailedChunkNeverCountTowardsTheDigest() throws Exception {
        String location = uploadWithAFailedMiddleChunk();
        Digest injected = Digest.sha256(bytes("PREFIX--INJECTEDSUFFIX--"));
        var refused = http.put(location + "?digest=" + injected, null, Map.of());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(errorCode(refused)).isEqualTo("DIGEST_INVALID");
        assertThat(http.head("/v2/integrity/app/blobs/" + injected).statusCode())
                .isEqualTo(404);
    }

    @Test
    void theUploadContinuesFromWhatWasReallyStored() throws Exception {
        String location = uploadWithAFailedMiddleChunk();
        Digest real = Digest.sha256(bytes("PREFIX--SUFFIX--"));
        assertThat(http.put(location + "?digest=" + real, null, Map.of()).statusCode())
                .isEqualTo(201);
        assertThat(http.get("/v2/integrity/app/blobs/" + real).body()).isEqualTo(bytes("PREFIX--SUFFIX--"));
    }

    /** PREFIX-- accepted, then a chunk that promises 16 bytes and sends 8, then SUFFIX-- accepted. */
    private static String uploadWithAFailedMiddleChunk() throws Exception {
        String location = http.post("/v2/integrity/app/blobs/uploads/", null)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        var first = http.patch(location, bytes("PREFIX--"), Map.of("Content-Range", "0-7"));
        assertThat(first.statusCode()).isEqualTo(202);
        location = first.headers().firstValue("Location").orElseThrow();

        try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                            + RegistryHttp.basic("admin", TestServer.ADMIN_PASSWORD)
                            + "\r\nContent-Type: application/octet-stream\r\nContent-Range: 8-23\r\nContent-Length: 16\r\n\r\nINJECTED")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            in.readAllBytes(); // the server has finished with the chunk once it answers or closes
        }

        var status = http.get(location);
        assertThat(status.headers().firstValue("Range"))
                .as("the failed chunk left nothing")
                .contains("0-7");
        var last = http.patch(location, bytes("SUFFIX--"), Map.of("Content-Range", "8-15"));
        assertThat(last.statusCode()).isEqualTo(202);
        return last.headers().firstValue("Location").orElseThrow();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.model.Digest;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shutdown that begins while an upload is streaming lets that upload finish and be acknowledged. */
class GracefulShutdownTest {
    @TempDir
    Path dataDir;

    @Test
    void inFlightUploadCompletesDuringShutdown() throws Exception {
        TestServer server = TestServer.start(dataDir);
        byte[] blob = new byte[2 * 1024 * 1024];
        new Random(5).nextBytes(blob);
        Digest digest = Digest.sha256(blob);
        CompletableFuture<Void> stopped;
        String statusLine;
        int port = server.server().port(); // read before close begins: a closed connector reports -2
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            String head = "POST /v2/graceful/app/blobs/uploads/?digest=" + digest + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: " + RegistryHttp.basic("admin", TestServer.ADMIN_PASSWORD) + "\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + blob.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(blob, 0, blob.length / 2);
            out.flush();
            // Wait until the server has really started the upload: its staging file exists.
            waitForStagedUpload(dataDir);
            stopped = CompletableFuture.runAsync(server::close);
            // Only send the rest once shutdown has really begun: the server refuses new connections.
            awaitConnectionsRefused(port);
            assertThat(stopped).as("shutdown waits for the upload").isNotCompleted();
            out.write(blob, blob.length / 2, blob.length - blob.length / 2);
            out.flush();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            statusLine = in.readLine();
        }
        stopped.get(30, TimeUnit.SECONDS);
        assertThat(statusLine).isEqualTo("HTTP/1.1 201 Created");

        try (TestServer again = TestServer.start(dataDir)) {
            var r = RegistryHttp.asAdmin(again).get("/v2/graceful/app/blobs/" + digest);
            assertThat(r.statusCode())
                    .as("the acknowledged blob survived the restart")
                    .isEqualTo(200);
            assertThat(r.body()).isEqualTo(blob);
        }
    }

    private static void waitForStagedUpload(Path dataDir) throws Exception {
        Path uploads = dataDir.resolve("storage").resolve("uploads");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.isDirectory(uploads)) {
                try (var s = java.nio.file.Files.list(uploads)) {
                    if (s.findAny().isPresent()) {
                        return;
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("upload never started");
    }

    private static void awaitConnectionsRefused(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                Thread.onSpinWait();
            } catch (java.io.IOException refused) {
                return;
            }
        }
        throw new AssertionError("the server kept accepting connections after shutdown began");
    }
}

package io.gatehouse.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance contract of {@code ./gatehouse serve}, run as a user would: a real process from the repository root. */
class LauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir
    Path dataDir;

    @Test
    void firstStartGeneratesAnAdminPasswordOnceAndShutsDownOnSigterm() throws Exception {
        int port = freePort();
        Path out1 = dataDir.resolveSibling(dataDir.getFileName() + "-out1.log");
        Process first = start(port, out1, Map.of());
        try {
            awaitHealthy(port, first, out1);
            Path passwordFile = dataDir.resolve("initial-admin-password");
            assertThat(Files.getPosixFilePermissions(passwordFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            String password = Files.readString(passwordFile).trim();
            assertThat(Files.readString(out1)).contains(password);
            assertThat(get(port, "/v2/", "admin", password).statusCode()).isEqualTo(200);
            assertThat(get(port, "/v2/", "admin", password + "x").statusCode()).isEqualTo(401);
        } finally {
            first.destroy();
        }
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();

        Path out2 = dataDir.resolveSibling(dataDir.getFileName() + "-out2.log");
        String password =
                Files.readString(dataDir.resolve("initial-admin-password")).trim();
        Process second = start(port, out2, Map.of("GATEHOUSE_ADMIN_PASSWORD", "ignored-because-admin-exists"));
        try {
            awaitHealthy(port, second, out2);
            assertThat(Files.readString(out2)).doesNotContain(password).doesNotContain("generated password");
            assertThat(get(port, "/v2/", "admin", password).statusCode())
                    .as("the first password still works")
                    .isEqualTo(200);
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void badConfigurationStopsStartUpNamingTheSetting() throws Exception {
        Path out = dataDir.resolveSibling(dataDir.getFileName() + "-bad.log");
        Process p = new ProcessBuilder(
                        ROOT.resolve("gatehouse").toString(),
                        "serve",
                        "--listen",
                        "nowhere",
                        "--data-dir",
                        dataDir.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(out)).contains("server.listen").doesNotContain("Exception");
    }

    private Process start(int port, Path output, Map<String, String> env) throws IOException {
        var pb = new ProcessBuilder(
                        ROOT.resolve("gatehouse").toString(),
                        "serve",
                        "--listen",
                        "127.0.0.1:" + port,
                        "--data-dir",
                        dataDir.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().remove("GATEHOUSE_ADMIN_PASSWORD");
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void awaitHealthy(int port, Process process, Path output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("gatehouse exited: " + Files.readString(output));
            }
            try {
                if (get(port, "/healthz", null, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("gatehouse did not become healthy: " + Files.readString(output));
    }

    private static HttpResponse<String> get(int port, String path, String user, String password)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (user != null) {
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

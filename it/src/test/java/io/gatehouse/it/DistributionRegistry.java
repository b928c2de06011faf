package io.gatehouse.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The reference registry (CNCF distribution, Debian's {@code docker-registry} 2.8) as a child process on a free loopback
 * port, filesystem storage under a given directory, deletes enabled, optionally htpasswd (basic) authentication.
 * Set {@code -Dgatehouse.it.distribution.log=debug} to see every request in {@code <root>/registry.log}.
 */
final class DistributionRegistry implements AutoCloseable {

    static final String BINARY_ENV = "GATEHOUSE_DOCKER_REGISTRY";
    private static final String MISSING =
            "docker-registry (CNCF distribution, the reference registry) is not installed:"
                    + " no executable /usr/bin/docker-registry, docker-registry or registry on PATH, or " + BINARY_ENV
                    + " (apt-get install docker-registry).";

    /** Empty when the binary is installed; else the skip reason if skipping is allowed, else throws. */
    static Optional<String> skipReasonIfMissing() {
        return locate().isPresent() ? Optional.empty() : Optional.of(Skopeo.skipOrFail(MISSING));
    }

    private final Process process;
    private final String hostPort;
    private final Path log;

    private DistributionRegistry(Process process, String hostPort, Path log) {
        this.process = process;
        this.hostPort = hostPort;
        this.log = log;
    }

    /** Starts without authentication. */
    static DistributionRegistry start(Path root) {
        return start(root, null, null);
    }

    /** Starts with htpasswd authentication for one user when {@code username} is not null. */
    static DistributionRegistry start(Path root, String username, String password) {
        Path binary = locate().orElseThrow(() -> new AssertionError(MISSING));
        try {
            Files.createDirectories(root);
            String auth = "";
            if (username != null) {
                Path htpasswd = root.resolve("htpasswd");
                byte[] salt = new byte[16];
                new SecureRandom().nextBytes(salt);
                Files.writeString(
                        htpasswd,
                        username + ":" + OpenBSDBCrypt.generate("2a", password.toCharArray(), salt, 5) + "\n");
                auth = "auth:\n  htpasswd:\n    realm: gatehouse-it\n    path: " + htpasswd + "\n";
            }
            AssertionError lastFailure = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                int port = freePort();
                Path config = root.resolve("config.yml");
                Files.writeString(config, """
                        version: 0.1
                        log:
                          level: %s
                          accesslog:
                            disabled: false
                        storage:
                          filesystem:
                            rootdirectory: %s
                          delete:
                            enabled: true
                          maintenance:
                            uploadpurging:
                              enabled: false
                        http:
                          addr: 127.0.0.1:%d
                          secret: gatehouse-it-not-a-secret
                        health:
                          storagedriver:
                            enabled: false
                        %s""".formatted(
                        System.getProperty("gatehouse.it.distribution.log", "info"), root.resolve("data"), port, auth));
                Path log = root.resolve("registry.log");
                Process process = new ProcessBuilder(binary.toString(), "serve", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
                DistributionRegistry registry = new DistributionRegistry(process, "127.0.0.1:" + port, log);
                try {
                    registry.awaitReady(Duration.ofSeconds(20));
                    return registry;
                } catch (AssertionError e) {
                    registry.close();
                    lastFailure = e;
                }
            }
            throw lastFailure;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<Path> locate() {
        String override = System.getenv(BINARY_ENV);
        if (override != null && !override.isBlank()) {
            return Optional.of(Path.of(override)).filter(Files::isExecutable);
        }
        for (Path candidate : List.of(Path.of("/usr/bin/docker-registry"))) {
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Skopeo.onPath("docker-registry").or(() -> Skopeo.onPath("registry"));
    }

    String hostPort() {
        return hostPort;
    }

    Path log() {
        return log;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostPort + "/v2/"))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("docker-registry exited with " + process.exitValue() + ":\n" + logText());
                }
                try {
                    int status = client.send(request, HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    if (status == 200 || status == 401) {
                        return;
                    }
                } catch (ConnectException e) {
                    // not listening yet
                } catch (IOException e) {
                    // starting up
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("docker-registry not ready on " + hostPort + " after " + timeout + ":\n" + logText());
    }

    private String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        // A throwaway registry needs no graceful shutdown (SIGTERM makes it drain connections for seconds).
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

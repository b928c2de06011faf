package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.testing.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With a PEM certificate and key, Gatehouse serves HTTPS, and the token realm says https. Keys are made by
 * the real openssl in the formats operators have: PKCS#8, SEC1 EC (with its parameters block), PKCS#1 RSA.
 */
class TlsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"pkcs8-ec", "sec1-ec", "pkcs1-rsa"})
    void servesHttpsFromPemFiles(String keyKind) throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        switch (keyKind) {
            case "pkcs8-ec" ->
                openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
            case "sec1-ec" -> openssl("ecparam", "-genkey", "-name", "prime256v1", "-out", key.toString());
            default -> openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
        }
        openssl(
                "req",
                "-x509",
                "-new",
                "-key",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1");

        try (TestServer server = TestServer.start(
                dir.resolve("data"), Map.of("server.tls.cert", cert.toString(), "server.tls.key", key.toString()))) {
            assertThat(server.baseUri().getScheme()).isEqualTo("https");
            var response = clientTrusting(cert)
                    .send(
                            HttpRequest.newBuilder(URI.create(server.baseUri() + "/v2/"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("realm=\"https://127.0.0.1:");
        }
    }

    @Test
    void unreadableKeyStopsStartUpNamingTheSetting() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                dir.resolve("real.pem").toString(),
                "-out",
                cert.toString(),
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1");
        Files.writeString(key, "-----BEGIN CERTIFICATE-----\nnot a key\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TestServer.start(
                        dir.resolve("data"),
                        Map.of("server.tls.cert", cert.toString(), "server.tls.key", key.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.tls");
    }

    private static HttpClient clientTrusting(Path certFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certFile)) {
            trust.setCertificateEntry(
                    "gatehouse", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    private static void openssl(String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", args[0], output).isZero();
    }
}

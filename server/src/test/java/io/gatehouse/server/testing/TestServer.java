package io.gatehouse.server.testing;

import io.gatehouse.core.scan.ScanResults;
import io.gatehouse.server.FirstStart;
import io.gatehouse.server.GatehouseServer;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole Gatehouse server in the test JVM on an ephemeral loopback port, configured exactly as
 * {@code gatehouse serve} would be (same loader, same wiring), with a known admin password.
 */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "test-admin-password";

    private final GatehouseServer server;

    private TestServer(GatehouseServer server) {
        this.server = server;
    }

    /** Filesystem storage and embedded H2 under {@code dataDir}. */
    public static TestServer start(Path dataDir) throws Exception {
        return start(dataDir, Map.of());
    }

    /** @param settings extra settings as dotted paths (e.g. {@code storage.type=s3}), applied like flags */
    public static TestServer start(Path dataDir, Map<String, String> settings) throws Exception {
        return start(dataDir, settings, Clock.systemUTC());
    }

    /** @param clock what the server's services take as now (a {@link TestClock} to test expiry without sleeping) */
    public static TestServer start(Path dataDir, Map<String, String> settings, Clock clock) throws Exception {
        return start(dataDir, settings, config -> new GatehouseServer(config, clock));
    }

    /** @param scanResults the verdicts the pull policy reads instead of the scan pipeline's own */
    public static TestServer start(Path dataDir, Map<String, String> settings, Clock clock, ScanResults scanResults)
            throws Exception {
        return start(dataDir, settings, config -> new GatehouseServer(config, clock, scanResults));
    }

    private static TestServer start(
            Path dataDir,
            Map<String, String> settings,
            java.util.function.Function<GatehouseConfig, GatehouseServer> server)
            throws Exception {
        Map<String, String> flags = new HashMap<>(settings);
        flags.put("dataDir", dataDir.toString());
        flags.putIfAbsent("server.listen", "127.0.0.1:0");
        flags.putIfAbsent("server.shutdownTimeout", "5s");
        GatehouseConfig config = ConfigLoader.load(null, Map.of(), flags);
        var started = server.apply(config);
        try {
            FirstStart.ensureAdmin(started.metadata(), dataDir, ADMIN_PASSWORD);
            started.start();
        } catch (Exception e) {
            started.close();
            throw e;
        }
        return new TestServer(started);
    }

    public URI baseUri() {
        return server.baseUri();
    }

    /** {@code 127.0.0.1:PORT}, as registry clients name a registry. */
    public String hostPort() {
        return baseUri().getAuthority();
    }

    public GatehouseServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}

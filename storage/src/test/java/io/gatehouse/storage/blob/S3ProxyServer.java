package io.gatehouse.storage.blob;

import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An in-memory S3 server (S3Proxy over its "transient" store) in this JVM, on an ephemeral port of
 * 127.0.0.1, with AWS v4 signatures and fixed test credentials and one empty bucket. For any module's tests:
 *
 * <pre>
 * try (var s3 = S3ProxyServer.start()) {
 *   var store = S3BlobStore.create(s3.settings("test/"));
 * }
 * </pre>
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "gatehouse-test-access-key";
    public static final String SECRET_KEY = "gatehouse-test-secret-key";
    public static final String REGION = "us-east-1";
    public static final String BUCKET = "gatehouse-test";

    private final S3Proxy proxy;
    private final BlobStore backend;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, BlobStore backend, URI endpoint) {
        this.proxy = proxy;
        this.backend = backend;
        this.endpoint = endpoint;
    }

    /** Starts a server with an empty bucket {@link #BUCKET}; it is ready when this returns. */
    public static S3ProxyServer start() {
        BlobStore backend = BlobStores.create("transient", new Properties());
        backend.createContainer(BUCKET);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(backend)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            backend.close();
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        if (!"STARTED".equals(proxy.getState())) {
            throw new IllegalStateException("S3Proxy is " + proxy.getState() + " after start");
        }
        return new S3ProxyServer(proxy, backend, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    public URI endpoint() {
        return endpoint;
    }

    public String region() {
        return REGION;
    }

    public String bucket() {
        return BUCKET;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    /** Settings for an {@link S3BlobStore} on this server, keys under {@code prefix}. */
    public S3Settings settings(String prefix) {
        return new S3Settings(endpoint, REGION, BUCKET, prefix, ACCESS_KEY, SECRET_KEY, true);
    }

    /** A plain client for this server (to look at the bucket from outside a store); the caller closes it. */
    public S3Client newClient() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        } finally {
            backend.close();
        }
    }
}

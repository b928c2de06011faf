package io.gatehouse.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.store.BlobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

class S3BlobStoreTest extends BlobStoreContract {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static S3ProxyServer server;
    private final List<S3BlobStore> opened = new ArrayList<>();
    private String prefix;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(S3BlobStore::close);
    }

    /** Each test gets its own key prefix in the one bucket, so tests cannot see each other's objects. */
    @Override
    protected BlobStore store() {
        prefix = "test-" + PREFIXES.incrementAndGet() + "/";
        var store = S3BlobStore.create(server.settings(prefix));
        opened.add(store);
        return store;
    }

    @Test
    void layoutIsTheDocumentedOne() {
        BlobStore store = store();
        byte[] first = bytes(1000, 40);
        byte[] second = bytes(500, 41);
        String id = upload(store, first);
        store.append(id, first.length, new java.io.ByteArrayInputStream(second), second.length);

        assertThat(keys())
                .containsExactly(
                        prefix + "uploads/" + id + "/0000000000",
                        prefix + "uploads/" + id + "/0000000001",
                        prefix + "uploads/" + id + "/0000000002");

        byte[] content = new byte[first.length + second.length];
        System.arraycopy(first, 0, content, 0, first.length);
        System.arraycopy(second, 0, content, first.length, second.length);
        Digest digest = Digest.sha256(content);
        store.commit(id, digest, content.length);

        assertThat(keys()).containsExactly(prefix + "blobs/sha256/" + digest.hex());
    }

    @Test
    void settingsNeverShowTheSecret() {
        S3Settings settings = server.settings("p/");

        assertThat(settings.toString()).doesNotContain(S3ProxyServer.SECRET_KEY).contains(S3ProxyServer.ACCESS_KEY);
    }

    @Test
    void aPrefixWithoutSlashGetsOne() {
        try (S3Client client = server.newClient()) {
            var store = new S3BlobStore(client, server.bucket(), "bare-" + PREFIXES.incrementAndGet());
            byte[] content = bytes(100, 42);
            Digest digest = commitBlob(store, content);
            assertThat(client.listObjectsV2(b -> b.bucket(server.bucket()).prefix("bare-"))
                            .contents())
                    .extracting(S3Object::key)
                    .allSatisfy(k -> assertThat(k).matches("bare-[0-9]+/blobs/sha256/" + digest.hex()));
        }
    }

    private List<String> keys() {
        try (S3Client client = server.newClient()) {
            return client.listObjectsV2Paginator(b -> b.bucket(server.bucket()).prefix(prefix)).contents().stream()
                    .map(S3Object::key)
                    .toList();
        }
    }
}

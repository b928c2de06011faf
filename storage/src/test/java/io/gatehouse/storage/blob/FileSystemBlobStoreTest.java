package io.gatehouse.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path dir;

    private Path root;

    @Override
    protected BlobStore store() {
        root = dir.resolve("store");
        return new FileSystemBlobStore(root);
    }

    @Test
    void layoutIsTheDocumentedOne() throws IOException {
        BlobStore store = store();
        byte[] content = bytes(1000, 30);
        String id = upload(store, content);
        assertThat(root.resolve("uploads").resolve(id).resolve("data")).hasBinaryContent(content);

        Digest digest = Digest.sha256(content);
        store.commit(id, digest, content.length);

        assertThat(root.resolve("blobs/sha256")
                        .resolve(digest.hex().substring(0, 2))
                        .resolve(digest.hex()))
                .hasBinaryContent(content);
        try (Stream<Path> left = Files.list(root.resolve("uploads"))) {
            assertThat(left).as("nothing staged is left after commit").isEmpty();
        }
    }

    @Test
    void uploadIdsCannotReachOutsideTheRoot() throws IOException {
        BlobStore store = store();

        for (String id : new String[] {"../escape", "../../escape", "../blobs"}) {
            assertThatThrownBy(() -> store.createUpload(id)).isInstanceOf(NotFound.class);
            assertThatThrownBy(() -> store.append(id, 0, new ByteArrayInputStream(new byte[1]), 1))
                    .isInstanceOf(NotFound.class);
        }

        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
        assertThat(dir.resolve("escape")).doesNotExist();
    }

    @Test
    void aStoreOpensExistingBlobsAgain() throws IOException {
        byte[] content = bytes(1000, 31);
        Digest digest = commitBlob(store(), content);

        BlobStore reopened = new FileSystemBlobStore(root);

        assertThat(reopened.stat(digest)).hasValue(content.length);
        assertThat(readAll(reopened.read(digest, 0, -1))).isEqualTo(content);
    }

    @Test
    void readsAreAlsoChannelsThatHonourTheRange() throws IOException {
        BlobStore store =
                new InstrumentedBlobStore(store(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        byte[] content = bytes(700_000, 31);
        Digest digest = commitBlob(store, content);
        try (var in = store.read(digest, 100, 600_000)) {
            assertThat(in).isInstanceOf(java.nio.channels.ReadableByteChannel.class);
            var channel = (java.nio.channels.ReadableByteChannel) in;
            var out = new java.io.ByteArrayOutputStream();
            var buffer = java.nio.ByteBuffer.allocateDirect(64 * 1024);
            for (int n; (n = channel.read(buffer.clear())) >= 0; ) {
                byte[] chunk = new byte[n];
                buffer.flip().get(chunk);
                out.write(chunk);
            }
            assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(content, 100, 600_100));
        }
    }
}

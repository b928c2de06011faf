package io.gatehouse.scan.pipeline;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.store.BlobStore;
import io.gatehouse.scan.sbom.LayerSource;
import java.io.InputStream;

/** A layer read from the blob store, streamed when the extractor opens it. */
record BlobLayer(BlobStore blobs, Digest blob, String mediaType) implements LayerSource {
    @Override
    public String digest() {
        return blob.toString();
    }

    @Override
    public InputStream open() {
        return blobs.read(blob, 0, -1);
    }
}

package io.gatehouse.core.store;

import io.gatehouse.core.model.Digest;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * Content-addressable bytes: committed blobs keyed by digest, plus a staging area for uploads in progress.
 * Staged bytes are invisible until {@link #commit} moves them into place atomically, which the caller does
 * only after verifying their digest. Implementations are named for their mechanism (filesystem, S3).
 */
public interface BlobStore {

    /** The size of a committed blob, or empty if it is not stored. */
    OptionalLong stat(Digest digest);

    /**
     * Opens a committed blob for reading from {@code offset}, at most {@code length} bytes ({@code -1}: to the end).
     * A stream that is also a {@link java.nio.channels.ReadableByteChannel} lets the HTTP layer move bytes to the
     * socket through direct buffers, without copying them through the heap.
     *
     * @throws io.gatehouse.core.error.NotFound if the blob is not stored
     */
    InputStream read(Digest digest, long offset, long length);

    /** Creates an empty staged upload. */
    void createUpload(String uploadId);

    /**
     * Appends to a staged upload that currently holds exactly {@code offset} bytes; {@code length} is the
     * number of bytes the stream will give, or -1 if unknown. Returns the upload's new size. The bytes are
     * durable only after {@link #commit}.
     *
     * @throws io.gatehouse.core.error.Invalid UPLOAD_RANGE if the upload does not hold {@code offset} bytes
     * @throws io.gatehouse.core.error.NotFound UPLOAD if there is no such upload
     */
    long append(String uploadId, long offset, InputStream data, long length);

    /** Reads the staged bytes from the start (used to re-hash an upload whose hash state was lost). */
    InputStream readUpload(String uploadId);

    /**
     * Makes a staged upload the committed blob {@code digest} (verified by the caller), durably and atomically:
     * readers see the whole blob or nothing. Committing content that is already stored just drops the upload.
     */
    void commit(String uploadId, Digest digest, long size);

    /** Discards a staged upload; missing uploads are ignored. */
    void cancelUpload(String uploadId);

    /** Removes a committed blob; missing blobs are ignored. */
    void delete(Digest digest);
}

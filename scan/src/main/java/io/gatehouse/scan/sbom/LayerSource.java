package io.gatehouse.scan.sbom;

import java.io.IOException;
import java.io.InputStream;

/**
 * One layer of an image, opened on demand (from the blob store, an OCI layout or an image tarball).
 *
 * @see SbomExtraction
 */
public interface LayerSource {
    /** {@code sha256:...} */
    String digest();

    /** The descriptor's media type; compression is still detected from the bytes. */
    String mediaType();

    /** A fresh stream of the layer's stored (possibly compressed) bytes; the caller closes it. */
    InputStream open() throws IOException;
}

package io.gatehouse.scan.sbom;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one kind of file out of a layer, as the layer streams past: the layer walker offers each regular file
 * to every analyzer that {@link #wants} it and hands it a stream bounded to that entry. Analyzers never see a
 * whole layer and must not buffer more than {@link ExtractionLimits#maxFileBytes()} of a file. Implementations
 * are stateless and thread-safe.
 */
public interface FileAnalyzer {

    /**
     * @param path the absolute, normalised path inside the image ({@code /var/lib/dpkg/status})
     * @param size the entry's size in bytes
     * @param executable whether any execute bit is set (Go binaries)
     */
    boolean wants(String path, long size, boolean executable);

    /**
     * Analyzes one file. Packages it returns carry {@code path} and {@code layer}; OS packages may leave the
     * ecosystem empty for the walker to fill from {@code os-release}.
     *
     * @param content the entry's bytes, bounded to the entry; the analyzer need not close it
     */
    FileFacts analyze(String path, String layer, InputStream content, ExtractionLimits limits) throws IOException;
}

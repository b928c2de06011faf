package io.gatehouse.scan.layer;

import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.utils.IOUtils;

/**
 * commons-compress's tar reader, with its headers bounded: it buffers GNU long names, PAX records and sparse
 * maps whole and follows chained headers recursively, so a crafted header could exhaust the heap or the stack.
 * Here the bytes read while parsing one entry's headers count against {@link LayerBudget#MAX_HEADER_BYTES}, and
 * chained header records against {@link #MAX_HEADER_RECORDS}.
 */
final class BoundedTarInputStream extends TarArchiveInputStream {
    /** PAX + GNU long name + long link + the header is 4; old GNU sparse maps add one per 21 regions. */
    static final int MAX_HEADER_RECORDS = 256;

    private final LayerBudget budget;
    private int headerRecords;
    private int depth;

    BoundedTarInputStream(InputStream tar, LayerBudget budget) {
        super(tar);
        this.budget = budget;
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        if (depth > 0) return super.getNextEntry(); // the reader following a PAX or long-name header
        // The rest of the current entry is data, not header: skip it before the header budget starts.
        if (getCurrentEntry() != null) IOUtils.skip(this, Long.MAX_VALUE);
        budget.beginHeaders();
        headerRecords = 0;
        depth++;
        try {
            return super.getNextEntry();
        } finally {
            depth--;
            budget.endHeaders();
        }
    }

    @Override
    protected byte[] readRecord() throws IOException {
        if (++headerRecords > MAX_HEADER_RECORDS) {
            throw budget.fail(new LayerLimitExceededException(
                    "maxPathLength",
                    false,
                    "a tar entry in layer " + budget.layer() + " chains more than " + MAX_HEADER_RECORDS
                            + " header records"));
        }
        return super.readRecord();
    }
}

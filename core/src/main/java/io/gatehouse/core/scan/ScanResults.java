package io.gatehouse.core.scan;

import io.gatehouse.core.model.Digest;
import java.util.Optional;

/** The latest scan verdict of each artifact, for the pull gate and the API. Implemented by the scan pipeline. */
public interface ScanResults {

    /**
     * The latest complete-or-failed verdict of a manifest (for an index: aggregated over its platforms); empty
     * when it was never scanned. A re-scan in progress does not hide the previous verdict.
     */
    Optional<ScanSummary> latest(Digest manifest);
}

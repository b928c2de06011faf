package io.gatehouse.scan.advisory;

import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.scan.sbom.DetectedPackage;
import java.util.List;

/**
 * The advisory database as the matcher sees it: an immutable in-memory snapshot, looked up by ecosystem and
 * package name, so re-matching thousands of stored SBOMs never touches the database or a layer.
 */
public interface AdvisoryIndex {

    /**
     * The advisories affecting one package, as findings carrying the package's purl, path and layer. A version
     * the ecosystem's scheme cannot order yields findings with certainty UNKNOWN for every advisory naming the
     * package, never an empty list.
     */
    List<VulnerabilityFinding> findingsFor(DetectedPackage pkg);

    /** Identifies this snapshot (changes whenever an import changed anything), for reports. */
    String version();
}

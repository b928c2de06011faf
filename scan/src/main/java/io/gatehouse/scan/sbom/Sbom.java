package io.gatehouse.scan.sbom;

import java.util.List;
import java.util.Optional;

/**
 * What was found in one image (one platform), after whiteouts and opaque directories were applied in layer
 * order: its distribution, its packages and any content findings.
 */
public record Sbom(Optional<OsRelease> os, List<DetectedPackage> packages, List<ContentFinding> findings) {
    public Sbom {
        os = os == null ? Optional.empty() : os;
        packages = List.copyOf(packages);
        findings = List.copyOf(findings);
    }
}

package io.gatehouse.scan.sbom;

import java.util.List;
import java.util.Optional;

/** What an extractor learned from one file: packages, content findings, or the distribution. */
public record FileFacts(List<DetectedPackage> packages, List<ContentFinding> findings, Optional<OsRelease> os) {
    public static final FileFacts NONE = new FileFacts(List.of(), List.of(), Optional.empty());

    public FileFacts {
        packages = List.copyOf(packages);
        findings = List.copyOf(findings);
        os = os == null ? Optional.empty() : os;
    }

    public static FileFacts packages(List<DetectedPackage> packages) {
        return new FileFacts(packages, List.of(), Optional.empty());
    }

    public static FileFacts findings(List<ContentFinding> findings) {
        return new FileFacts(List.of(), findings, Optional.empty());
    }
}

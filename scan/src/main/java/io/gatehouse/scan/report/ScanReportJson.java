package io.gatehouse.scan.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.scan.VulnerabilityFinding.Certainty;
import io.gatehouse.scan.report.wire.ScanReportWireJson;
import io.gatehouse.scan.report.wire.ScanReportWireJson.DatabaseJson;
import io.gatehouse.scan.report.wire.ScanReportWireJson.FindingJson;
import io.gatehouse.scan.report.wire.ScanReportWireJson.OsJson;
import io.gatehouse.scan.report.wire.ScanReportWireJson.PackageJson;
import io.gatehouse.scan.sbom.DetectedPackage;
import io.gatehouse.scan.sbom.OsRelease;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The codec between {@link ScanReport} and its JSON ({@link ScanReportWireJson}): what the store keeps, the API
 * returns and {@code gatehouse scan report --json} prints. Decoding what it encoded gives an equal report.
 */
public final class ScanReportJson {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);
    private static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

    private ScanReportJson() {}

    public static byte[] encode(ScanReport report) {
        try {
            return MAPPER.writeValueAsBytes(toWire(report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a scan report did not serialise", e);
        }
    }

    /** Indented, for people (the CLI). */
    public static String encodePretty(ScanReport report) {
        try {
            return PRETTY.writeValueAsString(toWire(report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a scan report did not serialise", e);
        }
    }

    /** @throws IllegalArgumentException if the bytes are not a scan report */
    public static ScanReport decode(byte[] json) {
        try {
            return fromWire(MAPPER.readValue(json, ScanReportWireJson.class));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a scan report: " + e.getMessage(), e);
        }
    }

    /** One package alone, as the store's package index keeps it. */
    public static String encodePackage(DetectedPackage p) {
        try {
            return MAPPER.writeValueAsString(toWire(p));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a package did not serialise", e);
        }
    }

    /** @throws IllegalArgumentException if the text is not a package */
    public static DetectedPackage decodePackage(String json) {
        try {
            return fromWire(MAPPER.readValue(json, PackageJson.class));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a package: " + e.getMessage(), e);
        }
    }

    public static ScanReportWireJson toWire(ScanReport r) {
        return new ScanReportWireJson(
                r.artifact().toString(),
                lower(r.status()),
                r.scannedAt() == null ? null : r.scannedAt().toString(),
                r.database() == null
                        ? null
                        : new DatabaseJson(
                                r.database().version(),
                                r.database().importedAt() == null
                                        ? null
                                        : r.database().importedAt().toString(),
                                r.database().advisories()),
                r.platform(),
                r.os().map(o -> new OsJson(o.id(), o.versionId(), o.prettyName()))
                        .orElse(null),
                r.packages().stream().map(ScanReportJson::toWire).toList(),
                r.findings().stream().map(ScanReportJson::toWire).toList(),
                r.children().stream().map(ScanReportJson::toWire).toList(),
                r.error());
    }

    private static PackageJson toWire(DetectedPackage p) {
        return new PackageJson(
                p.type(),
                p.name(),
                p.version(),
                p.sourceName(),
                p.sourceVersion(),
                p.ecosystem(),
                p.purl(),
                p.path(),
                p.layer());
    }

    private static FindingJson toWire(VulnerabilityFinding f) {
        return new FindingJson(
                f.id(),
                f.aliases(),
                f.packageName(),
                f.version(),
                f.ecosystem(),
                f.severity().label(),
                f.fixedVersions(),
                f.purl(),
                f.path(),
                f.layer(),
                lower(f.certainty()),
                f.summary());
    }

    public static ScanReport fromWire(ScanReportWireJson w) {
        return new ScanReport(
                Digest.parse(w.artifact()),
                w.platform(),
                ScanStatus.valueOf(upper(w.status())),
                instant(w.scannedAt()),
                w.database() == null
                        ? null
                        : new ScanReport.DatabaseInfo(
                                w.database().version(),
                                instant(w.database().importedAt()),
                                w.database().advisories()),
                Optional.ofNullable(w.os()).map(o -> new OsRelease(o.id(), o.versionId(), o.prettyName())),
                list(w.packages()).stream().map(ScanReportJson::fromWire).toList(),
                list(w.findings()).stream()
                        .map(f -> new VulnerabilityFinding(
                                f.id(),
                                f.aliases(),
                                f.packageName(),
                                f.version(),
                                f.ecosystem(),
                                Severity.parse(f.severity()).orElse(Severity.UNKNOWN),
                                f.fixedVersions(),
                                f.purl(),
                                f.path(),
                                f.layer(),
                                f.certainty() == null ? Certainty.AFFECTED : Certainty.valueOf(upper(f.certainty())),
                                f.summary()))
                        .toList(),
                list(w.children()).stream().map(ScanReportJson::fromWire).toList(),
                w.error());
    }

    private static DetectedPackage fromWire(PackageJson p) {
        return new DetectedPackage(
                p.type(),
                p.name(),
                p.version(),
                p.sourceName(),
                p.sourceVersion(),
                p.ecosystem(),
                p.purl(),
                p.layer(),
                p.path());
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    private static Instant instant(String s) {
        return s == null || s.isEmpty() ? null : Instant.parse(s);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}

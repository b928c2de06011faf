package io.gatehouse.scan.report.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A scan report as JSON, the shape {@code gatehouse scan report --json} prints and the API returns:
 * {@code {"artifact", "status", "scannedAt", "database", "packages", "findings", "platform", "os", "children",
 * "error"}}. Enum values are lower case ({@code complete}, {@code critical}, {@code affected}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
    "artifact",
    "status",
    "scannedAt",
    "database",
    "platform",
    "os",
    "packages",
    "findings",
    "children",
    "error"
})
public record ScanReportWireJson(
        String artifact,
        String status,
        @JsonInclude(JsonInclude.Include.NON_NULL) String scannedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) DatabaseJson database,
        String platform,
        @JsonInclude(JsonInclude.Include.NON_NULL) OsJson os,
        List<PackageJson> packages,
        List<FindingJson> findings,
        List<ScanReportWireJson> children,
        String error) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DatabaseJson(String version, String importedAt, long advisories) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OsJson(String id, String versionId, String prettyName) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"type", "name", "version", "sourceName", "sourceVersion", "ecosystem", "purl", "path", "layer"})
    public record PackageJson(
            String type,
            String name,
            String version,
            String sourceName,
            String sourceVersion,
            String ecosystem,
            String purl,
            String path,
            String layer) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({
        "id",
        "aliases",
        "package",
        "version",
        "ecosystem",
        "severity",
        "fixedVersions",
        "purl",
        "path",
        "layer",
        "certainty",
        "summary"
    })
    public record FindingJson(
            String id,
            List<String> aliases,
            @JsonProperty("package") String packageName,
            String version,
            String ecosystem,
            String severity,
            List<String> fixedVersions,
            String purl,
            String path,
            String layer,
            String certainty,
            String summary) {}
}

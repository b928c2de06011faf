package io.gatehouse.scan.advisory.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** An OSV record as JSON (https://ossf.github.io/osv-schema/); only the fields Gatehouse reads. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OsvRecordJson(
        String id,
        String modified,
        String published,
        String withdrawn,
        List<String> aliases,
        String summary,
        List<SeverityJson> severity,
        List<AffectedJson> affected,
        @JsonProperty("database_specific") JsonNode databaseSpecific) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SeverityJson(String type, String score) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PackageJson(String ecosystem, String name, String purl) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AffectedJson(
            @JsonProperty("package") PackageJson pkg,
            List<SeverityJson> severity,
            List<RangeJson> ranges,
            List<String> versions,
            @JsonProperty("ecosystem_specific") JsonNode ecosystemSpecific,
            @JsonProperty("database_specific") JsonNode databaseSpecific) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RangeJson(String type, List<EventJson> events) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EventJson(
            String introduced,
            String fixed,
            @JsonProperty("last_affected") String lastAffected,
            String limit) {}
}

package io.gatehouse.scan.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.scan.VulnerabilityFinding.Certainty;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scan report as SARIF 2.1.0: one run whose tool is Gatehouse, one rule per advisory (or content finding) id,
 * one result per finding located at the file inside the image where the package was found.
 *
 * <p>Severities map to SARIF levels (critical and high: error, medium: warning, low and unknown: note) and to the
 * {@code security-severity} rule property code scanning dashboards bucket by; since a finding carries the
 * normalised severity, not the CVSS score, the property is the lower bound of the severity's CVSS band.
 */
public final class SarifReport {
    public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    static final String INFORMATION_URI = "https://github.com/gatehouse-registry/gatehouse";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SarifReport() {}

    public static void write(ScanReport report, OutputStream out) throws IOException {
        JSON.writer()
                .without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValue(out, of(report));
    }

    static ObjectNode of(ScanReport report) {
        var findings = ReportFindings.of(report);
        Map<String, Integer> ruleIndex = new LinkedHashMap<>();
        ArrayNode rules = JSON.createArrayNode();
        ArrayNode results = JSON.createArrayNode();
        for (ReportFindings entry : findings) {
            VulnerabilityFinding f = entry.finding();
            Integer index = ruleIndex.get(f.id());
            if (index == null) {
                index = rules.size();
                ruleIndex.put(f.id(), index);
                rules.add(rule(f));
            }
            results.add(result(entry, index));
        }
        ObjectNode driver = JSON.createObjectNode()
                .put("name", "Gatehouse")
                .put("version", ReportFormat.toolVersion())
                .put("informationUri", INFORMATION_URI);
        driver.set("rules", rules);
        ObjectNode run = JSON.createObjectNode();
        run.putObject("tool").set("driver", driver);
        run.set("results", results);
        ObjectNode properties = run.putObject("properties")
                .put("artifact", report.artifact().toString())
                .put("status", report.status().name());
        if (report.database() != null)
            properties.put("advisoryDatabase", report.database().version());
        ObjectNode root = JSON.createObjectNode().put("$schema", SCHEMA).put("version", "2.1.0");
        root.putArray("runs").add(run);
        return root;
    }

    private static ObjectNode rule(VulnerabilityFinding f) {
        ObjectNode rule = JSON.createObjectNode().put("id", f.id());
        String summary = f.summary() == null || f.summary().isBlank() ? f.id() : f.summary();
        rule.putObject("shortDescription").put("text", summary);
        if (!f.id().startsWith("GATEHOUSE-")) {
            rule.put("helpUri", "https://osv.dev/vulnerability/" + f.id());
        }
        rule.putObject("defaultConfiguration").put("level", level(f.severity()));
        ObjectNode props = rule.putObject("properties");
        securitySeverity(f.severity()).ifPresent(s -> props.put("security-severity", s));
        ArrayNode tags = props.putArray("tags")
                .add("security")
                .add("vulnerability")
                .add(f.severity().label());
        f.aliases().forEach(tags::add);
        return rule;
    }

    private static ObjectNode result(ReportFindings entry, int ruleIndex) {
        VulnerabilityFinding f = entry.finding();
        ObjectNode result = JSON.createObjectNode()
                .put("ruleId", f.id())
                .put("ruleIndex", ruleIndex)
                .put("level", level(f.severity()));
        result.putObject("message").put("text", message(f));
        ArrayNode locations = result.putArray("locations");
        ObjectNode location = locations.addObject();
        if (f.path() != null && !f.path().isEmpty()) {
            location.putObject("physicalLocation").putObject("artifactLocation").put("uri", uri(f.path()));
        }
        if (f.layer() != null && !f.layer().isEmpty()) {
            location.putArray("logicalLocations")
                    .addObject()
                    .put("name", f.layer())
                    .put("kind", "module");
        }
        if (location.isEmpty()) result.remove("locations");
        // Stable across runs, so dashboards track one result per (advisory, package, file) instead of new ones.
        result.putObject("partialFingerprints")
                .put(
                        "gatehouseFinding/v1",
                        String.join("|", f.id(), nz(f.packageName()), nz(f.version()), nz(f.path())));
        ObjectNode props = result.putObject("properties")
                .put("severity", f.severity().label())
                .put("certainty", f.certainty().name().toLowerCase(java.util.Locale.ROOT));
        putIfPresent(props, "package", f.packageName());
        putIfPresent(props, "version", f.version());
        putIfPresent(props, "ecosystem", f.ecosystem());
        putIfPresent(props, "purl", f.purl());
        putIfPresent(props, "layer", f.layer());
        putIfPresent(props, "platform", entry.platform());
        if (!f.fixedVersions().isEmpty()) {
            ArrayNode fixed = props.putArray("fixedVersions");
            f.fixedVersions().forEach(fixed::add);
        }
        return result;
    }

    static String message(VulnerabilityFinding f) {
        var text = new StringBuilder();
        if (f.packageName() != null && !f.packageName().isEmpty()) {
            text.append(f.packageName());
            if (f.version() != null && !f.version().isEmpty()) text.append(' ').append(f.version());
            text.append(f.certainty() == Certainty.UNKNOWN ? " may be affected by " : " is affected by ");
        }
        text.append(f.id()).append(" (").append(f.severity().label()).append(')');
        if (f.certainty() == Certainty.UNKNOWN) text.append("; its version could not be ordered, so check it by hand");
        if (!f.fixedVersions().isEmpty()) text.append("; fixed in ").append(String.join(", ", f.fixedVersions()));
        if (f.summary() != null && !f.summary().isBlank()) text.append(": ").append(f.summary());
        return text.toString();
    }

    static String level(Severity severity) {
        return switch (severity) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW, UNKNOWN -> "note";
        };
    }

    /** The lower bound of the CVSS band of the severity; none for UNKNOWN. */
    static java.util.Optional<String> securitySeverity(Severity severity) {
        return switch (severity) {
            case CRITICAL -> java.util.Optional.of("9.0");
            case HIGH -> java.util.Optional.of("7.0");
            case MEDIUM -> java.util.Optional.of("4.0");
            case LOW -> java.util.Optional.of("0.1");
            case UNKNOWN -> java.util.Optional.empty();
        };
    }

    /** A path inside the image as a relative URI reference ({@code usr/lib/app.jar!/BOOT-INF/lib/x.jar}). */
    static String uri(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        try {
            return new URI(null, null, relative, null).toASCIIString();
        } catch (URISyntaxException e) {
            return relative.replaceAll("[^A-Za-z0-9._~/!$&'()*+,;=:@-]", "_");
        }
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null && !value.isEmpty()) node.put(name, value);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

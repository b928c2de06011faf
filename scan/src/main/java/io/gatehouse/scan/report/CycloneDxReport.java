package io.gatehouse.scan.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.scan.VulnerabilityFinding;
import io.gatehouse.core.scan.VulnerabilityFinding.Certainty;
import io.gatehouse.scan.sbom.DetectedPackage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A scan report as a CycloneDX 1.6 JSON BOM: the image as the metadata component, one component per package
 * (bom-ref and purl), and with {@code vex} the findings as vulnerabilities whose {@code affects} point at the
 * components. A finding of certainty UNKNOWN (version not orderable) is {@code analysis.state: in_triage}, an
 * affected one {@code exploitable}. Content findings (a dangerous pickle) affect a {@code file} component.
 *
 * <p>Output is deterministic for a given report (serial number derived from its content), so the same packages
 * give the same bytes.
 */
public final class CycloneDxReport {
    public static final String MEDIA_TYPE = "application/vnd.cyclonedx+json";
    public static final String SPEC_VERSION = "1.6";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CycloneDxReport() {}

    /** Writes the BOM; {@code vex} adds the findings as vulnerabilities. Does not close {@code out}. */
    public static void write(ScanReport report, boolean vex, OutputStream out) throws IOException {
        JSON.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, of(report, vex));
    }

    /** The BOM's bytes. */
    public static byte[] bytes(ScanReport report, boolean vex) {
        var out = new ByteArrayOutputStream();
        try {
            write(report, vex, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static ObjectNode of(ScanReport report, boolean vex) {
        Map<String, ObjectNode> components = new LinkedHashMap<>();
        Map<String, String> refByLocation = new HashMap<>();
        for (DetectedPackage p : report.packages()) {
            components.putIfAbsent(bomRef(p), component(p));
            refByLocation.putIfAbsent(location(p.purl(), p.layer(), p.path()), bomRef(p));
        }
        ArrayNode vulnerabilities = JSON.createArrayNode();
        if (vex) {
            Map<String, ObjectNode> byKey = new LinkedHashMap<>();
            for (ReportFindings entry : ReportFindings.of(report)) {
                VulnerabilityFinding f = entry.finding();
                String ref = affectedRef(f, refByLocation, components);
                String key = f.id() + (f.certainty() == Certainty.UNKNOWN ? "#in-triage" : "");
                ObjectNode v = byKey.computeIfAbsent(key, k -> vulnerability(k, f));
                if (ref != null) addAffect((ArrayNode) v.get("affects"), ref, f);
            }
            byKey.values().forEach(vulnerabilities::add);
        }

        ObjectNode bom = JSON.createObjectNode()
                .put("bomFormat", "CycloneDX")
                .put("specVersion", SPEC_VERSION)
                .put("serialNumber", "urn:uuid:" + serial(report, vex))
                .put("version", 1);
        ObjectNode metadata = bom.putObject("metadata");
        if (report.scannedAt() != null)
            metadata.put("timestamp", report.scannedAt().toString());
        metadata.putObject("tools")
                .putArray("components")
                .addObject()
                .put("type", "application")
                .put("name", "Gatehouse")
                .put("version", ReportFormat.toolVersion());
        ObjectNode image = metadata.putObject("component")
                .put("type", "container")
                .put("bom-ref", report.artifact().toString())
                .put("name", report.artifact().toString());
        if (!report.platform().isEmpty()) {
            image.putArray("properties")
                    .addObject()
                    .put("name", "gatehouse:platform")
                    .put("value", report.platform());
        }
        ArrayNode list = bom.putArray("components");
        report.os()
                .ifPresent(os -> list.addObject()
                        .put("type", "operating-system")
                        .put("bom-ref", "os:" + os.id() + "@" + os.versionId())
                        .put("name", os.id())
                        .put("version", os.versionId())
                        .put("description", os.prettyName() == null ? "" : os.prettyName()));
        components.values().forEach(list::add);
        if (vex) bom.set("vulnerabilities", vulnerabilities);
        return bom;
    }

    /** The bom-ref of a package: its purl, else type/name@version; path and layer tell copies apart. */
    static String bomRef(DetectedPackage p) {
        String id = p.purl().isEmpty() ? p.type() + "/" + p.name() + "@" + p.version() : p.purl();
        return id + "#" + p.layer() + ":" + p.path();
    }

    private static ObjectNode component(DetectedPackage p) {
        ObjectNode c = JSON.createObjectNode()
                .put("type", "library")
                .put("bom-ref", bomRef(p))
                .put("name", p.name())
                .put("version", p.version());
        if (!p.purl().isEmpty()) c.put("purl", p.purl());
        ArrayNode props = c.putArray("properties");
        property(props, "gatehouse:ecosystem", p.ecosystem());
        if (!p.sourceName().equals(p.name()) || !p.sourceVersion().equals(p.version())) {
            property(props, "gatehouse:source", p.sourceName() + " " + p.sourceVersion());
        }
        property(props, "gatehouse:layer", p.layer());
        property(props, "gatehouse:path", p.path());
        if (props.isEmpty()) c.remove("properties");
        return c;
    }

    /** The component a finding affects: a package matched by purl, layer and path; a file for content findings. */
    private static String affectedRef(
            VulnerabilityFinding f, Map<String, String> refByLocation, Map<String, ObjectNode> components) {
        String pkg = refByLocation.get(location(f.purl(), f.layer(), f.path()));
        if (pkg != null) return pkg;
        if (f.path() == null || f.path().isEmpty()) return null;
        String ref = "file:" + nz(f.layer()) + ":" + f.path();
        components.computeIfAbsent(ref, r -> {
            ObjectNode file = JSON.createObjectNode()
                    .put("type", "file")
                    .put("bom-ref", r)
                    .put("name", f.path());
            property(file.putArray("properties"), "gatehouse:layer", nz(f.layer()));
            return file;
        });
        return ref;
    }

    private static ObjectNode vulnerability(String bomRef, VulnerabilityFinding f) {
        ObjectNode v = JSON.createObjectNode().put("bom-ref", bomRef).put("id", f.id());
        boolean own = f.id().startsWith("GATEHOUSE-");
        ObjectNode source = v.putObject("source").put("name", own ? "Gatehouse" : "OSV");
        if (!own) source.put("url", "https://osv.dev/vulnerability/" + f.id());
        if (!f.aliases().isEmpty()) {
            ArrayNode refs = v.putArray("references");
            f.aliases()
                    .forEach(alias -> refs.addObject()
                            .put("id", alias)
                            .putObject("source")
                            .put("name", alias.startsWith("CVE-") ? "NVD" : "OSV"));
        }
        v.putArray("ratings").addObject().put("severity", f.severity().label());
        if (f.summary() != null && !f.summary().isBlank()) v.put("description", f.summary());
        if (!f.fixedVersions().isEmpty())
            v.put("recommendation", "Upgrade to " + String.join(" or ", f.fixedVersions()));
        ObjectNode analysis = v.putObject("analysis");
        if (f.certainty() == Certainty.UNKNOWN) {
            analysis.put("state", "in_triage")
                    .put("detail", "the installed version could not be ordered in its ecosystem's scheme");
        } else {
            analysis.put("state", "exploitable");
        }
        v.putArray("affects");
        return v;
    }

    private static void addAffect(ArrayNode affects, String ref, VulnerabilityFinding f) {
        for (var existing : affects) {
            if (existing.path("ref").asText().equals(ref)) return;
        }
        ObjectNode affect = affects.addObject().put("ref", ref);
        if (f.version() != null && !f.version().isEmpty()) {
            affect.putArray("versions")
                    .addObject()
                    .put("version", f.version())
                    .put("status", f.certainty() == Certainty.UNKNOWN ? "unknown" : "affected");
        }
    }

    private static UUID serial(ScanReport report, boolean vex) {
        var seed = new StringBuilder(report.artifact().toString()).append(vex);
        report.packages().forEach(p -> seed.append('\n').append(bomRef(p)));
        if (vex)
            report.findings()
                    .forEach(f ->
                            seed.append('\n').append(f.id()).append(f.purl()).append(f.path()));
        return UUID.nameUUIDFromBytes(seed.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void property(ArrayNode props, String name, String value) {
        if (value != null && !value.isEmpty())
            props.addObject().put("name", name).put("value", value);
    }

    /** Where a package was found; findings name the advisory's (source) package, so they match by purl. */
    private static String location(String purl, String layer, String path) {
        return String.join("\n", nz(purl), nz(layer), nz(path));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

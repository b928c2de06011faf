package io.gatehouse.http.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.http.Exchange;
import io.gatehouse.http.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Serves the OpenAPI 3.1 document of {@code /api/v1}. The document is hand-written JSON in the http module's
 * resources: {@link #BASE} holds the info, the shared components and the admin routes; another area adds its
 * routes as a fragment (an object with {@code paths} and optionally {@code components}) listed after it, so
 * documenting a new route means editing JSON beside the code, not this class. {@code OpenApiDocumentTest}
 * fails the build when a registered route is missing from the document or the document names a route that
 * does not exist.
 *
 * <p>The document is public: it describes the API's shape, which is the same in every installation and
 * published with the source, and tools (the CLI, client generators) read it before anyone has logged in.
 */
public final class OpenApiHandler {
    public static final String BASE = "openapi/api-v1.json";

    private final byte[] document;

    /** @param resources classpath resources: {@link #BASE} first, then fragments */
    public OpenApiHandler(List<String> resources) {
        ObjectNode merged = (ObjectNode) read(resources.getFirst());
        for (String fragment : resources.subList(1, resources.size())) {
            JsonNode part = read(fragment);
            ((ObjectNode) merged.path("paths")).setAll((ObjectNode) part.path("paths"));
            part.path("components")
                    .properties()
                    .forEach(section -> ((ObjectNode) merged.path("components").path(section.getKey()))
                            .setAll((ObjectNode) section.getValue()));
        }
        try {
            this.document = Exchange.JSON.writeValueAsBytes(merged);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Route route() {
        // No action: the document is public (see the class comment), like /healthz.
        return Route.get("/api/v1/openapi.json", null, this::get);
    }

    void get(Exchange ex) throws IOException {
        ex.header("Cache-Control", "public, max-age=300");
        ex.sendBytes(200, "application/json", document);
    }

    private static JsonNode read(String resource) {
        try (InputStream in = OpenApiHandler.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("OpenAPI resource " + resource + " is missing from the classpath");
            }
            return Exchange.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("OpenAPI resource " + resource + " is not valid JSON", e);
        }
    }
}

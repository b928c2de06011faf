package io.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.http.Route;
import io.gatehouse.server.testing.RegistryHttp;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document the server serves is the contract: every route the running server registers under
 * {@code /api/v1} is documented with the same method and path, and the document names no route that does not
 * exist. A new route without documentation fails here; document it in {@code
 * http/src/main/resources/openapi/} (see {@code OpenApiHandler}).
 */
class OpenApiDocumentTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @TempDir
    static Path dataDir;

    static TestServer server;
    static JsonNode document;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dataDir);
        var response = RegistryHttp.anonymous(server).get("/api/v1/openapi.json");
        assertThat(response.statusCode()).as("the document is public").isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        document = RegistryHttp.json(response);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteExists() {
        Set<String> registered = new TreeSet<>();
        for (Route route : server.server().routes()) {
            if (route.template().startsWith("/api/v1/")) {
                // OpenAPI has no multi-segment parameter: {repository+} is documented as {repository}.
                registered.add(route.method() + " " + route.template().replace("+}", "}"));
            }
        }
        Set<String> documented = new TreeSet<>();
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    if (METHODS.contains(op.getKey())) {
                        documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                    }
                }));
        assertThat(registered).as("the server registers /api/v1 routes").isNotEmpty();
        assertThat(documented)
                .as("documented routes (left) against the server's route tables")
                .containsExactlyInAnyOrderElementsOf(registered);
    }

    @Test
    void itIsOpenApi31WithAnOperationIdAndErrorsForEveryOperation() {
        assertThat(document.path("openapi").asText()).startsWith("3.1.");
        assertThat(document.path("info").path("title").asText()).isNotBlank();
        Set<String> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    String name = op.getKey() + " " + path.getKey();
                    JsonNode operation = op.getValue();
                    if (!ids.add(operation.path("operationId").asText())) {
                        problems.add(name + ": missing or duplicate operationId");
                    }
                    JsonNode responses = operation.path("responses");
                    if (responses.isEmpty()) {
                        problems.add(name + ": no responses");
                    }
                    boolean isPublic = operation.has("security")
                            && operation.path("security").path(0).isEmpty();
                    if (!isPublic && !responses.has("401")) {
                        problems.add(name + ": no 401");
                    }
                    for (String param : pathParams(path.getKey())) {
                        boolean declared = false;
                        for (JsonNode p : operation.path("parameters")) {
                            declared |= p.path("in").asText().equals("path")
                                    && p.path("name").asText().equals(param);
                        }
                        if (!declared) {
                            problems.add(name + ": path parameter " + param + " not declared");
                        }
                    }
                }));
        assertThat(problems).isEmpty();
    }

    @Test
    void everyReferenceResolves() {
        List<String> broken = new ArrayList<>();
        collectRefs(document, broken);
        assertThat(broken).isEmpty();
        assertThat(document.at("/components/schemas/Error/properties/errors").isObject())
                .as("the error body is described")
                .isTrue();
    }

    private static void collectRefs(JsonNode node, List<String> broken) {
        if (node.isObject()) {
            if (node.has("$ref")) {
                String ref = node.get("$ref").asText();
                if (!ref.startsWith("#/") || document.at(ref.substring(1)).isMissingNode()) {
                    broken.add(ref);
                }
            }
            node.forEach(child -> collectRefs(child, broken));
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, broken));
        }
    }

    private static List<String> pathParams(String path) {
        List<String> params = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
        while (m.find()) {
            params.add(m.group(1));
        }
        return params;
    }
}

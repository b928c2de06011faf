package io.gatehouse.oci.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.access.Action;
import io.gatehouse.http.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the permission each OCI route demands. The dispatcher enforces whatever the table says, so a route
 * that drifted to a weaker action (say DELETE to PULL) would open a hole no handler test notices.
 */
class OciRoutesTest {
    private static final List<Route> ROUTES = OciRoutes.of(
            new ManifestsHandler(null),
            new BlobsHandler(null),
            new UploadsHandler(null, null, null),
            new DiscoveryHandler(null));

    @Test
    void everyRouteDemandsTheExpectedAction() {
        Map<String, Action> expected = new LinkedHashMap<>();
        expected.put("GET /v2/", Action.AUTHENTICATE);
        expected.put("GET /v2/_catalog", Action.CATALOG);
        expected.put("POST /v2/{name+}/blobs/uploads/", Action.PUSH);
        expected.put("GET /v2/{name+}/blobs/uploads/{uuid}", Action.PUSH);
        expected.put("PATCH /v2/{name+}/blobs/uploads/{uuid}", Action.PUSH);
        expected.put("PUT /v2/{name+}/blobs/uploads/{uuid}", Action.PUSH);
        expected.put("DELETE /v2/{name+}/blobs/uploads/{uuid}", Action.PUSH);
        expected.put("GET /v2/{name+}/blobs/{digest}", Action.PULL);
        expected.put("HEAD /v2/{name+}/blobs/{digest}", Action.PULL);
        expected.put("DELETE /v2/{name+}/blobs/{digest}", Action.DELETE);
        expected.put("GET /v2/{name+}/manifests/{reference}", Action.PULL);
        expected.put("HEAD /v2/{name+}/manifests/{reference}", Action.PULL);
        expected.put("PUT /v2/{name+}/manifests/{reference}", Action.PUSH);
        expected.put("DELETE /v2/{name+}/manifests/{reference}", Action.DELETE);
        expected.put("GET /v2/{name+}/tags/list", Action.PULL);
        expected.put("GET /v2/{name+}/referrers/{digest}", Action.PULL);

        Map<String, Action> actual = new LinkedHashMap<>();
        ROUTES.forEach(r -> actual.put(r.method() + " " + r.template(), r.action()));
        assertThat(actual).containsExactlyEntriesOf(expected);
        Map<String, Action> alternatives = new LinkedHashMap<>();
        ROUTES.stream()
                .filter(r -> r.alternative() != null)
                .forEach(r -> alternatives.put(r.method() + " " + r.template(), r.alternative()));
        assertThat(alternatives)
                .as("only the blob existence check also admits pushers")
                .containsExactly(Map.entry("HEAD /v2/{name+}/blobs/{digest}", Action.PUSH));
    }

    @Test
    void repositoryNamesWithSlashesAndRouteWordsResolveToTheRightRoute() {
        assertThat(match("GET", "/v2/team/app/blobs/uploads/abc"))
                .isEqualTo("GET /v2/{name+}/blobs/uploads/{uuid} name=team/app");
        assertThat(match("GET", "/v2/a/blobs/blobs/sha256:x")).isEqualTo("GET /v2/{name+}/blobs/{digest} name=a/blobs");
        assertThat(match("GET", "/v2/x/manifests/tags/list")).isEqualTo("GET /v2/{name+}/tags/list name=x/manifests");
        assertThat(match("POST", "/v2/a/b/c/blobs/uploads/")).isEqualTo("POST /v2/{name+}/blobs/uploads/ name=a/b/c");
    }

    private static String match(String method, String path) {
        for (Route r : ROUTES) {
            if (!r.method().equals(method)) {
                continue;
            }
            var params = r.match(path);
            if (params.isPresent()) {
                return method + " " + r.template() + " name=" + params.get().get("name");
            }
        }
        return "no match";
    }
}

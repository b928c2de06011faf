package io.gatehouse.oci.http;

import static io.gatehouse.http.Route.delete;
import static io.gatehouse.http.Route.get;
import static io.gatehouse.http.Route.head;
import static io.gatehouse.http.Route.patch;
import static io.gatehouse.http.Route.post;
import static io.gatehouse.http.Route.put;

import io.gatehouse.core.access.Action;
import io.gatehouse.http.Route;
import java.util.List;

/** The OCI distribution API in one table: path, permission, handler. Order matters only where paths overlap. */
public final class OciRoutes {
    private OciRoutes() {}

    public static List<Route> of(
            ManifestsHandler manifests, BlobsHandler blobs, UploadsHandler uploads, DiscoveryHandler discovery) {
        return List.of(
                get("/v2/", Action.AUTHENTICATE, discovery::base),
                get("/v2/_catalog", Action.CATALOG, discovery::catalog),
                post("/v2/{name+}/blobs/uploads/", Action.PUSH, uploads::start),
                get("/v2/{name+}/blobs/uploads/{uuid}", Action.PUSH, uploads::status),
                patch("/v2/{name+}/blobs/uploads/{uuid}", Action.PUSH, uploads::patch),
                put("/v2/{name+}/blobs/uploads/{uuid}", Action.PUSH, uploads::finish),
                delete("/v2/{name+}/blobs/uploads/{uuid}", Action.PUSH, uploads::cancel),
                get("/v2/{name+}/blobs/{digest}", Action.PULL, blobs::get),
                head("/v2/{name+}/blobs/{digest}", Action.PULL, blobs::get).orAllowing(Action.PUSH),
                delete("/v2/{name+}/blobs/{digest}", Action.DELETE, blobs::delete),
                // GET hands out the manifest: the pull gates decide too. HEAD only tells digest, size and type,
                // which clients (docker, containerd) ask before a GET by digest; gating it would hide the gate's
                // message, as a HEAD answer has no body.
                get("/v2/{name+}/manifests/{reference}", Action.PULL, manifests::get)
                        .gatedPull(),
                head("/v2/{name+}/manifests/{reference}", Action.PULL, manifests::get),
                put("/v2/{name+}/manifests/{reference}", Action.PUSH, manifests::put),
                delete("/v2/{name+}/manifests/{reference}", Action.DELETE, manifests::delete),
                get("/v2/{name+}/tags/list", Action.PULL, discovery::tags),
                get("/v2/{name+}/referrers/{digest}", Action.PULL, discovery::referrers));
    }
}

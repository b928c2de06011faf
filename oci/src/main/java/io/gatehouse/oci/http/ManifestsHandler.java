package io.gatehouse.oci.http;

import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.model.Reference;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.registry.ManifestService;
import io.gatehouse.core.store.ManifestRecord;
import io.gatehouse.http.Exchange;
import io.gatehouse.oci.manifest.OciMediaTypes;
import java.util.List;

/** GET/HEAD, PUT and DELETE of manifests by tag or digest. */
public final class ManifestsHandler {
    private final ManifestService manifests;

    public ManifestsHandler(ManifestService manifests) {
        this.manifests = manifests;
    }

    public void get(Exchange ex) throws Exception {
        var repo = ex.pathParam("name", RepositoryName::parse);
        var reference = ex.pathParam("reference", Reference::parse);
        ManifestRecord manifest = manifests.get(repo, reference);
        if (!acceptable(ex.headerValues("Accept"), manifest.mediaType())) {
            throw new NotFound(
                    NotFound.Kind.MANIFEST,
                    "manifest is " + manifest.mediaType() + ", which the Accept header does not allow",
                    reference.toString());
        }
        ex.header("Docker-Content-Digest", manifest.digest().toString())
                .header("ETag", "\"" + manifest.digest() + "\"");
        ex.sendBytes(200, manifest.mediaType(), manifest.content());
    }

    public void put(Exchange ex) throws Exception {
        var repo = ex.pathParam("name", RepositoryName::parse);
        var reference = ex.pathParam("reference", Reference::parse);
        int limit = manifests.maxManifestBytes();
        byte[] body = ex.bodyBytes(
                limit, new Invalid(Invalid.Kind.MANIFEST_TOO_LARGE, "manifest exceeds " + limit + " bytes"));
        var pushed = manifests.put(repo, reference, ex.header("Content-Type").orElse(null), body);
        ex.header("Location", "/v2/" + repo + "/manifests/" + pushed.digest())
                .header("Docker-Content-Digest", pushed.digest().toString());
        pushed.subject().ifPresent(subject -> ex.header("OCI-Subject", subject.toString()));
        ex.send(201);
    }

    public void delete(Exchange ex) throws Exception {
        manifests.delete(ex.pathParam("name", RepositoryName::parse), ex.pathParam("reference", Reference::parse));
        ex.send(202);
    }

    /**
     * Clients list the manifest types they understand. No Accept header, a wildcard, or a listed type matches;
     * a client that lists only other types (an old Docker asking for schema1) is told the manifest is unknown
     * to it, as the reference registry does, instead of receiving bytes it cannot parse.
     */
    static boolean acceptable(List<String> acceptHeaders, String mediaType) {
        boolean sawManifestType = false;
        for (String header : acceptHeaders) {
            for (String part : header.split(",")) {
                String type = OciMediaTypes.base(part);
                if (type.isEmpty() || type.equals("*/*") || type.equals("application/*") || type.equals(mediaType)) {
                    return true;
                }
                if (type.startsWith("application/vnd.oci.") || type.startsWith("application/vnd.docker.")) {
                    sawManifestType = true;
                }
            }
        }
        return !sawManifestType;
    }
}

package io.gatehouse.oci.http;

import io.gatehouse.core.access.Resource;
import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.model.Tag;
import io.gatehouse.core.registry.ManifestService;
import io.gatehouse.http.Exchange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Content discovery: the base endpoint, tag listing, the catalog and the referrers API. */
public final class DiscoveryHandler {
    private final ManifestService manifests;

    public DiscoveryHandler(ManifestService manifests) {
        this.manifests = manifests;
    }

    public void base(Exchange ex) throws Exception {
        ex.sendJson(200, Map.of());
    }

    public void tags(Exchange ex) throws Exception {
        var repo = ex.pathParam("name", RepositoryName::parse);
        List<Tag> tags =
                Paging.page(ex, Tag::parse, (last, n) -> manifests.tags(repo, last, n), "/v2/" + repo + "/tags/list");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", repo.value());
        body.put("tags", tags.stream().map(Tag::value).toList());
        ex.sendJson(200, body);
    }

    /** Lists only the repositories the caller may pull; each check is an audited decision. */
    public void catalog(Exchange ex) throws Exception {
        List<RepositoryName> repos = Paging.page(
                ex,
                RepositoryName::parse,
                Paging.filtered(manifests::catalog, repo -> ex.isListed(Resource.repository(repo))),
                "/v2/_catalog");
        ex.sendJson(
                200,
                Map.of("repositories", repos.stream().map(RepositoryName::value).toList()));
    }

    public void referrers(Exchange ex) throws Exception {
        var repo = ex.pathParam("name", RepositoryName::parse);
        var subject = ex.pathParam("digest", Digest::parse);
        Optional<String> artifactType = ex.query("artifactType").filter(s -> !s.isEmpty());
        var descriptors = manifests.referrers(repo, subject, artifactType).stream()
                .map(d -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("mediaType", d.mediaType());
                    m.put("digest", d.digest().toString());
                    m.put("size", d.size());
                    if (d.artifactType() != null) {
                        m.put("artifactType", d.artifactType());
                    }
                    if (!d.annotations().isEmpty()) {
                        m.put("annotations", d.annotations());
                    }
                    return m;
                })
                .toList();
        artifactType.ifPresent(t -> ex.header("OCI-Filters-Applied", "artifactType"));
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.put("manifests", descriptors);
        ex.sendBytes(200, MediaTypes.OCI_INDEX, Exchange.JSON.writeValueAsBytes(index));
    }
}

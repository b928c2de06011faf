package io.gatehouse.core.registry;

import io.gatehouse.core.model.Digest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the registry needs to know about a manifest, as read by its format's inspector. */
public record ParsedManifest(
        String mediaType,
        String artifactType,
        Optional<Digest> subject,
        List<Digest> blobs,
        List<Digest> manifests,
        Map<String, String> annotations) {
    public ParsedManifest {
        subject = subject == null ? Optional.empty() : subject;
        blobs = List.copyOf(blobs);
        manifests = List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}

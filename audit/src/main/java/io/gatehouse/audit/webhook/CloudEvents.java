package io.gatehouse.audit.webhook;

import io.gatehouse.core.access.Resource;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.model.RepositoryName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/** Maps domain events to the CloudEvents webhooks receive; events no webhook can want map to nothing. */
public final class CloudEvents {
    private final String source;
    private final Supplier<String> ids;

    /** @param source the CloudEvents {@code source}: the registry's public URL, or a fixed URN without one */
    public CloudEvents(String source) {
        this(source, () -> UUID.randomUUID().toString());
    }

    CloudEvents(String source, Supplier<String> ids) {
        this.source = source;
        this.ids = ids;
    }

    /** The short type names an event would map to, without building the events (cheap, for filtering). */
    public static List<String> typesOf(Event event) {
        return switch (event) {
            case Event.ManifestPushed p ->
                p.movedTag()
                        ? List.of(EventTypes.ARTIFACT_PUSHED, EventTypes.TAG_MOVED)
                        : List.of(EventTypes.ARTIFACT_PUSHED);
            case Event.ManifestDeleted d -> List.of(EventTypes.ARTIFACT_DELETED);
            case Event.TagDeleted d -> List.of(EventTypes.TAG_DELETED);
            case Event.AccessDecided a when !a.decision().allowed() -> List.of(EventTypes.ACCESS_DENIED);
            case Event.AccessDecided a
            when a.request().action() == io.gatehouse.core.access.Action.PULL
                    && a.request().resource() instanceof Resource.Repository -> List.of(EventTypes.ARTIFACT_PULLED);
            case Event.BreakGlassUsed b -> List.of(EventTypes.BREAKGLASS_USED);
            case Event.AnomalyDetected a -> List.of(EventTypes.ANOMALY_DETECTED);
            case Event.PolicyViolation v -> List.of(EventTypes.POLICY_VIOLATION);
            default -> List.of();
        };
    }

    public List<CloudEvent> map(Event event) {
        return switch (event) {
            case Event.ManifestPushed p -> pushed(p);
            case Event.ManifestDeleted d ->
                List.of(repositoryEvent(
                        EventTypes.ARTIFACT_DELETED,
                        d,
                        d.repository(),
                        d.repository() + "@" + d.digest(),
                        data(
                                "repository",
                                d.repository().value(),
                                "digest",
                                d.digest().toString())));
            case Event.TagDeleted d ->
                List.of(repositoryEvent(
                        EventTypes.TAG_DELETED,
                        d,
                        d.repository(),
                        d.repository() + ":" + d.tag(),
                        data("repository", d.repository().value(), "tag", d.tag())));
            case Event.AccessDecided a ->
                typesOf(a).stream().map(t -> access(t, a)).toList();
            case Event.BreakGlassUsed b ->
                List.of(new CloudEvent(
                        ids.get(),
                        source,
                        EventTypes.BREAKGLASS_USED,
                        b.at(),
                        "user:" + b.principal(),
                        Optional.empty(),
                        data(
                                "principal",
                                b.principal(),
                                "sourceAddress",
                                b.sourceAddress(),
                                "requestId",
                                b.requestId())));
            case Event.AnomalyDetected a ->
                List.of(new CloudEvent(
                        ids.get(),
                        source,
                        EventTypes.ANOMALY_DETECTED,
                        a.at(),
                        a.subject(),
                        projectOfSubject(a.subject()),
                        data(
                                "rule",
                                a.rule(),
                                "subject",
                                a.subject(),
                                "summary",
                                a.summary(),
                                "details",
                                new LinkedHashMap<>(a.details()))));
            case Event.PolicyViolation v ->
                List.of(repositoryEvent(
                        EventTypes.POLICY_VIOLATION,
                        v,
                        v.repository(),
                        v.repository() + "@" + v.digest(),
                        data(
                                "repository",
                                v.repository().value(),
                                "digest",
                                v.digest().toString(),
                                "principal",
                                v.principal(),
                                "policy",
                                v.policy(),
                                "summary",
                                v.summary())));
            default -> List.of();
        };
    }

    /** The event the test-delivery command sends. */
    public CloudEvent test(java.time.Instant at, String webhookId, Optional<String> project, String requestedBy) {
        return new CloudEvent(
                ids.get(),
                source,
                EventTypes.WEBHOOK_TEST,
                at,
                "webhook:" + webhookId,
                project,
                data("webhook", webhookId, "requestedBy", requestedBy, "message", "test delivery from Gatehouse"));
    }

    private List<CloudEvent> pushed(Event.ManifestPushed p) {
        String subject = p.repository() + "@" + p.digest();
        var pushed = repositoryEvent(
                EventTypes.ARTIFACT_PUSHED,
                p,
                p.repository(),
                subject,
                data(
                        "repository",
                        p.repository().value(),
                        "digest",
                        p.digest().toString(),
                        "mediaType",
                        p.mediaType(),
                        "tag",
                        p.tag()));
        if (!p.movedTag()) {
            return List.of(pushed);
        }
        var moved = repositoryEvent(
                EventTypes.TAG_MOVED,
                p,
                p.repository(),
                p.repository() + ":" + p.tag(),
                data(
                        "repository",
                        p.repository().value(),
                        "tag",
                        p.tag(),
                        "digest",
                        p.digest().toString(),
                        "previousDigest",
                        p.previousTagTarget().toString()));
        return List.of(pushed, moved);
    }

    private CloudEvent access(String type, Event.AccessDecided a) {
        var request = a.request();
        Optional<String> project = switch (request.resource()) {
            case Resource.Repository r -> Optional.of(r.name().project());
            case Resource.Project p -> Optional.of(p.name());
            case Resource.Registry r -> Optional.empty();
        };
        return new CloudEvent(
                ids.get(),
                source,
                type,
                a.at(),
                request.resource().toString(),
                project,
                data(
                        "principal",
                        request.principal().name(),
                        "authMethod",
                        request.principal().authMethod().name().toLowerCase(java.util.Locale.ROOT),
                        "action",
                        request.action().name().toLowerCase(java.util.Locale.ROOT),
                        "resource",
                        request.resource().toString(),
                        "allowed",
                        a.decision().allowed(),
                        "reason",
                        a.decision().reason(),
                        "sourceAddress",
                        request.sourceAddress(),
                        "userAgent",
                        request.userAgent(),
                        "requestId",
                        request.requestId()));
    }

    private CloudEvent repositoryEvent(
            String type, Event event, RepositoryName repository, String subject, Map<String, Object> data) {
        return new CloudEvent(ids.get(), source, type, event.at(), subject, Optional.of(repository.project()), data);
    }

    /** Anomaly subjects name what they are about: {@code repository:teama/app} and {@code project:teama} belong to a project. */
    static Optional<String> projectOfSubject(String subject) {
        if (subject.startsWith("project:")) {
            return Optional.of(subject.substring("project:".length()));
        }
        if (subject.startsWith("repository:")) {
            try {
                return Optional.of(RepositoryName.parse(subject.substring("repository:".length()))
                        .project());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Key/value pairs in order, leaving out nulls. */
    private static Map<String, Object> data(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                out.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return out;
    }
}

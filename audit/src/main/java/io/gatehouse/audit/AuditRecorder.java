package io.gatehouse.audit;

import io.gatehouse.core.access.AccessRequest;
import io.gatehouse.core.access.Action;
import io.gatehouse.core.access.Principal;
import io.gatehouse.core.access.Resource;
import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.audit.AuditStore;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.model.RepositoryName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns events into audit entries and appends them, waiting until each is durable (subscribed as a required
 * subscriber, so a decision that cannot be recorded fails its request). Access decisions, admin changes,
 * refused credentials, break-glass logins and anomalies are recorded; allowed pulls are skipped for projects
 * that switched pull recording off. Denials and admin changes are always recorded.
 */
public final class AuditRecorder implements EventSink {
    /** How long this node trusts its copy of the projects not recording pulls. */
    static final Duration EXEMPTIONS_TTL = Duration.ofSeconds(10);

    private final Consumer<AuditEntry> log;
    private final AuditStore store;
    private final Clock clock;
    private volatile Set<String> notRecordingPulls = Set.of();
    private volatile Instant exemptionsRead = Instant.MIN;

    /** @param log where entries go: {@link AuditWriter#append} */
    public AuditRecorder(Consumer<AuditEntry> log, AuditStore store, Clock clock) {
        this.log = log;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void emit(Event event) {
        AuditEntry entry = switch (event) {
            case Event.AccessDecided d -> recorded(d) ? access(d) : null;
            case Event.AdminChanged c -> admin(c);
            case Event.AuthenticationFailed f ->
                new AuditEntry(
                        f.at(),
                        "authentication",
                        f.account(),
                        null,
                        null,
                        f.sourceAddress(),
                        f.userAgent(),
                        "login",
                        null,
                        null,
                        null,
                        AuditEntry.DENIED,
                        f.reason(),
                        f.requestId(),
                        Map.of());
            case Event.BreakGlassUsed b ->
                new AuditEntry(
                        b.at(),
                        "break-glass",
                        b.principal(),
                        "user",
                        null,
                        b.sourceAddress(),
                        null,
                        "login",
                        null,
                        null,
                        null,
                        AuditEntry.ALLOWED,
                        "break-glass account used",
                        b.requestId(),
                        Map.of());
            case Event.AnomalyDetected a -> anomaly(a);
            default -> null; // pushes and deletes are recorded through their access decisions
        };
        if (entry != null) {
            log.accept(entry);
        }
    }

    /** Re-reads which projects record pulls (after a change on this node; other nodes within the TTL). */
    public void refreshExemptions() {
        notRecordingPulls = Set.copyOf(store.projectsNotRecordingPulls());
        exemptionsRead = clock.instant();
    }

    private boolean recorded(Event.AccessDecided d) {
        if (!d.decision().allowed()
                || d.request().action() != Action.PULL
                || !(d.request().resource() instanceof Resource.Repository repository)) {
            return true;
        }
        if (clock.instant().isAfter(exemptionsRead.plus(EXEMPTIONS_TTL))) {
            refreshExemptions();
        }
        return !notRecordingPulls.contains(repository.name().project());
    }

    static AuditEntry access(Event.AccessDecided d) {
        AccessRequest r = d.request();
        String project = null;
        String repository = null;
        switch (r.resource()) {
            case Resource.Repository repo -> {
                project = repo.name().project();
                repository = repo.name().value();
            }
            case Resource.Project p -> project = p.name();
            case Resource.Registry ignored -> {}
        }
        Principal p = r.principal();
        return new AuditEntry(
                d.at(),
                "access",
                p.name(),
                principalType(p),
                p.authMethod().name().toLowerCase(Locale.ROOT),
                r.sourceAddress(),
                r.userAgent(),
                r.action().scopeName(),
                project,
                repository,
                r.reference(),
                d.decision().allowed() ? AuditEntry.ALLOWED : AuditEntry.DENIED,
                d.decision().reason(),
                r.requestId(),
                Map.of());
    }

    private static AuditEntry admin(Event.AdminChanged c) {
        Map<String, String> details = new LinkedHashMap<>(c.details());
        details.put("target", c.target());
        String project = c.target().startsWith("project:") ? c.target().substring("project:".length()) : null;
        String repository = null;
        if (c.target().startsWith("repository:")) {
            // so that a query by repository finds changes made to it (labels, bindings, attached SBOMs)
            try {
                RepositoryName name = RepositoryName.parse(c.target().substring("repository:".length()));
                project = name.project();
                repository = name.value();
            } catch (Invalid e) {
                // not a repository name: the target detail still says what changed
            }
        }
        return new AuditEntry(
                c.at(),
                "admin",
                c.actor(),
                null,
                null,
                c.sourceAddress(),
                null,
                c.change(),
                project,
                repository,
                null,
                AuditEntry.ALLOWED,
                null,
                c.requestId(),
                details);
    }

    private static AuditEntry anomaly(Event.AnomalyDetected a) {
        Map<String, String> details = new LinkedHashMap<>(a.details());
        details.put("subject", a.subject());
        return new AuditEntry(
                a.at(),
                "anomaly",
                null,
                null,
                null,
                null,
                null,
                a.rule(),
                null,
                null,
                null,
                null,
                a.summary(),
                null,
                details);
    }

    static String principalType(Principal p) {
        return switch (p) {
            case Principal.Anonymous a -> "anonymous";
            case Principal.User u -> "user";
            case Principal.Robot r -> "robot";
        };
    }
}

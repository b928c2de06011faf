package io.gatehouse.access.admin;

import io.gatehouse.access.admin.AccessAdministration.Actor;
import io.gatehouse.access.policy.CachedScanPolicies;
import io.gatehouse.core.access.policy.AccessStore;
import io.gatehouse.core.error.Invalid;
import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.scan.CveAllowlistEntry;
import io.gatehouse.core.scan.ScanPolicy;
import io.gatehouse.core.scan.Severity;
import io.gatehouse.core.store.ScanPolicyStore;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Changes to pull policies and CVE allowlists, validated here so handlers stay thin. Who may make them is
 * decided before, by the decision point (a project's admin for its policy and list, the system admin for the
 * system list). Every change is one {@link io.gatehouse.core.event.Event.AdminChanged}, audited like the others.
 */
public final class ScanPolicyAdministration {
    private static final Pattern ADVISORY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");
    private static final int MAX_REASON = 1024;
    private static final Duration MAX_LIFETIME = Duration.ofDays(3650);

    private final ScanPolicyStore store;
    private final AccessStore access;
    private final AdminChanges changes;
    private final Clock clock;

    public ScanPolicyAdministration(ScanPolicyStore store, AccessStore access, EventSink events, Clock clock) {
        this.store = store;
        this.access = access;
        this.changes = new AdminChanges(events, clock);
        this.clock = clock;
    }

    /** The project's policy; a project that never set one blocks nothing. */
    public ScanPolicy policy(String project) {
        String name = existing(project);
        return store.policy(name).orElseGet(() -> ScanPolicy.none(name));
    }

    /**
     * Sets the fields given and keeps the others.
     *
     * @param blockSeverity critical, high, medium, low or none
     */
    public ScanPolicy updatePolicy(
            Actor actor, String project, Optional<String> blockSeverity, Optional<Boolean> blockUnscanned) {
        ScanPolicy current = policy(project);
        Optional<Severity> threshold =
                blockSeverity.isPresent() ? ScanPolicy.parseThreshold(blockSeverity.get()) : current.blockAt();
        var updated = new ScanPolicy(current.project(), threshold, blockUnscanned.orElse(current.blockUnscanned()));
        store.putPolicy(updated, actor.name(), clock.instant());
        changes.emit(
                actor,
                CachedScanPolicies.POLICY_CHANGE + "update",
                "project:" + updated.project(),
                Map.of(
                        "blockSeverity",
                        updated.blockSeverityLabel(),
                        "blockUnscanned",
                        String.valueOf(updated.blockUnscanned())));
        return updated;
    }

    /** One list, by id, expired entries included (they are shown as expired). */
    public List<CveAllowlistEntry> allowlist(Optional<String> project) {
        return store.allowlist(project.map(this::existing));
    }

    /**
     * Accepts an advisory until {@code expires}: a duration from now ({@code 30d}, {@code 12h}), a date (its
     * start, UTC) or an instant ({@code 2026-06-01T12:00:00Z}). Allowing an id already on the list renews it.
     *
     * @param project empty for the system-wide list
     */
    public CveAllowlistEntry allow(Actor actor, Optional<String> project, String id, String reason, String expires) {
        Optional<String> owner = project.map(this::existing);
        if (id == null || !ADVISORY_ID.matcher(id).matches()) {
            throw new Invalid(
                    Invalid.Kind.PARAMETER,
                    "an advisory id is 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':', '+', '-' (e.g."
                            + " CVE-2023-45853 or GHSA-jfh8-c2jp-5v3q)");
        }
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
            throw new Invalid(Invalid.Kind.PARAMETER, "a reason is required (at most " + MAX_REASON + " characters)");
        }
        Instant now = clock.instant();
        Instant expiresAt = expiry(expires, now);
        find(owner, id).ifPresent(old -> store.removeAllowlistEntry(owner, old.id()));
        var entry = new CveAllowlistEntry(owner, id, reason.strip(), expiresAt, actor.name(), now);
        store.putAllowlistEntry(entry);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("reason", entry.reason());
        details.put("expiresAt", expiresAt.toString());
        changes.emit(actor, CachedScanPolicies.ALLOWLIST_CHANGE + "allow", target(owner, id), details);
        return entry;
    }

    public void revoke(Actor actor, Optional<String> project, String id) {
        Optional<String> owner = project.map(this::existing);
        CveAllowlistEntry entry = find(owner, id)
                .orElseThrow(() -> new NotFound(
                        NotFound.Kind.PROJECT,
                        id + " is not on the "
                                + owner.map(p -> "allowlist of project " + p).orElse("system allowlist")));
        store.removeAllowlistEntry(owner, entry.id());
        changes.emit(actor, CachedScanPolicies.ALLOWLIST_CHANGE + "revoke", target(owner, entry.id()), Map.of());
    }

    /** Whether the entry no longer counts (lists show it as expired until someone revokes or renews it). */
    public boolean expired(CveAllowlistEntry entry) {
        return entry.isExpired(clock.instant());
    }

    private Optional<CveAllowlistEntry> find(Optional<String> owner, String id) {
        return store.allowlist(owner).stream()
                .filter(e -> e.id().equalsIgnoreCase(id))
                .findFirst();
    }

    private static String target(Optional<String> owner, String id) {
        return "cveAllowlist:" + owner.map(p -> p + "/").orElse("") + id;
    }

    /** When an entry given {@code text} expires; it must lie in the future, at most ten years ahead. */
    static Instant expiry(String text, Instant now) {
        if (text == null || text.isBlank()) {
            throw new Invalid(Invalid.Kind.PARAMETER, "an expiry is required: a duration such as 30d, or a date");
        }
        String value = text.strip();
        Instant at;
        Matcher m = DURATION.matcher(value);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                at = now.plus(
                        n,
                        switch (m.group(2)) {
                            case "s" -> ChronoUnit.SECONDS;
                            case "m" -> ChronoUnit.MINUTES;
                            case "h" -> ChronoUnit.HOURS;
                            default -> ChronoUnit.DAYS;
                        });
            } else if (value.length() == 10) {
                at = LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                at = Instant.parse(value);
            }
        } catch (DateTimeException | ArithmeticException e) {
            throw new Invalid(
                    Invalid.Kind.PARAMETER,
                    "expiry '" + value + "' is neither a duration (30d, 12h) nor a date (2026-06-30) nor an"
                            + " instant (2026-06-30T12:00:00Z)");
        }
        if (!at.isAfter(now)) {
            throw new Invalid(Invalid.Kind.PARAMETER, "expiry " + at + " is not in the future");
        }
        if (at.isAfter(now.plus(MAX_LIFETIME))) {
            throw new Invalid(Invalid.Kind.PARAMETER, "an allowlist entry expires within 3650 days");
        }
        return at.truncatedTo(ChronoUnit.SECONDS);
    }

    private String existing(String project) {
        if (project == null || access.project(project).isEmpty()) {
            throw new NotFound(NotFound.Kind.PROJECT, "project " + project + " not found");
        }
        return project;
    }
}

package io.gatehouse.access.admin;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import java.time.Clock;
import java.util.Map;

/** Where the admin services turn a successful change into one {@link Event.AdminChanged} for the audit log. */
final class AdminChanges {
    private final EventSink events;
    private final Clock clock;

    AdminChanges(EventSink events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /** Callers pass only non-secret details. */
    void emit(AccessAdministration.Actor actor, String change, String target, Map<String, String> details) {
        events.emit(new Event.AdminChanged(
                clock.instant(),
                actor.name(),
                actor.context().sourceAddress(),
                actor.context().requestId(),
                change,
                target,
                details));
    }
}

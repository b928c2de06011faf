package io.gatehouse.access;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raised on every successful authentication of the local break-glass account, which works when the
 * identity provider does not: a warning in the log (never the secret) and an {@link Event.BreakGlassUsed}.
 */
public final class BreakGlassAlarm {
    private static final Logger log = LoggerFactory.getLogger(BreakGlassAlarm.class);

    /** No alarm: single sign-on is off, so the local admin is the ordinary way in, not break-glass. */
    public static final BreakGlassAlarm OFF = new BreakGlassAlarm(null, event -> {}, Clock.systemUTC());

    private final String account;
    private final EventSink events;
    private final Clock clock;

    /** @param account the local account that is the break-glass one */
    public BreakGlassAlarm(String account, EventSink events, Clock clock) {
        this.account = account;
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Called after {@code username} authenticated, with its local password or a token issued to it. */
    void authenticated(String username, RequestContext context) {
        if (account == null || !account.equals(username)) {
            return;
        }
        log.warn(
                "break-glass account '{}' authenticated from {} (request {})",
                username,
                context.sourceAddress(),
                context.requestId());
        events.emit(new Event.BreakGlassUsed(clock.instant(), username, context.sourceAddress(), context.requestId()));
    }
}

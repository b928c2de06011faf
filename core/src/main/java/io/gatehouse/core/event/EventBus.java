package io.gatehouse.core.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out to subscribers; one failing subscriber never affects the request or the others, except a
 * required one (the audit log): its failure reaches the emitter, so a request whose decision could not be
 * recorded fails instead of being answered unrecorded.
 */
public final class EventBus implements EventSink {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);
    private final List<EventSink> required = new CopyOnWriteArrayList<>();
    private final List<EventSink> subscribers = new CopyOnWriteArrayList<>();

    /** A subscriber that runs first and whose failure is rethrown to the emitter. */
    public void subscribeRequired(EventSink subscriber) {
        required.add(subscriber);
    }

    public void subscribe(EventSink subscriber) {
        subscribers.add(subscriber);
    }

    @Override
    public void emit(Event event) {
        for (EventSink s : required) {
            s.emit(event);
        }
        for (EventSink s : subscribers) {
            try {
                s.emit(event);
            } catch (RuntimeException e) {
                log.warn("event subscriber failed on {}", event.getClass().getSimpleName(), e);
            }
        }
    }
}

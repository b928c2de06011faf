package io.gatehouse.core.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans events out to subscribers; one failing subscriber never affects the request or the others. */
public final class EventBus implements EventSink {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);
    private final List<EventSink> subscribers = new CopyOnWriteArrayList<>();

    public void subscribe(EventSink subscriber) {
        subscribers.add(subscriber);
    }

    @Override
    public void emit(Event event) {
        for (EventSink s : subscribers) {
            try {
                s.emit(event);
            } catch (RuntimeException e) {
                log.warn("event subscriber failed on {}", event.getClass().getSimpleName(), e);
            }
        }
    }
}

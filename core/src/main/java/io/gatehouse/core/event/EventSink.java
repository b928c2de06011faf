package io.gatehouse.core.event;

/** Receives events. Implementations must be fast and must not throw: they run on request threads. */
@FunctionalInterface
public interface EventSink {
    void emit(Event event);

    EventSink NONE = event -> {};
}

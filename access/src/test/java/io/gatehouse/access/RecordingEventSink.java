package io.gatehouse.access;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

final class RecordingEventSink implements EventSink {
    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void emit(Event event) {
        events.add(event);
    }
}

package io.gatehouse.audit.anomaly;

import io.gatehouse.core.event.Event;
import java.util.List;

/**
 * One kind of unusual activity, recognised from the event stream. A rule reads only the event (its time is the
 * event's {@code at()}, so a test drives it with synthetic events and no clock), keeps its state in bounded
 * memory, and reports a condition once per subject per cooldown rather than on every event while it lasts.
 * Rules run in memory on each node: each node sees and judges only the requests it served.
 */
public interface AnomalyRule {
    /** The name alerts carry, e.g. {@code pull-rate-spike}. */
    String name();

    /** Looks at one event; returns the alerts it raises (usually none). Called concurrently. */
    List<Event.AnomalyDetected> observe(Event event);
}

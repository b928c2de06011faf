/**
 * Anomaly rules: small classes, one decision each, that read the event stream and raise {@link
 * io.gatehouse.core.event.Event.AnomalyDetected}. {@link io.gatehouse.audit.anomaly.AnomalyDetector} feeds them
 * and publishes their alerts. State is per node, in memory, bounded per rule; time is the events' own.
 */
package io.gatehouse.audit.anomaly;

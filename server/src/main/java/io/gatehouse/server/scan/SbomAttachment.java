package io.gatehouse.server.scan;

import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.scan.pipeline.ScanReports;
import io.gatehouse.scan.report.SbomPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches the SBOM of each completed push, on-demand or re-scan to its image as an OCI referrer. It runs on the
 * scan worker that emitted the event, never on a request thread. A re-match reads no layer and leaves the
 * packages, hence the SBOM, as they were, so it attaches nothing.
 */
public final class SbomAttachment implements EventSink {
    private static final Logger log = LoggerFactory.getLogger(SbomAttachment.class);

    private final ScanReports reports;
    private final SbomPublisher publisher;

    public SbomAttachment(ScanReports reports, SbomPublisher publisher) {
        this.reports = reports;
        this.publisher = publisher;
    }

    @Override
    public void emit(Event event) {
        if (!(event instanceof Event.ScanCompleted done)
                || done.status() != ScanStatus.COMPLETE
                || "rematch".equals(done.trigger())) {
            return;
        }
        try {
            reports.report(done.digest()).ifPresent(report -> publisher.publish(done.repository(), report));
        } catch (NotFound e) {
            log.debug("no SBOM attached to {}@{}: deleted meanwhile", done.repository(), done.digest());
        } catch (RuntimeException e) {
            log.warn("could not attach the SBOM to {}@{}", done.repository(), done.digest(), e);
        }
    }
}

package io.gatehouse.server.scan;

import io.gatehouse.core.error.NotFound;
import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.scan.pipeline.ScanReports;
import io.gatehouse.scan.report.SbomPublisher;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches the SBOM of each completed push, on-demand or re-scan to its image as an OCI referrer. It runs on the
 * scan worker that emitted the event, never on a request thread. A re-match reads no layer and leaves the
 * packages, hence the SBOM, as they were, so it attaches nothing.
 *
 * <p>An attachment changes what the repository holds without anyone's request, so it is recorded in the audit
 * log as a change by {@value #ACTOR}: {@code sbom.attach} on the repository, with the image, the SBOM manifest and
 * the earlier Gatehouse SBOMs it replaced (and deleted).
 */
public final class SbomAttachment implements EventSink {
    private static final Logger log = LoggerFactory.getLogger(SbomAttachment.class);

    /** The actor of the audit records of attachments: the registry itself. */
    public static final String ACTOR = "gatehouse";

    private final ScanReports reports;
    private final SbomPublisher publisher;
    private final EventSink events;
    private final Clock clock;

    /** @param events where the audit record of each attachment goes */
    public SbomAttachment(ScanReports reports, SbomPublisher publisher, EventSink events, Clock clock) {
        this.reports = reports;
        this.publisher = publisher;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void emit(Event event) {
        if (!(event instanceof Event.ScanCompleted done)
                || done.status() != ScanStatus.COMPLETE
                || "rematch".equals(done.trigger())) {
            return;
        }
        try {
            reports.report(done.digest())
                    .map(report -> publisher.publish(done.repository(), report))
                    .filter(SbomPublisher.Published::created)
                    .ifPresent(published -> recordAttachment(done, published));
        } catch (NotFound e) {
            log.debug("no SBOM attached to {}@{}: deleted meanwhile", done.repository(), done.digest());
        } catch (RuntimeException e) {
            log.warn("could not attach the SBOM to {}@{}", done.repository(), done.digest(), e);
        }
    }

    private void recordAttachment(Event.ScanCompleted done, SbomPublisher.Published published) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("subject", done.digest().toString());
        details.put("manifest", published.manifest().toString());
        details.put("trigger", done.trigger());
        if (!published.replaced().isEmpty()) {
            details.put(
                    "replaced",
                    published.replaced().stream().map(Object::toString).collect(Collectors.joining(",")));
        }
        try {
            events.emit(new Event.AdminChanged(
                    clock.instant(), ACTOR, null, null, "sbom.attach", "repository:" + done.repository(), details));
        } catch (RuntimeException e) {
            // the SBOM stays attached (a referrers listing shows it); only its record is missing
            log.error(
                    "SBOM {} attached to {}@{} but not recorded in the audit log",
                    published.manifest(),
                    done.repository(),
                    done.digest(),
                    e);
        }
    }
}

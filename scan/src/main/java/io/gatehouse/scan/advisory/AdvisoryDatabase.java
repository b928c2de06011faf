package io.gatehouse.scan.advisory;

import io.gatehouse.core.event.Event;
import io.gatehouse.core.event.EventSink;
import io.gatehouse.core.store.AdvisoryStore;
import io.gatehouse.core.store.AdvisoryStore.ImportLogEntry;
import io.gatehouse.scan.match.OsvAdvisoryIndex;
import io.gatehouse.scan.match.OsvMatcher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The advisory database as a service: imports into the store, keeps the current immutable {@link AdvisoryIndex}
 * snapshot (after an import, patched with the advisories it changed; built from the whole store at start and
 * after an import that changed more than {@value #PATCH_LIMIT}), reports its age, raises one
 * {@code advisory-database-stale} alert per stale period, and tells listeners which packages an import changed
 * so stored SBOMs can be re-matched.
 */
public final class AdvisoryDatabase {
    private static final Logger log = LoggerFactory.getLogger(AdvisoryDatabase.class);
    public static final String STALE_RULE = "advisory-database-stale";
    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(48);

    private final AdvisoryStore store;
    private final OsvCodec codec = new OsvCodec();
    private final OsvMatcher matcher;
    private final Clock clock;
    private final Duration maxAge;
    private final EventSink events;
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private volatile OsvAdvisoryIndex snapshot;
    private volatile Optional<ImportLogEntry> lastImport;
    /** Whether this stale period's alert went out; separate from the import lock so /readyz never waits on an import. */
    private final AtomicBoolean staleAlerted = new AtomicBoolean();

    private final AtomicLong generation = new AtomicLong();

    /** What an import changed, and the snapshot that now includes it. */
    public record Change(ImportResult result, AdvisoryIndex index) {}

    /** Beyond this many changed advisories the snapshot is rebuilt from the whole store instead of patched. */
    static final int PATCH_LIMIT = 10_000;

    public AdvisoryDatabase(AdvisoryStore store, OsvMatcher matcher, Clock clock, Duration maxAge, EventSink events) {
        this.store = store;
        this.matcher = matcher;
        this.clock = clock;
        this.maxAge = maxAge;
        this.events = events;
        this.lastImport = store.imports(1).stream().findFirst();
        this.snapshot = load();
    }

    /** The current snapshot; it never changes once returned, a later import makes a new one. */
    public AdvisoryIndex index() {
        return snapshot;
    }

    /** Subscribes to imports that changed something; called on the importing thread, after the new snapshot. */
    public void onChange(Consumer<Change> listener) {
        listeners.add(listener);
    }

    /** Imports a zip or directory (one import at a time), rebuilds the snapshot, and tells the listeners. */
    public synchronized ImportResult importFrom(Path path, String source) {
        long start = System.nanoTime();
        OsvAdvisoryIndex before = snapshot;
        ImportResult result = new AdvisoryImporter(store, codec, clock).importFrom(path, source, before::packagesOf);
        lastImport = store.imports(1).stream().findFirst();
        staleAlerted.set(false);
        long imported = System.nanoTime();
        if (result.changedAnything()) {
            snapshot = result.changedIds().size() > PATCH_LIMIT ? load() : patched(before, result.changedIds());
        }
        log.info(
                "advisories imported from {}: {} added, {} updated, {} removed, {} unchanged, {} rejected ({} ms,"
                        + " snapshot {} ms)",
                source,
                result.added(),
                result.updated(),
                result.removed(),
                result.unchanged(),
                result.rejectedCount(),
                (imported - start) / 1_000_000,
                (System.nanoTime() - imported) / 1_000_000);
        if (result.changedAnything()) {
            var change = new Change(result, snapshot);
            for (var listener : listeners) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    log.warn("advisory change listener failed", e);
                }
            }
        }
        return result;
    }

    public AdvisoryStatus status() {
        var last = lastImport;
        Instant now = clock.instant();
        Optional<Duration> age = last.map(l -> Duration.between(l.importedAt(), now));
        boolean stale = age.map(a -> a.compareTo(maxAge) > 0).orElse(true);
        return new AdvisoryStatus(
                last.map(ImportLogEntry::importedAt),
                last.map(ImportLogEntry::source),
                snapshot.advisoryCount(),
                age,
                maxAge,
                stale,
                snapshot.version());
    }

    /**
     * Checks the age and raises {@link #STALE_RULE} once when an imported database turns stale; the next import
     * re-arms it. Call periodically (and from health checks): repeated calls while stale raise nothing more. A
     * database never imported is stale too (status and /readyz say so) but raises no alert: there is nothing that
     * went out of date, and an installation that does not scan yet should not page anyone at every start.
     */
    public AdvisoryStatus checkStaleness() {
        AdvisoryStatus status = status();
        if (status.stale() && status.importedAt().isPresent() && staleAlerted.compareAndSet(false, true)) {
            String age = status.age().map(a -> a.toHours() + "h old").orElseThrow();
            events.emit(new Event.AnomalyDetected(
                    clock.instant(),
                    STALE_RULE,
                    "advisories",
                    "the advisory database is stale (" + age + ", limit " + maxAge.toHours() + "h): import a"
                            + " current OSV dump with 'gatehouse advisories import'",
                    Map.of(
                            "importedAt",
                                    status.importedAt().map(Instant::toString).orElse("never"),
                            "maxAge", maxAge.toString())));
        }
        return status;
    }

    private OsvAdvisoryIndex load() {
        List<Advisory> advisories = new ArrayList<>();
        store.forEach(stored -> parse(stored.id(), stored.json()).ifPresent(advisories::add));
        return new OsvAdvisoryIndex(advisories, matcher, nextVersion(advisories.size()));
    }

    /** The snapshot with only the changed advisories re-read from the store (a removed one is no longer there). */
    private OsvAdvisoryIndex patched(OsvAdvisoryIndex before, Set<String> changed) {
        List<Advisory> upserted = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String id : changed) {
            store.json(id).flatMap(json -> parse(id, json)).ifPresentOrElse(upserted::add, () -> removed.add(id));
        }
        return before.updated(upserted, removed, this::nextVersion);
    }

    private Optional<Advisory> parse(String id, String json) {
        try {
            return Optional.of(codec.parse(id, json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (InvalidAdvisoryException e) {
            log.warn("stored advisory no longer parses, left out of the index: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Distinct per snapshot: the last import's time, the count, and a per-process generation. */
    private String nextVersion(int advisories) {
        return lastImport.map(l -> l.importedAt().toString()).orElse("empty") + "/" + advisories + "/"
                + generation.incrementAndGet();
    }
}

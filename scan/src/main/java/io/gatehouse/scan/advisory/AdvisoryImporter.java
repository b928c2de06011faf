package io.gatehouse.scan.advisory;

import io.gatehouse.core.store.AdvisoryStore;
import io.gatehouse.core.store.AdvisoryStore.StoredAdvisory;
import io.gatehouse.scan.advisory.ImportResult.Rejected;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Imports OSV advisories from a zip (the per-ecosystem {@code all.zip} dumps) or a directory tree of {@code *.json}
 * files, one entry at a time: only the current record and a chunk of changed ones are in memory, never the zip.
 * Incremental: a record whose id and {@code modified} are stored already is skipped, a changed one replaces the
 * stored one, a withdrawn one is removed. A bad file is rejected with its reason and the rest goes on.
 *
 * <p>Changes are written in chunks of {@link #CHUNK} advisories, each in its own transaction, so memory stays
 * bounded on large dumps; an import that dies midway leaves the chunks written so far, and running it again
 * finishes the job (every step is idempotent).
 */
public final class AdvisoryImporter {
    /** Entries (files) one import may hold. */
    public static final int MAX_ENTRIES = OsvFiles.MAX_ENTRIES;
    /** Rejected files listed in a result (all are counted). */
    public static final int MAX_REPORTED = 1000;

    static final int CHUNK = 2000;

    private final AdvisoryStore store;
    private final OsvCodec codec;
    private final Clock clock;

    public AdvisoryImporter(AdvisoryStore store, OsvCodec codec, Clock clock) {
        this.store = store;
        this.codec = codec;
        this.clock = clock;
    }

    /**
     * Imports {@code path} (a zip file or a directory) and records the import in the log under {@code source}.
     *
     * @param previousKeys the packages an advisory already stored names (for the changed-package set)
     * @throws IllegalArgumentException when {@code path} is neither a readable zip nor a directory
     */
    public ImportResult importFrom(Path path, String source, Function<String, Set<PackageKey>> previousKeys) {
        var run = new Run(store.modifiedTimes(), previousKeys, clock.instant());
        try {
            OsvFiles.walk(path, new OsvFiles.Visitor() {
                @Override
                public void accept(String name, InputStream json) throws IOException {
                    run.entries++;
                    try {
                        run.offer(name, read(name, json));
                    } catch (InvalidAdvisoryException e) {
                        run.reject(e.source(), e.reason());
                    }
                }

                @Override
                public void reject(String name, String reason) {
                    run.reject(name, reason);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read advisories from " + path.getFileName(), e);
        }
        run.flush();
        var result = new ImportResult(
                source,
                run.at,
                run.added,
                run.updated,
                run.removed,
                run.unchanged,
                run.rejectedCount,
                run.rejected,
                run.changed,
                run.changedIds);
        store.recordImport(new AdvisoryStore.ImportLogEntry(
                source, run.at, run.added, run.updated, run.removed, run.unchanged, run.rejectedCount, run.entries));
        return result;
    }

    private Parsed read(String name, InputStream in) throws IOException {
        byte[] bytes = codec.readBounded(name, in);
        return new Parsed(codec.parse(name, bytes), bytes);
    }

    private record Parsed(Advisory advisory, byte[] json) {}

    /** The state of one import. */
    private final class Run {
        final Map<String, java.time.Instant> stored;
        final Function<String, Set<PackageKey>> previousKeys;
        final Instant at;
        final Map<String, String> seen = new HashMap<>();
        final List<StoredAdvisory> additions = new ArrayList<>();
        final List<StoredAdvisory> replacements = new ArrayList<>();
        final List<String> removals = new ArrayList<>();
        final List<Rejected> rejected = new ArrayList<>();
        final Set<PackageKey> changed = new HashSet<>();
        final Set<String> changedIds = new HashSet<>();
        int added, updated, removed, unchanged, rejectedCount, entries;

        Run(Map<String, Instant> stored, Function<String, Set<PackageKey>> previousKeys, Instant at) {
            this.stored = stored;
            this.previousKeys = previousKeys;
            this.at = at;
        }

        void offer(String source, Parsed parsed) {
            Advisory a = parsed.advisory();
            String earlier = seen.putIfAbsent(a.id(), source);
            if (earlier != null) {
                reject(source, a.id() + " appears twice (also in " + earlier + ")");
                return;
            }
            Instant before = stored.get(a.id());
            if (a.withdrawn().isPresent()) {
                if (before != null) {
                    removals.add(a.id());
                    changedIds.add(a.id());
                    changed.addAll(previousKeys.apply(a.id()));
                    removed++;
                } else {
                    unchanged++;
                }
            } else if (before == null) {
                additions.add(new StoredAdvisory(a.id(), a.modified(), at, text(parsed.json())));
                changedIds.add(a.id());
                changed.addAll(keys(a));
                added++;
            } else if (!before.equals(a.modified().truncatedTo(java.time.temporal.ChronoUnit.MICROS))) {
                replacements.add(new StoredAdvisory(a.id(), a.modified(), at, text(parsed.json())));
                changedIds.add(a.id());
                changed.addAll(keys(a));
                changed.addAll(previousKeys.apply(a.id()));
                updated++;
            } else {
                unchanged++;
            }
            if (additions.size() + replacements.size() + removals.size() >= CHUNK) {
                flush();
            }
        }

        void reject(String source, String reason) {
            rejectedCount++;
            if (rejected.size() < MAX_REPORTED) {
                rejected.add(new Rejected(source, reason));
            }
        }

        void flush() {
            store.apply(additions, replacements, removals);
            additions.clear();
            replacements.clear();
            removals.clear();
        }
    }

    static Set<PackageKey> keys(Advisory a) {
        Set<PackageKey> keys = new HashSet<>();
        a.affected()
                .forEach(
                        x -> keys.add(PackageKey.of(x.pkg().ecosystem(), x.pkg().name())));
        return keys;
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }
}

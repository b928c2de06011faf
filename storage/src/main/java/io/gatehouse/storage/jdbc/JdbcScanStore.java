package io.gatehouse.storage.jdbc;

import io.gatehouse.core.model.Digest;
import io.gatehouse.core.model.RepositoryName;
import io.gatehouse.core.scan.ScanStatus;
import io.gatehouse.core.store.ScanStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Handle;

/**
 * Scanning's queue, reports and package index over JDBC. Everything that touches many rows is set-based or
 * batched ({@link #BATCH} rows a round trip): queueing the re-matches of an advisory update is one join over the
 * package index and one list row and job per image, claiming a batch of jobs is one UPDATE by primary key, saving
 * re-matched reports one batch.
 */
final class JdbcScanStore implements ScanStore {
    private static final int BATCH = 500;
    private static final String DUE = "(lease_owner IS NULL OR lease_expires < :now)";
    private static final String REPORT_COLUMNS = "artifact, repository, status, scanned_at, extractor_version,"
            + " database_version, report, children, last_error, last_error_at";

    private final Database db;

    JdbcScanStore(Database db) {
        this.db = db;
    }

    @Override
    public void enqueue(Digest artifact, RepositoryName repository, Trigger trigger, Instant now) {
        db.write(h -> {
            String merge = trigger == Trigger.REMATCH
                    ? "UPDATE scan_jobs SET rematch_set = NULL WHERE artifact = :a AND lease_owner IS NULL"
                    // A full scan replaces a pending re-match, and runs at the better of the two priorities.
                    : "UPDATE scan_jobs SET trigger_kind = CASE WHEN trigger_kind = 'rematch' OR priority > :p"
                            + " THEN :t ELSE trigger_kind END, priority = LEAST(priority, :p), rematch_set = NULL"
                            + " WHERE artifact = :a AND lease_owner IS NULL";
            int merged = h.createUpdate(merge)
                    .bind("a", artifact.toString())
                    .bind("p", trigger.priority())
                    .bind("t", trigger.label())
                    .execute();
            if (merged == 0) {
                h.createUpdate("INSERT INTO scan_jobs (artifact, repository, trigger_kind, priority, enqueued_at,"
                                + " attempts) VALUES (:a, :r, :t, :p, :now, 0)")
                        .bind("a", artifact.toString())
                        .bind("r", repository.toString())
                        .bind("t", trigger.label())
                        .bind("p", trigger.priority())
                        .bind("now", Database.timestamp(now))
                        .execute();
            }
            return null;
        });
    }

    @Override
    public int enqueueRematch(Collection<IndexKey> changed, Instant now) {
        if (changed.isEmpty()) {
            return 0;
        }
        long set = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        return db.write(h -> {
            // Which stored packages the change names, image by image: one join over the (covering) key index,
            // grouped here into one list per image.
            Database.inBatches(
                    h,
                    "INSERT INTO scan_rematch_keys (set_id, ecosystem, name) VALUES (:s, :e, :n)",
                    new HashSet<>(changed),
                    (b, k) -> b.bind("s", set).bind("e", k.ecosystem()).bind("n", k.name()));
            Map<String, List<Integer>> lists = new TreeMap<>();
            h.createQuery("SELECT p.artifact, p.seq FROM scan_rematch_keys k JOIN scan_package_keys p ON p.ecosystem ="
                            + " k.ecosystem AND p.name = k.name WHERE k.set_id = :s")
                    .bind("s", set)
                    .setFetchSize(BATCH)
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                    .forEach(e -> lists.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                            .add(e.getValue()));
            h.createUpdate("DELETE FROM scan_rematch_keys WHERE set_id = :s")
                    .bind("s", set)
                    .execute();
            int queued = 0;
            for (List<String> chunk : chunks(lists.keySet())) {
                // A pending re-match of another change now has two changes to apply: it re-matches everything.
                h.createUpdate("UPDATE scan_jobs SET rematch_set = NULL WHERE lease_owner IS NULL AND trigger_kind ="
                                + " 'rematch' AND rematch_set IS NOT NULL AND artifact IN (<a>)")
                        .bindList("a", chunk)
                        .execute();
                // A pending scan of any kind re-reads or re-matches everything: no new job, no list.
                queued += h.createUpdate("INSERT INTO scan_jobs (artifact, repository, trigger_kind, priority,"
                                + " rematch_set, enqueued_at, attempts) SELECT r.artifact, r.repository, 'rematch',"
                                + " :p, :s, :now, 0 FROM scan_reports r WHERE r.artifact IN (<a>) AND NOT EXISTS"
                                + " (SELECT 1 FROM scan_jobs j WHERE j.artifact = r.artifact AND j.lease_owner IS"
                                + " NULL)")
                        .bindList("a", chunk)
                        .bind("s", set)
                        .bind("p", Trigger.REMATCH.priority())
                        .bind("now", Database.timestamp(now))
                        .execute();
            }
            Database.inBatches(
                    h,
                    "INSERT INTO scan_rematch_lists (set_id, artifact, seqs) SELECT :s, :a, :q WHERE EXISTS (SELECT 1"
                            + " FROM scan_jobs WHERE artifact = :a AND rematch_set = :s)",
                    lists.entrySet(),
                    (b, e) -> b.bind("s", set).bind("a", e.getKey()).bind("q", commaSeparated(e.getValue())));
            return queued;
        });
    }

    @Override
    public int enqueueRescans(String extractorVersion, Instant now) {
        return db.write(h -> h.createUpdate("INSERT INTO scan_jobs (artifact, repository, trigger_kind, priority,"
                        + " enqueued_at, attempts) SELECT r.artifact, r.repository, 'rescan', :p, :now, 0 FROM"
                        + " scan_reports r WHERE r.extractor_version <> :v AND NOT EXISTS (SELECT 1 FROM scan_jobs j"
                        + " WHERE j.artifact = r.artifact AND j.lease_owner IS NULL)")
                .bind("v", extractorVersion)
                .bind("p", Trigger.RESCAN.priority())
                .bind("now", Database.timestamp(now))
                .execute());
    }

    @Override
    public List<Job> claim(String owner, int max, Optional<Trigger> trigger, Duration lease, Instant now) {
        // A token per claim, so the SELECT below returns exactly the rows this UPDATE took.
        String token =
                owner + ":" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String only = trigger.map(t -> " AND trigger_kind = :t").orElse("");
        return db.write(
                h -> {
                    // The candidates first, then both statements by primary key: with thousands of re-matches
                    // queued, finding the claimed rows by owner walked the whole queue at every claim.
                    List<Long> ids = h.createQuery("SELECT id FROM scan_jobs WHERE " + DUE + only
                                    + " ORDER BY priority, id LIMIT :max")
                            .bind("now", Database.timestamp(now))
                            .bind("t", trigger.map(Trigger::label).orElse(""))
                            .bind("max", max)
                            .mapTo(Long.class)
                            .list();
                    if (ids.isEmpty()) {
                        return List.<Job>of();
                    }
                    int claimed = h.createUpdate("UPDATE scan_jobs SET lease_owner = :o, lease_expires = :until,"
                                    + " attempts = attempts + 1 WHERE id IN (<ids>) AND " + DUE)
                            .bindList("ids", ids)
                            .bind("o", token)
                            .bind("until", Database.timestamp(now.plus(lease)))
                            .bind("now", Database.timestamp(now))
                            .execute();
                    if (claimed == 0) {
                        return List.<Job>of();
                    }
                    return h.createQuery("SELECT id, artifact, repository, trigger_kind, rematch_set, attempts FROM"
                                    + " scan_jobs WHERE id IN (<ids>) AND lease_owner = :o ORDER BY priority, id")
                            .bindList("ids", ids)
                            .bind("o", token)
                            .map((rs, ctx) -> job(rs, token))
                            .list();
                },
                jobs -> !jobs.isEmpty());
    }

    private static Job job(ResultSet rs, String owner) throws SQLException {
        long set = rs.getLong("rematch_set");
        OptionalLong rematchSet = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(set);
        return new Job(
                rs.getLong("id"),
                Digest.parse(rs.getString("artifact")),
                RepositoryName.parse(rs.getString("repository")),
                Trigger.valueOf(rs.getString("trigger_kind").toUpperCase(Locale.ROOT)),
                rematchSet,
                rs.getInt("attempts"),
                owner);
    }

    @Override
    public boolean renew(Collection<Job> jobs, Duration lease, Instant now) {
        // Like finish: only rows still held under the claim token, so a job taken over is left to its new holder.
        var until = Database.timestamp(now.plus(lease));
        int renewed = db.write(h -> Database.inBatches(
                h,
                "UPDATE scan_jobs SET lease_expires = :until WHERE id = :id AND lease_owner = :o",
                jobs,
                (b, j) -> b.bind("until", until).bind("id", j.id()).bind("o", j.owner())));
        return renewed == jobs.size();
    }

    @Override
    public void finish(Collection<Job> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        db.write(h -> {
            finish(h, jobs);
            return null;
        });
    }

    private static void finish(Handle h, Collection<Job> jobs) {
        Database.inBatches(
                h,
                "DELETE FROM scan_jobs WHERE id = :id AND lease_owner = :o",
                jobs,
                (b, j) -> b.bind("id", j.id()).bind("o", j.owner()));
        // The package lists of finished re-matches, unless a newer job of the same change still needs one.
        Database.inBatches(
                h,
                "DELETE FROM scan_rematch_lists WHERE set_id = :s AND artifact = :a AND NOT EXISTS (SELECT 1 FROM"
                        + " scan_jobs WHERE rematch_set = :s AND artifact = :a)",
                jobs.stream().filter(j -> j.rematchSet().isPresent()).toList(),
                (b, j) -> b.bind("s", j.rematchSet().getAsLong())
                        .bind("a", j.artifact().toString()));
    }

    @Override
    public boolean queued(Digest artifact) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM scan_jobs WHERE artifact = :a")
                        .bind("a", artifact.toString())
                        .mapTo(Long.class)
                        .one())
                > 0;
    }

    @Override
    public Map<Trigger, Long> depth() {
        return db.read(h -> {
            Map<Trigger, Long> out = new EnumMap<>(Trigger.class);
            for (Trigger t : Trigger.values()) {
                out.put(t, 0L);
            }
            h.createQuery("SELECT trigger_kind, COUNT(*) AS n FROM scan_jobs GROUP BY trigger_kind")
                    .map((rs, ctx) -> Map.entry(
                            Trigger.valueOf(rs.getString("trigger_kind").toUpperCase(Locale.ROOT)), rs.getLong("n")))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }

    @Override
    public void save(StoredReport report, Optional<List<PackageRow>> packages) {
        db.write(h -> {
            Optional<String> stored = h.createQuery("SELECT status FROM scan_reports WHERE artifact = :a")
                    .bind("a", report.artifact().toString())
                    .mapTo(String.class)
                    .findOne();
            if (report.status() == ScanStatus.FAILED
                    && stored.map(s -> s.equals(ScanStatus.COMPLETE.name())).orElse(false)) {
                // Keep the last good report; say that the latest attempt failed, and why.
                h.createUpdate("UPDATE scan_reports SET last_error = :e, last_error_at = :at WHERE artifact = :a")
                        .bind("a", report.artifact().toString())
                        .bind("e", truncate(report.lastError().orElse("scan failed"), 2048))
                        .bind("at", Database.timestamp(report.scannedAt()))
                        .execute();
                return null;
            }
            String sql = stored.isPresent()
                    ? "UPDATE scan_reports SET repository = :r, status = :s, scanned_at = :at, extractor_version = :x,"
                            + " database_version = :d, report = :j, children = :c, last_error = NULL, last_error_at ="
                            + " NULL WHERE artifact = :a"
                    : "INSERT INTO scan_reports (artifact, repository, status, scanned_at, extractor_version,"
                            + " database_version, report, children) VALUES (:a, :r, :s, :at, :x, :d, :j, :c)";
            h.createUpdate(sql)
                    .bind("a", report.artifact().toString())
                    .bind("r", report.repository().toString())
                    .bind("s", report.status().name())
                    .bind("at", Database.timestamp(report.scannedAt()))
                    .bind("x", report.extractorVersion())
                    .bind("d", report.databaseVersion())
                    .bind("j", report.json())
                    .bind("c", commaSeparated(report.children()))
                    .execute();
            if (packages.isPresent()) {
                for (String table : List.of("scan_package_keys", "scan_packages")) {
                    h.createUpdate("DELETE FROM " + table + " WHERE artifact = :a")
                            .bind("a", report.artifact().toString())
                            .execute();
                }
                List<PackageRow> rows = packages.get();
                List<Integer> seqs =
                        java.util.stream.IntStream.range(0, rows.size()).boxed().toList();
                Database.inBatches(
                        h,
                        "INSERT INTO scan_package_keys (artifact, seq, ecosystem, name) VALUES (:a, :s, :e, :n)",
                        seqs,
                        (b, i) -> b.bind("a", report.artifact().toString())
                                .bind("s", i)
                                .bind("e", rows.get(i).key().ecosystem())
                                .bind("n", rows.get(i).key().name()));
                Database.inBatches(
                        h,
                        "INSERT INTO scan_packages (artifact, seq, package) VALUES (:a, :s, :j)",
                        seqs,
                        (b, i) -> b.bind("a", report.artifact().toString())
                                .bind("s", i)
                                .bind("j", rows.get(i).json()));
            }
            return null;
        });
    }

    @Override
    public void saveRematched(Collection<StoredReport> reports, Collection<Job> finished) {
        db.write(h -> {
            Database.inBatches(
                    h,
                    "UPDATE scan_reports SET status = :s, scanned_at = :at, database_version = :d, report = :j"
                            + " WHERE artifact = :a",
                    reports,
                    (b, r) -> b.bind("a", r.artifact().toString())
                            .bind("s", r.status().name())
                            .bind("at", Database.timestamp(r.scannedAt()))
                            .bind("d", r.databaseVersion())
                            .bind("j", r.json()));
            finish(h, finished);
            return null;
        });
    }

    @Override
    public Optional<StoredReport> report(Digest artifact) {
        return Optional.ofNullable(reports(List.of(artifact)).get(artifact));
    }

    @Override
    public Map<Digest, StoredReport> reports(Collection<Digest> artifacts) {
        Map<Digest, StoredReport> out = new LinkedHashMap<>();
        for (List<String> chunk : chunks(artifacts)) {
            db.read(h -> {
                h.createQuery("SELECT " + REPORT_COLUMNS + " FROM scan_reports WHERE artifact IN (<a>)")
                        .bindList("a", chunk)
                        .map((rs, ctx) -> report(rs))
                        .forEach(r -> out.put(r.artifact(), r));
                return null;
            });
        }
        return out;
    }

    private static StoredReport report(ResultSet rs) throws SQLException {
        String children = rs.getString("children");
        return new StoredReport(
                Digest.parse(rs.getString("artifact")),
                RepositoryName.parse(rs.getString("repository")),
                ScanStatus.valueOf(rs.getString("status")),
                Database.instant(rs, "scanned_at"),
                rs.getString("extractor_version"),
                rs.getString("database_version"),
                rs.getString("report"),
                children.isEmpty()
                        ? List.of()
                        : Arrays.stream(children.split(",")).map(Digest::parse).toList(),
                Optional.ofNullable(rs.getString("last_error")),
                rs.getObject("last_error_at") == null
                        ? Optional.empty()
                        : Optional.of(Database.instant(rs, "last_error_at")));
    }

    @Override
    public Map<Digest, List<PackageRow>> packages(Collection<Digest> artifacts, OptionalLong rematchSet) {
        if (rematchSet.isPresent()) {
            return listedPackages(artifacts, rematchSet.getAsLong());
        }
        Map<Digest, List<PackageRow>> out = new LinkedHashMap<>();
        for (List<String> chunk : chunks(artifacts)) {
            db.read(h -> {
                h.createQuery("SELECT i.artifact, i.ecosystem, i.name, p.package FROM scan_package_keys i JOIN"
                                + " scan_packages p ON p.artifact = i.artifact AND p.seq = i.seq WHERE i.artifact IN"
                                + " (<a>) ORDER BY i.artifact, i.seq")
                        .bindList("a", chunk)
                        .setFetchSize(BATCH)
                        .map((rs, ctx) -> Map.entry(Digest.parse(rs.getString("artifact")), packageRow(rs)))
                        .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                                .add(e.getValue()));
                return null;
            });
        }
        return out;
    }

    /** The packages a change listed for each image: its list, then one primary-key lookup per package. */
    private Map<Digest, List<PackageRow>> listedPackages(Collection<Digest> artifacts, long set) {
        Map<Digest, List<PackageRow>> out = new LinkedHashMap<>();
        for (List<String> chunk : chunks(artifacts)) {
            db.read(h -> {
                Map<String, String> lists = new LinkedHashMap<>();
                h.createQuery("SELECT artifact, seqs FROM scan_rematch_lists WHERE artifact IN (<a>) AND set_id = :s"
                                + " ORDER BY artifact")
                        .bindList("a", chunk)
                        .bind("s", set)
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                        .forEach(e -> lists.put(e.getKey(), e.getValue()));
                try (var lookup = h.getConnection()
                        .prepareStatement("SELECT i.ecosystem, i.name, p.package FROM scan_package_keys i JOIN"
                                + " scan_packages p ON p.artifact = i.artifact AND p.seq = i.seq WHERE i.artifact = ?"
                                + " AND i.seq = ?")) {
                    for (var list : lists.entrySet()) {
                        List<PackageRow> rows = new ArrayList<>();
                        for (String seq : list.getValue().split(",")) {
                            lookup.setString(1, list.getKey());
                            lookup.setInt(2, Integer.parseInt(seq));
                            try (ResultSet rs = lookup.executeQuery()) {
                                while (rs.next()) {
                                    rows.add(packageRow(rs));
                                }
                            }
                        }
                        out.put(Digest.parse(list.getKey()), rows);
                    }
                } catch (SQLException e) {
                    throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
                }
                return null;
            });
        }
        return out;
    }

    private static PackageRow packageRow(ResultSet rs) throws SQLException {
        return new PackageRow(new IndexKey(rs.getString("ecosystem"), rs.getString("name")), rs.getString("package"));
    }

    @Override
    public Map<ScanStatus, Long> countByStatus() {
        return db.read(h -> {
            Map<ScanStatus, Long> out = new EnumMap<>(ScanStatus.class);
            h.createQuery("SELECT status, COUNT(*) AS n FROM scan_reports GROUP BY status")
                    .map((rs, ctx) -> Map.entry(ScanStatus.valueOf(rs.getString("status")), rs.getLong("n")))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }

    /** A list column's value ("3,17,42", "sha256:..,sha256:.."): what the child and re-match lists store. */
    private static String commaSeparated(Collection<?> items) {
        return String.join(",", items.stream().map(String::valueOf).toList());
    }

    /** Digests (or strings), each once, in groups of {@link #BATCH} for IN lists. */
    private static List<List<String>> chunks(Collection<?> items) {
        List<List<String>> out = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (Object d : new java.util.LinkedHashSet<>(items)) {
            current.add(d.toString());
            if (current.size() == BATCH) {
                out.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}

package io.gatehouse.storage.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.audit.AuditCheckpoint;
import io.gatehouse.core.audit.AuditEntry;
import io.gatehouse.core.audit.AuditQuery;
import io.gatehouse.core.audit.AuditRecord;
import io.gatehouse.core.audit.AuditStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The audit log in {@code audit_records}. Allowed pulls, the bulk of any busy log, are stored many to a row: each
 * run of consecutive allowed pulls in one append becomes a batch row (V12, {@link AuditBatchCodec}) holding
 * every record with its own hashes; every other record (denials, pushes, admin changes, ...) keeps a row of its
 * own with indexed columns. Reads merge both in sequence order; batch rows are expanded and filtered here,
 * restricted by their time range.
 */
final class JdbcAuditStore implements AuditStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Records per batch row at most (bounds a row's size to about half a MiB). */
    static final int BATCH_RECORDS = 5000;
    /** Batch rows read per query when expanding them. */
    private static final int BATCH_ROWS = 8;

    private static final String BATCH_KIND = "pull-batch";
    private static final String COLUMNS = "sequence, at, kind, principal, principal_type, auth_method, source_address,"
            + " user_agent, action, project, repository, reference, result, reason, request_id, details,"
            + " previous_hash, hash";

    private final Database db;

    JdbcAuditStore(Database db) {
        this.db = db;
    }

    @Override
    public void append(List<AuditRecord> records) {
        append(records, null, 0);
    }

    @Override
    public long journalPosition(String node) {
        return db.read(h -> h.createQuery("SELECT position FROM audit_journal_positions WHERE node = :node")
                .bind("node", node)
                .mapTo(Long.class)
                .findOne()
                .orElse(0L));
    }

    @Override
    public void append(List<AuditRecord> records, String node, long position) {
        if (records.isEmpty() && node == null) {
            return;
        }
        long first = records.isEmpty() ? 0 : records.getFirst().sequence();
        db.write(h -> {
            if (node != null) {
                int updated = h.createUpdate(
                                "UPDATE audit_journal_positions SET position = :position WHERE node = :node")
                        .bind("position", position)
                        .bind("node", node)
                        .execute();
                if (updated == 0) {
                    h.createUpdate("INSERT INTO audit_journal_positions (node, position) VALUES (:node, :position)")
                            .bind("node", node)
                            .bind("position", position)
                            .execute();
                }
                if (records.isEmpty()) {
                    return null;
                }
            }
            // A concurrent writer's rows are visible once committed; a clash on the key is retried by
            // Database.write, and the retry lands here.
            long last = h.createQuery(
                            "SELECT sequence, last_sequence FROM audit_records ORDER BY sequence DESC LIMIT 1")
                    .map((rs, ctx) -> rs.getObject("last_sequence") == null
                            ? rs.getLong("sequence")
                            : rs.getLong("last_sequence"))
                    .findOne()
                    .orElse(0L);
            if (last != first - 1 && !(last == 0 && anchored(h, first - 1))) {
                throw new SequenceTaken(first);
            }
            insert(h.getConnection(), records);
            return null;
        });
    }

    /** Whether a record goes into a batch row: an allowed pull, the one kind a busy registry makes by the thousand. */
    static boolean batched(AuditEntry e) {
        return "access".equals(e.kind()) && "pull".equals(e.action()) && AuditEntry.ALLOWED.equals(e.result());
    }

    /**
     * Plain JDBC batch: the writer appends thousands of records per transaction, and binding each of 18 columns
     * through Jdbi's named-argument machinery cost more than the insert itself. Runs of allowed pulls become
     * batch rows, the rest a row each.
     */
    private static void insert(Connection connection, List<AuditRecord> records) {
        try (PreparedStatement single = connection.prepareStatement("INSERT INTO audit_records (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement batch = connection.prepareStatement("INSERT INTO audit_records (sequence, at, kind,"
                        + " details, previous_hash, hash, last_sequence, last_at, records)"
                        + " VALUES (?, ?, '" + BATCH_KIND + "', '{}', ?, ?, ?, ?, ?)")) {
            int singles = 0;
            int runStart = -1;
            for (int i = 0; i <= records.size(); i++) {
                boolean pull = i < records.size() && batched(records.get(i).entry());
                if (runStart >= 0 && (!pull || i - runStart == BATCH_RECORDS)) {
                    addBatchRow(batch, records.subList(runStart, i));
                    runStart = -1;
                }
                if (i == records.size()) {
                    break;
                }
                if (pull) {
                    runStart = runStart < 0 ? i : runStart;
                } else {
                    addSingleRow(single, records.get(i));
                    singles++;
                }
            }
            if (singles > 0) {
                single.executeBatch();
            }
            if (singles < records.size()) {
                batch.executeBatch();
            }
        } catch (SQLException e) {
            // Database.write retries clashes (a unique violation on the sequence) and reports the rest.
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    private static void addSingleRow(PreparedStatement insert, AuditRecord r) throws SQLException {
        AuditEntry e = r.entry();
        insert.setLong(1, r.sequence());
        insert.setObject(2, utc(e.at()));
        insert.setString(3, e.kind());
        insert.setString(4, e.principal());
        insert.setString(5, e.principalType());
        insert.setString(6, e.authMethod());
        insert.setString(7, e.sourceAddress());
        insert.setString(8, e.userAgent());
        insert.setString(9, e.action());
        insert.setString(10, e.project());
        insert.setString(11, e.repository());
        insert.setString(12, e.reference());
        insert.setString(13, e.result());
        insert.setString(14, e.reason());
        insert.setString(15, e.requestId());
        insert.setString(16, json(e.details()));
        insert.setString(17, r.previousHash());
        insert.setString(18, r.hash());
        insert.addBatch();
    }

    private static void addBatchRow(PreparedStatement insert, List<AuditRecord> run) throws SQLException {
        Instant min = run.getFirst().entry().at();
        Instant max = min;
        for (AuditRecord r : run) {
            Instant at = r.entry().at();
            min = at.isBefore(min) ? at : min;
            max = at.isAfter(max) ? at : max;
        }
        insert.setLong(1, run.getFirst().sequence());
        insert.setObject(2, utc(min));
        insert.setString(3, run.getFirst().previousHash());
        insert.setString(4, run.getLast().hash());
        insert.setLong(5, run.getLast().sequence());
        insert.setObject(6, utc(max));
        insert.setBytes(7, AuditBatchCodec.encode(run));
        insert.addBatch();
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    /** After retention deleted every record, the chain continues from the anchoring checkpoint. */
    private static boolean anchored(org.jdbi.v3.core.Handle h, long sequence) {
        return h.createQuery("SELECT COUNT(*) FROM audit_checkpoints WHERE sequence = :s")
                        .bind("s", sequence)
                        .mapTo(Long.class)
                        .one()
                > 0;
    }

    @Override
    public Optional<AuditRecord> last() {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + ", last_at, records FROM audit_records"
                        + " ORDER BY sequence DESC LIMIT 1")
                .map((rs, ctx) ->
                        rs.getBytes("records") == null ? record(rs) : expand(rs).getLast())
                .findOne());
    }

    @Override
    public List<AuditRecord> after(long after, int limit) {
        return find(AuditQuery.ALL, after, limit);
    }

    /**
     * Rows of their own are filtered in SQL as before; batch rows (only allowed pulls) are read only when the query
     * can match an allowed pull, restricted by sequence and time range in SQL, then expanded and filtered here. The
     * two are merged in sequence order.
     */
    @Override
    public List<AuditRecord> find(AuditQuery q, long after, int limit) {
        return db.read(h -> {
            if (!q.action().map("pull"::equals).orElse(true)
                    || !q.result().map(AuditEntry.ALLOWED::equals).orElse(true)) {
                return singles(h, q, after, Long.MAX_VALUE, limit);
            }
            // Batched records first: past the last of a full page no single row can make it onto the page, and
            // without that bound a page of a log made mostly of batch rows would scan to its end for singles.
            List<AuditRecord> batched = batched(h, q, after, Long.MAX_VALUE, limit);
            long through = batched.size() == limit ? batched.getLast().sequence() : Long.MAX_VALUE;
            return merge(singles(h, q, after, through, limit), batched, limit);
        });
    }

    /** Records with rows of their own matching {@code q}, sequence in ({@code after}, {@code through}]. */
    private static List<AuditRecord> singles(Handle h, AuditQuery q, long after, long through, int limit) {
        var sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_records WHERE sequence > :after"
                + " AND sequence <= :through AND records IS NULL");
        q.since().ifPresent(x -> sql.append(" AND at >= :since"));
        q.until().ifPresent(x -> sql.append(" AND at < :until"));
        q.principal().ifPresent(x -> sql.append(" AND principal = :principal"));
        q.repository().ifPresent(x -> sql.append(" AND repository = :repository"));
        q.action().ifPresent(x -> sql.append(" AND action = :action"));
        q.result().ifPresent(x -> sql.append(" AND result = :result"));
        q.requestId().ifPresent(x -> sql.append(" AND request_id = :requestId"));
        sql.append(" ORDER BY sequence LIMIT :limit");
        Query query = h.createQuery(sql.toString())
                .bind("after", after)
                .bind("through", through)
                .bind("limit", limit);
        q.since().ifPresent(x -> query.bind("since", Database.timestamp(x)));
        q.until().ifPresent(x -> query.bind("until", Database.timestamp(x)));
        q.principal().ifPresent(x -> query.bind("principal", x));
        q.repository().ifPresent(x -> query.bind("repository", x));
        q.action().ifPresent(x -> query.bind("action", x));
        q.result().ifPresent(x -> query.bind("result", x));
        q.requestId().ifPresent(x -> query.bind("requestId", x));
        return query.map((rs, ctx) -> record(rs)).list();
    }

    /** Batched records matching {@code q} with a sequence in ({@code after}, {@code through}], at most limit. */
    private static List<AuditRecord> batched(Handle h, AuditQuery q, long after, long through, int limit) {
        // Through the last_sequence index, which holds only batch rows (single rows have none): a page never
        // walks over single rows to find batch rows.
        var sql = new StringBuilder("SELECT sequence, at, last_at, records FROM audit_records"
                + " WHERE last_sequence > :from AND sequence <= :through");
        q.since().ifPresent(x -> sql.append(" AND last_at >= :since"));
        q.until().ifPresent(x -> sql.append(" AND at < :until"));
        sql.append(" ORDER BY last_sequence LIMIT " + BATCH_ROWS);
        Predicate<AuditEntry> matches = matcher(q);
        List<AuditRecord> out = new ArrayList<>();
        long from = after;
        while (true) {
            Query query = h.createQuery(sql.toString()).bind("from", from).bind("through", through);
            q.since().ifPresent(x -> query.bind("since", Database.timestamp(x)));
            q.until().ifPresent(x -> query.bind("until", Database.timestamp(x)));
            List<List<AuditRecord>> rows = query.map((rs, ctx) -> expand(rs)).list();
            for (List<AuditRecord> row : rows) {
                for (AuditRecord r : row) {
                    if (r.sequence() > after && r.sequence() <= through && matches.test(r.entry())) {
                        out.add(r);
                        if (out.size() == limit) {
                            return out;
                        }
                    }
                }
            }
            if (rows.size() < BATCH_ROWS) {
                return out;
            }
            from = lastSequence(h, rows.getLast().getFirst().sequence());
        }
    }

    private static long lastSequence(Handle h, long rowSequence) {
        return h.createQuery("SELECT last_sequence FROM audit_records WHERE sequence = :s")
                .bind("s", rowSequence)
                .mapTo(Long.class)
                .one();
    }

    /** The query's filters as SQL applies them to single rows (times compared in microseconds, as stored). */
    private static Predicate<AuditEntry> matcher(AuditQuery q) {
        Optional<Instant> since = q.since().map(t -> t.truncatedTo(ChronoUnit.MICROS));
        Optional<Instant> until = q.until().map(t -> t.truncatedTo(ChronoUnit.MICROS));
        return e -> since.map(t -> !e.at().isBefore(t)).orElse(true)
                && until.map(t -> e.at().isBefore(t)).orElse(true)
                && q.principal().map(p -> p.equals(e.principal())).orElse(true)
                && q.repository().map(r -> r.equals(e.repository())).orElse(true)
                && q.requestId().map(r -> r.equals(e.requestId())).orElse(true);
    }

    private static List<AuditRecord> merge(List<AuditRecord> a, List<AuditRecord> b, int limit) {
        if (b.isEmpty()) {
            return a;
        }
        List<AuditRecord> out = new ArrayList<>(Math.min(limit, a.size() + b.size()));
        int i = 0;
        int j = 0;
        while (out.size() < limit && (i < a.size() || j < b.size())) {
            boolean takeA = j == b.size()
                    || (i < a.size() && a.get(i).sequence() < b.get(j).sequence());
            out.add(takeA ? a.get(i++) : b.get(j++));
        }
        return out;
    }

    /**
     * The records of the batch row {@code rs} is on. A record whose time lies outside the row's indexed range (the
     * row's {@code at} or {@code last_at} were edited, hiding it from time-filtered queries) comes back with a
     * hash that cannot match, so the verifier names it as modified.
     */
    private static List<AuditRecord> expand(ResultSet rs) throws SQLException {
        Instant from = Database.instant(rs, "at");
        Instant to = Database.instant(rs, "last_at");
        List<AuditRecord> records = AuditBatchCodec.decode(rs.getLong("sequence"), from, rs.getBytes("records"));
        for (int i = 0; i < records.size(); i++) {
            AuditRecord r = records.get(i);
            if (r.entry().at().isBefore(from) || r.entry().at().isAfter(to)) {
                records.set(i, new AuditRecord(r.sequence(), r.entry(), r.previousHash(), AuditRecord.GENESIS));
            }
        }
        return records;
    }

    /** Replaces a checkpoint at the same sequence (retention re-signs one as the log's new start). */
    @Override
    public void addCheckpoint(AuditCheckpoint c) {
        db.write(h -> {
            h.createUpdate("DELETE FROM audit_checkpoints WHERE sequence = :sequence")
                    .bind("sequence", c.sequence())
                    .execute();
            return h.createUpdate("INSERT INTO audit_checkpoints (sequence, hash, at, retention_cutoff, key_id,"
                            + " signature) VALUES (:sequence, :hash, :at, :cutoff, :keyId, :signature)")
                    .bind("sequence", c.sequence())
                    .bind("hash", c.hash())
                    .bind("at", Database.timestamp(c.at()))
                    .bind("cutoff", c.retentionCutoff().map(Database::timestamp).orElse(NULL_TIMESTAMP))
                    .bind("keyId", c.keyId())
                    .bind("signature", c.signature())
                    .execute();
        });
    }

    private static final org.jdbi.v3.core.argument.Argument NULL_TIMESTAMP =
            (position, statement, ctx) -> statement.setNull(position, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);

    @Override
    public List<AuditCheckpoint> checkpoints() {
        return db.read(h -> h.createQuery("SELECT sequence, hash, at, retention_cutoff, key_id, signature"
                        + " FROM audit_checkpoints ORDER BY sequence")
                .map((rs, ctx) -> new AuditCheckpoint(
                        rs.getLong("sequence"),
                        rs.getString("hash").trim(),
                        Database.instant(rs, "at"),
                        rs.getObject("retention_cutoff") == null
                                ? Optional.empty()
                                : Optional.of(Database.instant(rs, "retention_cutoff")),
                        rs.getString("key_id"),
                        rs.getString("signature")))
                .list());
    }

    @Override
    public Optional<Long> lastSequenceBefore(Instant instant) {
        return db.read(h -> {
            Optional<Long> single = h.createQuery(
                            "SELECT MAX(sequence) FROM audit_records WHERE at < :at AND records IS NULL")
                    .bind("at", Database.timestamp(instant))
                    .mapTo(Long.class)
                    .findOne();
            // The last batch row that starts before the instant holds the last batched record before it.
            Instant cutoff = instant.truncatedTo(ChronoUnit.MICROS);
            Optional<Long> batched = h.createQuery("SELECT sequence, at, last_at, records FROM audit_records WHERE"
                            + " sequence = (SELECT MAX(sequence) FROM audit_records WHERE at < :at"
                            + " AND records IS NOT NULL)")
                    .bind("at", Database.timestamp(instant))
                    .map((rs, ctx) -> expand(rs))
                    .findOne()
                    .flatMap(row -> row.stream()
                            .filter(r -> r.entry().at().isBefore(cutoff))
                            .map(AuditRecord::sequence)
                            .max(Long::compare));
            return Stream.of(single, batched).flatMap(Optional::stream).max(Long::compare);
        });
    }

    /** A batch row that holds {@code sequence} and later records keeps the later ones, re-encoded. */
    @Override
    public int deleteThrough(long sequence) {
        return db.write(
                h -> {
                    h.createUpdate("DELETE FROM audit_checkpoints WHERE sequence < :s")
                            .bind("s", sequence)
                            .execute();
                    int trimmed = 0;
                    Optional<List<AuditRecord>> straddling = h.createQuery(
                                    "SELECT sequence, at, last_at, records FROM audit_records WHERE sequence <= :s"
                                            + " AND sequence > :from AND last_sequence > :s AND records IS NOT NULL")
                            .bind("s", sequence)
                            .bind("from", sequence - BATCH_RECORDS)
                            .map((rs, ctx) -> expand(rs))
                            .findOne();
                    List<AuditRecord> rest = straddling.orElse(List.of()).stream()
                            .filter(r -> r.sequence() > sequence)
                            .toList();
                    if (!rest.isEmpty()) {
                        List<AuditRecord> row = straddling.get();
                        Instant min = rest.stream()
                                .map(r -> r.entry().at())
                                .min(Instant::compareTo)
                                .orElseThrow();
                        h.createUpdate(
                                        "UPDATE audit_records SET sequence = :first, at = :at, previous_hash = :previous,"
                                                + " records = :records WHERE sequence = :old")
                                .bind("first", rest.getFirst().sequence())
                                .bind("at", Database.timestamp(min))
                                .bind("previous", rest.getFirst().previousHash())
                                .bind("records", AuditBatchCodec.encode(rest))
                                .bind("old", row.getFirst().sequence())
                                .execute();
                        trimmed = row.size() - rest.size();
                    }
                    long batchedRecords = h.createQuery("SELECT COALESCE(SUM(last_sequence - sequence), 0)"
                                    + " FROM audit_records WHERE sequence <= :s AND records IS NOT NULL")
                            .bind("s", sequence)
                            .mapTo(Long.class)
                            .one();
                    int rows = h.createUpdate("DELETE FROM audit_records WHERE sequence <= :s")
                            .bind("s", sequence)
                            .execute();
                    return rows + (int) batchedRecords + trimmed;
                },
                n -> true);
    }

    @Override
    public boolean recordsPulls(String project) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM audit_pull_exemptions WHERE project = :p")
                        .bind("p", project)
                        .mapTo(Long.class)
                        .one())
                == 0;
    }

    @Override
    public void setRecordsPulls(String project, boolean record) {
        db.write(h -> record
                ? h.createUpdate("DELETE FROM audit_pull_exemptions WHERE project = :p")
                        .bind("p", project)
                        .execute()
                : h.createUpdate("INSERT INTO audit_pull_exemptions (project) VALUES (:p) ON CONFLICT DO NOTHING")
                        .bind("p", project)
                        .execute());
    }

    @Override
    public List<String> projectsNotRecordingPulls() {
        return db.read(h -> h.createQuery("SELECT project FROM audit_pull_exemptions ORDER BY project")
                .mapTo(String.class)
                .list());
    }

    private static AuditRecord record(ResultSet rs) throws SQLException {
        var entry = new AuditEntry(
                Database.instant(rs, "at"),
                rs.getString("kind"),
                rs.getString("principal"),
                rs.getString("principal_type"),
                rs.getString("auth_method"),
                rs.getString("source_address"),
                rs.getString("user_agent"),
                rs.getString("action"),
                rs.getString("project"),
                rs.getString("repository"),
                rs.getString("reference"),
                rs.getString("result"),
                rs.getString("reason"),
                rs.getString("request_id"),
                details(rs.getString("details")));
        return new AuditRecord(
                rs.getLong("sequence"),
                entry,
                rs.getString("previous_hash").trim(),
                rs.getString("hash").trim());
    }

    private static String json(Map<String, String> details) {
        if (details.isEmpty()) {
            return "{}"; // access decisions, most records, have none
        }
        try {
            return JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> details(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
        } catch (JsonProcessingException e) {
            // A record edited into unreadable details still lists (verify reports it as modified).
            return Map.of("unreadable", json);
        }
    }
}

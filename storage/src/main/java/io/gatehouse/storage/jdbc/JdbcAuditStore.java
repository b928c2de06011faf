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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

final class JdbcAuditStore implements AuditStore {
    private static final ObjectMapper JSON = new ObjectMapper();
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
            long last = h.createQuery("SELECT COALESCE(MAX(sequence), 0) FROM audit_records")
                    .mapTo(Long.class)
                    .one();
            if (last != first - 1 && !(last == 0 && anchored(h, first - 1))) {
                throw new SequenceTaken(first);
            }
            insert(h.getConnection(), records);
            return null;
        });
    }

    /**
     * Plain JDBC batch: the writer appends thousands of records per transaction, and binding each of 18 columns
     * through Jdbi's named-argument machinery cost more than the insert itself.
     */
    private static void insert(Connection connection, List<AuditRecord> records) {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_records (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditRecord r : records) {
                AuditEntry e = r.entry();
                insert.setLong(1, r.sequence());
                insert.setObject(2, OffsetDateTime.ofInstant(e.at().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
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
            insert.executeBatch();
        } catch (SQLException e) {
            // Database.write retries clashes (a unique violation on the sequence) and reports the rest.
            throw new UnableToExecuteStatementException(e, null);
        }
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
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM audit_records ORDER BY sequence DESC LIMIT 1")
                .map((rs, ctx) -> record(rs))
                .findOne());
    }

    @Override
    public List<AuditRecord> after(long after, int limit) {
        return find(AuditQuery.ALL, after, limit);
    }

    @Override
    public List<AuditRecord> find(AuditQuery q, long after, int limit) {
        var sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_records WHERE sequence > :after");
        q.since().ifPresent(x -> sql.append(" AND at >= :since"));
        q.until().ifPresent(x -> sql.append(" AND at < :until"));
        q.principal().ifPresent(x -> sql.append(" AND principal = :principal"));
        q.repository().ifPresent(x -> sql.append(" AND repository = :repository"));
        q.action().ifPresent(x -> sql.append(" AND action = :action"));
        q.result().ifPresent(x -> sql.append(" AND result = :result"));
        q.requestId().ifPresent(x -> sql.append(" AND request_id = :requestId"));
        sql.append(" ORDER BY sequence LIMIT :limit");
        return db.read(h -> {
            Query query = h.createQuery(sql.toString()).bind("after", after).bind("limit", limit);
            q.since().ifPresent(x -> query.bind("since", Database.timestamp(x)));
            q.until().ifPresent(x -> query.bind("until", Database.timestamp(x)));
            q.principal().ifPresent(x -> query.bind("principal", x));
            q.repository().ifPresent(x -> query.bind("repository", x));
            q.action().ifPresent(x -> query.bind("action", x));
            q.result().ifPresent(x -> query.bind("result", x));
            q.requestId().ifPresent(x -> query.bind("requestId", x));
            return query.map((rs, ctx) -> record(rs)).list();
        });
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
        return db.read(h -> h.createQuery("SELECT MAX(sequence) FROM audit_records WHERE at < :at")
                .bind("at", Database.timestamp(instant))
                .mapTo(Long.class)
                .findOne());
    }

    @Override
    public int deleteThrough(long sequence) {
        return db.write(
                h -> {
                    h.createUpdate("DELETE FROM audit_checkpoints WHERE sequence < :s")
                            .bind("s", sequence)
                            .execute();
                    return h.createUpdate("DELETE FROM audit_records WHERE sequence <= :s")
                            .bind("s", sequence)
                            .execute();
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

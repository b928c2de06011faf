package io.gatehouse.storage.jdbc;

import io.gatehouse.core.scan.CveAllowlistEntry;
import io.gatehouse.core.scan.ScanPolicy;
import io.gatehouse.core.store.ScanPolicyStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.Update;

/** Pull policies and CVE allowlists over JDBC; the system list is stored under the scope {@code ''}. */
final class JdbcScanPolicies implements ScanPolicyStore {
    private static final String SYSTEM = "";
    private static final String UPDATE_POLICY = "UPDATE scan_policies SET block_severity = :severity,"
            + " block_unscanned = :unscanned, updated_by = :by, updated_at = :at WHERE project = :project";
    private static final String INSERT_POLICY = "INSERT INTO scan_policies (project, block_severity,"
            + " block_unscanned, updated_by, updated_at) VALUES (:project, :severity, :unscanned, :by, :at)";

    private final Database db;

    JdbcScanPolicies(Database db) {
        this.db = db;
    }

    @Override
    public Optional<ScanPolicy> policy(String project) {
        return db.read(h -> h.createQuery(
                        "SELECT block_severity, block_unscanned FROM scan_policies WHERE project = :project")
                .bind("project", project)
                .map((rs, ctx) -> new ScanPolicy(
                        project,
                        ScanPolicy.parseThreshold(rs.getString("block_severity")),
                        rs.getBoolean("block_unscanned")))
                .findOne());
    }

    @Override
    public void putPolicy(ScanPolicy policy, String updatedBy, Instant updatedAt) {
        db.write(h -> {
            // A concurrent first put makes the insert clash; Database retries it, and the update then applies.
            if (bind(h.createUpdate(UPDATE_POLICY), policy, updatedBy, updatedAt)
                            .execute()
                    == 0) {
                bind(h.createUpdate(INSERT_POLICY), policy, updatedBy, updatedAt)
                        .execute();
            }
            return null;
        });
    }

    private static Update bind(Update update, ScanPolicy policy, String updatedBy, Instant updatedAt) {
        return update.bind("project", policy.project())
                .bind("severity", policy.blockSeverityLabel())
                .bind("unscanned", policy.blockUnscanned())
                .bind("by", updatedBy)
                .bind("at", Database.timestamp(updatedAt));
    }

    @Override
    public List<CveAllowlistEntry> allowlist(Optional<String> project) {
        return db.read(h -> h.createQuery("SELECT advisory_id, reason, expires_at, created_by, created_at"
                        + " FROM cve_allowlist WHERE scope = :scope ORDER BY advisory_id")
                .bind("scope", project.orElse(SYSTEM))
                .map((rs, ctx) -> new CveAllowlistEntry(
                        project,
                        rs.getString("advisory_id"),
                        rs.getString("reason"),
                        Database.instant(rs, "expires_at"),
                        rs.getString("created_by"),
                        Database.instant(rs, "created_at")))
                .list());
    }

    @Override
    public void putAllowlistEntry(CveAllowlistEntry e) {
        db.write(h -> {
            h.createUpdate("DELETE FROM cve_allowlist WHERE scope = :scope AND advisory_id = :id")
                    .bind("scope", e.project().orElse(SYSTEM))
                    .bind("id", e.id())
                    .execute();
            h.createUpdate("INSERT INTO cve_allowlist (scope, advisory_id, reason, expires_at, created_by,"
                            + " created_at) VALUES (:scope, :id, :reason, :expires, :by, :at)")
                    .bind("scope", e.project().orElse(SYSTEM))
                    .bind("id", e.id())
                    .bind("reason", e.reason())
                    .bind("expires", Database.timestamp(e.expiresAt()))
                    .bind("by", e.createdBy())
                    .bind("at", Database.timestamp(e.createdAt()))
                    .execute();
            return null;
        });
    }

    @Override
    public boolean removeAllowlistEntry(Optional<String> project, String id) {
        return db.write(
                h -> h.createUpdate("DELETE FROM cve_allowlist WHERE scope = :scope AND advisory_id = :id")
                                .bind("scope", project.orElse(SYSTEM))
                                .bind("id", id)
                                .execute()
                        > 0,
                removed -> removed);
    }
}
